#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/riscv/pmca_model.hpp"
#include "sim/params.hpp"
#include "sim/energy.hpp"
#include "sim/units.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// How layers are pipelined: the strategy by name and the chunk size (0 = auto).
struct PipelineParams : Params<PipelineParams> {
  std::string strategy;
  std::int64_t chunk_tokens;

  static void bind(ParamBinder<PipelineParams>& b);
};

// Every parameter aimcsim knows, in the order `aimcsim params` and config.yaml list them.
Schema build_schema();

// One linear operator's result: the hybrid design against the analog-only baseline.
struct OpResult {
  LinearOp op;
  std::int64_t chunk = 0;
  Picos analog_only = 0;       // simulated latency, analog-only
  Picos hybrid = 0;            // simulated latency, hybrid (tile + link + PMCA)
  Picos hybrid_analytic = 0;   // the strategy's analytic twin
  Picos tile_busy = 0, link_busy = 0, pmca_busy = 0;  // hybrid, per resource
  std::string bottleneck;      // aimc, transfer or pmca
  EnergyBreakdown analog_only_energy, hybrid_energy;
  LoraChunkCost chunk_cost;    // PMCA cost of one full chunk
  std::int64_t tiles = 1, row_blocks = 1, col_blocks = 1;  // tiles holding the layer's weights
  Picos input_transfer = 0;    // hybrid: the layer's input arriving over the bus / mesh
  Picos analog_only_input_transfer = 0;
  double overhead() const { return static_cast<double>(hybrid) / static_cast<double>(analog_only); }
};

struct BlockResult {
  std::string name;
  std::size_t ops = 0;
  Picos analog_only = 0, hybrid = 0;
  EnergyBreakdown analog_only_energy, hybrid_energy;
};

// One link of the interconnect with its traffic over the hybrid run.
struct LinkReport {
  std::string name;
  std::int64_t bytes = 0;
  Picos busy = 0;
  double utilisation = 0;  // busy / hybrid run time
  double energy_pj = 0;
};

// The physical tiles of the hybrid design, aggregated.
struct TileReport {
  std::int64_t mvms = 0;          // MVMs summed over physical tiles
  double utilisation_mean = 0;    // busy / run time, mean over physical tiles
  double utilisation_max = 0;
  EnergyBreakdown energy;         // dynamic, by component
};

// One-off costs: programming the analog weights against loading one set of LoRA adapters.
struct ProgrammingReport {
  Picos one_tile = 0;             // a full tile.rows x tile.cols tile
  Picos all_tiles_sequential = 0; // every used cell, one tile at a time
  Picos all_tiles_parallel = 0;   // every tile at once (the slowest tile)
  double energy_pj = 0;
  std::int64_t lora_bytes = 0;    // A and B of every adapter
  Picos lora_over_link = 0;       // through one link at interconnect.bandwidth
  Picos lora_by_dma = 0;          // each PMCA's DMA in parallel (the largest adapter)
  double lora_energy_pj = 0;      // over the link
};

struct RunResult {
  Workload workload;
  std::string strategy;
  std::vector<OpResult> ops;
  std::vector<BlockResult> blocks;
  Picos analog_only = 0, hybrid = 0;
  EnergyBreakdown analog_only_energy, hybrid_energy;
  std::size_t tiles = 0, pmcas = 0, links = 0;  // physical tiles; links that carried traffic
  std::string topology;
  TileReport tile_stats;
  ProgrammingReport programming;
  std::vector<LinkReport> busiest_links;  // hybrid design, busiest first (at most 5)
};

// Builds the workload and both platforms from `cfg`, simulates the analog-only baseline and the
// hybrid design side by side, and returns per-operator and per-block results. Throws InputError
// on a config the models cannot honour.
RunResult simulate(const Config& cfg);

}  // namespace aimcsim
