#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/riscv/pmca.hpp"
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
  double overhead() const { return static_cast<double>(hybrid) / static_cast<double>(analog_only); }
};

struct BlockResult {
  std::string name;
  std::size_t ops = 0;
  Picos analog_only = 0, hybrid = 0;
  EnergyBreakdown analog_only_energy, hybrid_energy;
};

struct RunResult {
  Workload workload;
  std::string strategy;
  std::vector<OpResult> ops;
  std::vector<BlockResult> blocks;
  Picos analog_only = 0, hybrid = 0;
  EnergyBreakdown analog_only_energy, hybrid_energy;
  std::size_t tiles = 0, pmcas = 0, links = 0;
  PmcaStats pmca;  // the hybrid design's PMCAs, summed
};

// Builds the workload and both platforms from `cfg`, simulates the analog-only baseline and the
// hybrid design side by side, and returns per-operator and per-block results. Throws InputError
// on a config the models cannot honour.
RunResult simulate(const Config& cfg);

}  // namespace aimcsim
