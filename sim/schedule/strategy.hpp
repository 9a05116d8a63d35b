#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/base/registry.hpp"
#include "sim/engine/engine.hpp"

namespace aimcsim {

// Rows [0, end) of an operator's output are ready once `job` has finished.
struct ChunkDone {
  std::int64_t end = 0;
  Job* job = nullptr;
};
using Progress = std::vector<ChunkDone>;

// The jobs a chunk covering rows [first, end) of an operator must wait for.
using DepsFn = std::function<std::vector<Job*>(std::int64_t first, std::int64_t end)>;

// Where a chunk's input X comes from: what the tile's MVMs of rows [first, end) wait for, and
// what the PMCA's adapter work on them waits for (X in the PMCA's L1). On a bus or mesh both are
// the one multicast of the layer's input; point to point, X reaches the PMCA over a link of its
// own while the tile has it in place.
struct ChunkInputs {
  DepsFn tile;
  DepsFn pmca;
};

// When a chunk's adapter work may start.
enum class AdapterStart {
  Input,    // once the chunk's X is at the PMCA: X A and (X A) B need only X, the add waits for X W
  XwFirst,  // once X W has arrived: the whole chunk waits for the tile
};

// The resources one linear operator uses in the hybrid design and the sizes a strategy needs.
struct OpResources {
  Resource& tile;
  Resource& link;
  Resource& pmca;
  std::size_t op = 0;
  int tile_block = 0;  // the layer's block on a tile it shares (Job::block)
  std::int64_t tokens = 0;
  std::int64_t chunk = 0;                // tokens per chunk
  std::int64_t out_bytes_per_token = 0;  // X W bytes the tile sends to the PMCA per token
};

// How a strategy runs the adapters (pipeline.adapter_start, pipeline.xw_buffer_chunks).
struct ScheduleOptions {
  AdapterStart adapter_start = AdapterStart::Input;
  // X W chunks the PMCA holds: the tile's chunk c waits until the PMCA consumed chunk c - this;
  // 0: unbounded.
  std::int64_t xw_buffer = 2;
};

// Durations of one operator's pieces on idle resources, for the analytic twin. The mapper fills
// them from the models; strategies know no specific hardware.
struct OpTiming {
  // A fresh pipeline of the operator's tile: each call runs the next chunk of `n` MVMs, no
  // earlier than `release`, and returns the end of its last MVM (the stages carry over).
  std::function<std::function<Picos(std::int64_t n, Picos release)>()> tile_pipeline;
  std::function<Picos(std::int64_t bytes)> transfer;       // X W: latency + serialisation
  std::function<Picos(std::int64_t bytes)> serialisation;  // X W: link occupancy
  // X to the PMCA over a link of its own (point to point; empty where X arrives with the tile's).
  std::function<Picos(std::int64_t bytes)> x_transfer;
  std::function<Picos(std::int64_t bytes)> x_serialisation;
  std::int64_t in_bytes_per_token = 0;
  // One PMCA part of a chunk of `tokens` tokens (JobRole::Lora, LoraDown, LoraUpAdd,
  // LoraAdapter, LoraAdd).
  std::function<Picos(std::int64_t tokens, JobRole part)> pmca;
  std::int64_t tokens = 0;
  std::int64_t chunk = 0;
  std::int64_t out_bytes_per_token = 0;
};

// Chunk sizes of a sequence: tokens split into chunks of `chunk`, the last one shorter.
std::vector<std::int64_t> chunk_sizes(std::int64_t tokens, std::int64_t chunk);

using ReleaseFn = std::function<Picos(std::int64_t first, std::int64_t end)>;

// A pipelining strategy: turns one linear operator with an adapter into jobs on its tile, link
// and PMCA. One file per strategy (sim/schedule/strategy_*.cpp), registered by name; each
// honours its options (when the adapter starts, the X W buffer), and so does its twin.
class Strategy {
 public:
  virtual ~Strategy() = default;
  void set_options(const ScheduleOptions& options) { options_ = options; }
  const ScheduleOptions& options() const { return options_; }
  // Whether a chunk may start as soon as the input rows it needs are ready (a wavefront across
  // layers) instead of waiting for the whole input.
  virtual bool wavefront() const { return false; }
  // Contract: appends the hybrid jobs of one operator to `graph`; the MVMs of the chunk covering
  // rows [first, end) depend on in.tile(first, end) and the PMCA's work on them that needs only X
  // on in.pmca(first, end). Returns when each range of output rows is ready, in increasing
  // order, ending with all `r.tokens` rows.
  virtual Progress schedule(JobGraph& graph, const OpResources& r, const ChunkInputs& in) const = 0;
  // Contract: the completion time of each output chunk of the same schedule, computed without
  // simulation on idle resources that nothing else uses, when the chunk covering rows
  // [first, end) has its X at the tile at release(first, end). It equals the simulation when
  // nothing contends.
  virtual std::vector<Picos> analytic(const OpTiming& t, const ReleaseFn& release) const = 0;

 protected:
  ScheduleOptions options_;
};

// Strategies register themselves by name, one file each, and are chosen with `pipeline.strategy`.
using StrategyRegistry = Registry<Strategy>;

#define AIMCSIM_REGISTER_STRATEGY(NAME, DESCRIPTION, TYPE) \
  AIMCSIM_REGISTER(::aimcsim::StrategyRegistry,            \
                   {NAME, DESCRIPTION,                     \
                    [] { return std::unique_ptr<::aimcsim::Strategy>(new TYPE()); }, nullptr})

// A linear operator without adapter (the analog-only baseline, or a layer LoRA does not
// target): the tile runs the tokens in chunks, each depending on deps.
Progress schedule_tile_only(JobGraph& graph, Resource& tile, std::size_t op, std::int64_t tokens,
                            std::int64_t chunk, const DepsFn& deps, int tile_block = 0);
std::vector<Picos> tile_only_analytic(const OpTiming& t, const ReleaseFn& release);

// Jobs that must all finish before anything depending on `deps(first, end)` starts.
void depend_all(JobGraph& graph, const std::vector<Job*>& before, Job& after);

// Release time of each chunk of `sizes`.
std::vector<Picos> chunk_releases(const std::vector<std::int64_t>& sizes, const ReleaseFn& release);

// When each chunk's X W arrives at the PMCA over a private link, given when the tile finished it.
std::vector<Picos> link_arrivals(const OpTiming& t, const std::vector<std::int64_t>& sizes,
                                 const std::vector<Picos>& tile_end);

// The tile's pipeline over chunks, each chunk k released at release[k].
std::vector<Picos> tile_chunk_ends(const OpTiming& t, const std::vector<std::int64_t>& sizes,
                                   const std::vector<Picos>& release);

// The MVM job of rows [first, first + n) of the operator on its tile, after deps(first, end).
Job& add_tile_chunk(JobGraph& graph, Resource& tile, std::size_t op, int tile_block,
                    std::int64_t first, std::int64_t n, const DepsFn& deps);
// The transfer of that chunk's X W to the PMCA, after the MVMs.
Job& add_xw_transfer(JobGraph& graph, const OpResources& r, Job& mvm, std::int64_t n);
// A PMCA job of `n` tokens of the adapter (all of it, or one part), after `after`.
Job& add_lora_chunk(JobGraph& graph, const OpResources& r, Job& after, std::int64_t n,
                    JobRole part = JobRole::Lora);

// The chunked tile -> link -> PMCA flow that the chunked strategies share: per chunk the MVMs
// (after their X and, with a bounded X W buffer, after the PMCA consumed chunk c - xw_buffer),
// the X W transfer, and the PMCA's work in two parts: with adapter_start input, the adapter
// (LoraAdapter) once X is at the PMCA and the add (LoraAdd) after it and X W; with xw-first,
// X A (LoraDown) once X is at the PMCA and the rest (LoraUpAdd) after X W when
// `split_xw_first`, else one LoRA job after X W. `lookahead` queues chunk c + 1's first part
// before chunk c's second (the PMCA works one chunk ahead).
Progress schedule_chunk_flow(JobGraph& graph, const OpResources& r, const ChunkInputs& in,
                             const ScheduleOptions& options, bool lookahead, bool split_xw_first);

// The twin of schedule_chunk_flow: the same chunks on a private tile, links and PMCA.
std::vector<Picos> chunk_flow_analytic(const OpTiming& t, const ReleaseFn& release,
                                       const ScheduleOptions& options, bool lookahead,
                                       bool split_xw_first);

// When each chunk's X reaches the PMCA: over its own link (OpTiming::x_transfer), else with the
// tile's (`release`).
std::vector<Picos> x_arrivals(const OpTiming& t, const std::vector<std::int64_t>& sizes,
                              const std::vector<Picos>& release);

}  // namespace aimcsim
