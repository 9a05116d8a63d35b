#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/riscv/pmca.hpp"
#include "models/riscv/pmca_model.hpp"
#include "platform/platform.hpp"
#include "sim/base/config.hpp"
#include "sim/base/energy.hpp"
#include "sim/base/params.hpp"
#include "sim/base/stats.hpp"
#include "sim/base/units.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// How layers are pipelined: the strategy by name and the chunk size (0 = auto).
struct PipelineParams : Params<PipelineParams> {
  std::string strategy;
  std::int64_t chunk_tokens;
  std::string adapter_start;      // input, xw-first
  std::int64_t xw_buffer_chunks;  // 0: unbounded

  static void bind(ParamBinder<PipelineParams>& b);
};

// The size of the platform: a tile budget the mapping must fit, or auto (as many as it needs).
struct PlatformSizeParams : Params<PlatformSizeParams> {
  std::int64_t tiles;           // 0 = auto
  std::int64_t tiles_per_pmca;  // 0 = auto: one PMCA per layer
  std::string packing;          // none, dense
  double area_budget_mm2;       // 0 = auto: no budget

  static void bind(ParamBinder<PlatformSizeParams>& b);
};

// What a run writes besides the reports.
struct OutputParams : Params<OutputParams> {
  bool trace;   // trace.json for Perfetto
  bool strict;  // a run over capacity is an error

  static void bind(ParamBinder<OutputParams>& b);
};

// Every parameter aimcsim knows: the sections every component registered
// (AIMCSIM_REGISTER_PARAMS), in the order `aimcsim params` and config.yaml list them.
Schema build_schema();

// One operator's result: the hybrid design against the analog-only baseline, per design its
// ready time (its first job's inputs ready), start (its first job starts) and end (its last job
// ends), all from the start of the run. Its span is end - ready: waits for busy resources
// included, so the spans of operators that pipeline overlap (README, "Reading the outputs"). An
// operator of the decode steps has one result for all its steps: its spans, energies, busy times
// and twin summed over them, its ready and start its first step's, its end its last's.
struct OpResult {
  Operator op;             // a decode row: its last step's, with the tokens of every step
  std::int64_t steps = 0;  // passes the row adds up: a decode operator's steps, else 1
  std::size_t slot = 0;
  std::int64_t chunk = 0;
  Picos analog_only = 0, hybrid = 0;  // spans
  Picos analog_only_ready = 0, hybrid_ready = 0;
  Picos analog_only_start = 0, hybrid_start = 0;
  Picos analog_only_end = 0, hybrid_end = 0;
  Picos hybrid_analytic = 0;  // the strategy's analytic twin (no contention)
  // Hybrid: the busy time of the busiest resource of each kind that served the operator (one
  // tile group, link or PMCA), so each is at most the span.
  Picos tile_busy = 0, link_busy = 0, pmca_busy = 0;
  std::string bottleneck;  // the kind with the largest of the three: aimc, transfer or pmca
  EnergyBreakdown analog_only_energy, hybrid_energy;
  // Linears with an adapter: the PMCA cost of one full chunk (from the mapping's LoraChunkCost).
  struct ChunkFigures {
    Picos duration = 0;
    double utilisation = 0;
    std::int64_t l1_bytes = 0;
    bool spilled = false;
  } chunk_cost;
  std::int64_t tiles = 0, row_blocks = 0, col_blocks = 0;  // linears: tiles holding the weights
  Picos input_transfer = 0;  // hybrid: the layer's input arriving over the bus / mesh
  Picos analog_only_input_transfer = 0;
  double overhead() const {
    return analog_only > 0 ? static_cast<double>(hybrid) / static_cast<double>(analog_only) : 1.0;
  }
  // The simulation and the analytic twin differ by more than 5 % (contention, or a wavefront).
  bool twin_differs() const;
};

// A transformer block's span per design: from its first operator's ready time to its last
// operator's end; a decode block recurs once per generated token and its steps' spans add up.
struct BlockResult {
  std::string name;
  std::size_t ops = 0, linear_ops = 0;
  Picos analog_only = 0, hybrid = 0;               // spans
  double analog_only_share = 0, hybrid_share = 0;  // span / the design's end-to-end latency
  EnergyBreakdown analog_only_energy, hybrid_energy;
  void report(StatGroup& g) const;
};

// One link of the interconnect with its traffic over the hybrid run.
struct LinkReport {
  std::string name;
  std::int64_t bytes = 0;
  Picos busy = 0;
  double utilisation = 0;  // busy / hybrid run time
  double energy_pj = 0;
  void report(StatGroup& g) const;
};

// The physical tiles of the hybrid design, aggregated.
struct TileReport {
  std::int64_t mvms = 0;        // MVMs summed over physical tiles
  double utilisation_mean = 0;  // busy / run time, mean over physical tiles
  double utilisation_max = 0;
  EnergyBreakdown energy;  // dynamic, by component
  std::size_t tiles = 0;   // physical tiles
  void report(StatGroup& g) const;
};

// One-off costs: programming the analog weights against loading one set of LoRA adapters.
struct ProgrammingReport {
  Picos one_tile = 0;              // a full tile.rows x tile.cols tile
  Picos all_tiles_sequential = 0;  // every used cell, one tile at a time
  Picos all_tiles_parallel = 0;    // every tile at once (the slowest tile)
  double energy_pj = 0;
  std::int64_t lora_bytes = 0;  // A and B of every adapter
  Picos lora_over_link = 0;     // through one link at interconnect.bandwidth
  Picos lora_by_dma = 0;        // each PMCA's DMA in parallel (the largest adapter)
  double lora_energy_pj = 0;    // over the link
  void report(StatGroup& g) const;
};

// One job as it ran, for the trace.
struct TraceEvent {
  std::string lane;  // resource name, e.g. hybrid_tile12
  std::string name;  // operator and what the job did
  bool hybrid = true;
  Picos start = 0, end = 0;
  std::string category;         // what the job did: job_role_name() ("mvm", "xw", "lora", ...)
  std::string op;               // block.operator
  std::int64_t count = 0;       // MVMs, tokens, ... (the resource's unit of work)
  std::int64_t bytes = 0;       // bytes moved, for transfers
  double energy_pj = 0;         // dynamic energy of the job
  std::int64_t lane_tiles = 0;  // tile lanes: the physical tiles working in lockstep behind it
};

// How the workload was laid out on the platform.
struct MappingReport {
  std::int64_t tile_budget = 0;  // platform.tiles (0: auto)
  std::int64_t tiles_needed = 0;
  double array_utilisation = 0;     // mapped weights / cells of the tiles used
  std::int64_t l1_peak_bytes = 0;   // the largest LoRA chunk footprint on a PMCA
  std::int64_t spilled_layers = 0;  // layers whose chunk does not fit L1
  // Decoders: one layer's K and V cache at the final length, and the PMCA-side memory (L2) of the
  // PMCAs that run that layer's attention (the smallest over the layers).
  std::int64_t kv_cache_bytes = 0;  // every layer's K and V at the final length
  std::int64_t kv_cache_layer_bytes = 0;
  std::int64_t kv_cache_capacity_bytes = 0;
  // memory.kv_cache auto: layers whose cache does not fit that L2 and lives in the DRAM.
  std::int64_t kv_cache_dram_layers = 0;
  std::int64_t dram_capacity_bytes = 0;  // memory.dram.size
  std::size_t pmcas_used = 0;            // PMCAs of the hybrid design
  void report(StatGroup& g) const;
};

// How platform.area_budget sized the hybrid platform: each PMCA split tried, and the fastest that
// fits.
struct SizingReport {
  struct Candidate {
    std::int64_t tiles_per_pmca = 0;  // 0: auto
    std::size_t tiles = 0, pmcas = 0;
    double area_mm2 = 0;
    Picos hybrid = 0;
    bool fits = false;
  };
  double budget_mm2 = 0;  // 0: no budget
  std::vector<Candidate> candidates;
  std::size_t chosen = 0;
  void report(StatGroup& g) const;
};

struct RunResult {
  Workload workload;
  std::string strategy;
  std::vector<OpResult> ops;  // every operator in execution order, a decode step's once
  std::vector<BlockResult> blocks;
  Picos analog_only = 0, hybrid = 0;                  // end to end
  Picos linear_analog_only = 0, linear_hybrid = 0;    // the static linears' spans summed
  Picos prefill_analog_only = 0, prefill_hybrid = 0;  // end of the prompt (decoders)
  EnergyBreakdown analog_only_energy, hybrid_energy;
  std::size_t tiles = 0, pmcas = 0, links = 0, analog_only_pmcas = 0;  // physical tiles
  std::string topology;
  TileReport tile_stats;
  std::vector<LinkReport> busiest_links;  // hybrid, at most five
  ProgrammingReport programming;
  MappingReport mapping;
  std::vector<TraceEvent> trace;   // filled when output.trace is set
  std::vector<std::string> notes;  // what the user should know about how the run applied
  PmcaStats pmca;                  // the hybrid design's PMCAs, summed
  std::string pmca_engine;  // what runs the PMCAs' GEMMs, with its geometry ("RedMulE 4x8 ...")
  double pmca_freq_hz = 0;
  bool gating = false;                              // power.gating
  GatingFigures analog_only_gating, hybrid_gating;  // leakage ("static") and wake-ups
  PlatformArea analog_only_area, hybrid_area;       // mm2
  SizingReport sizing;                              // platform.area_budget
  std::size_t jobs = 0;  // jobs the engine simulated, both designs (the chosen size's run)
};

// Builds the workload and both platforms from `cfg`, simulates the analog-only baseline and the
// hybrid design side by side, and returns per-operator and per-block results. Throws InputError
// on a config the models cannot honour.
RunResult simulate(const Config& cfg);
// The same for a workload built by the caller (the config's workload keys are not used).
RunResult simulate(const Config& cfg, Workload workload);

}  // namespace aimcsim
