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

// Durations of one operator's pieces on idle resources, for the analytic twin. The mapper fills
// them from the models; strategies know no specific hardware.
struct OpTiming {
  // The tile's pipeline over chunks: the end of each chunk's last MVM when chunk k may start at
  // release[k] (the pipeline carries over between chunks).
  std::function<std::vector<Picos>(const std::vector<std::int64_t>& sizes,
                                   const std::vector<Picos>& release)>
      tile_chunks;
  std::function<Picos(std::int64_t bytes)> transfer;       // latency + serialisation
  std::function<Picos(std::int64_t bytes)> serialisation;  // link occupancy
  // One PMCA chunk of `tokens` tokens: the whole of it (JobRole::Lora), X A alone (LoraDown) or
  // the rest (LoraUpAdd).
  std::function<Picos(std::int64_t tokens, JobRole part)> pmca;
  std::int64_t tokens = 0;
  std::int64_t chunk = 0;
  std::int64_t out_bytes_per_token = 0;
};

// Chunk sizes of a sequence: tokens split into chunks of `chunk`, the last one shorter.
std::vector<std::int64_t> chunk_sizes(std::int64_t tokens, std::int64_t chunk);

// A pipelining strategy: turns one linear operator with an adapter into jobs on its tile, link
// and PMCA. One file per strategy (sim/schedule/strategy_*.cpp), registered by name.
class Strategy {
 public:
  virtual ~Strategy() = default;
  // Whether a chunk may start as soon as the input rows it needs are ready (a wavefront across
  // layers) instead of waiting for the whole input.
  virtual bool wavefront() const { return false; }
  // Contract: appends the hybrid jobs of one operator to `graph`; each chunk covering rows
  // [first, end) depends on deps(first, end). Returns when each range of output rows is ready,
  // in increasing order, ending with all `r.tokens` rows.
  virtual Progress schedule(JobGraph& graph, const OpResources& r, const DepsFn& deps) const = 0;
  // Contract: the completion time of each output chunk of the same schedule, computed without
  // simulation on idle resources that nothing else uses, when the chunk covering rows
  // [first, end) may start at release(first, end). It equals the simulation when nothing
  // contends.
  virtual std::vector<Picos> analytic(
      const OpTiming& t, const std::function<Picos(std::int64_t, std::int64_t)>& release) const = 0;
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
std::vector<Picos> tile_only_analytic(
    const OpTiming& t, const std::function<Picos(std::int64_t, std::int64_t)>& release);

// Jobs that must all finish before anything depending on `deps(first, end)` starts.
void depend_all(JobGraph& graph, const std::vector<Job*>& before, Job& after);

using ReleaseFn = std::function<Picos(std::int64_t first, std::int64_t end)>;

// Release time of each chunk of `sizes`.
std::vector<Picos> chunk_releases(const std::vector<std::int64_t>& sizes, const ReleaseFn& release);

// When each chunk's X W arrives at the PMCA over a private link, given when the tile finished it.
std::vector<Picos> link_arrivals(const OpTiming& t, const std::vector<std::int64_t>& sizes,
                                 const std::vector<Picos>& tile_end);

// The tile's pipeline over chunks (OpTiming::tile_chunks).
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

}  // namespace aimcsim
