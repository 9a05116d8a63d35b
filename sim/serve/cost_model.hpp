#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/base/units.hpp"

namespace aimcsim {

// One pass of the platform (a prompt, or one decode step of a batch) in one design.
struct PassCost {
  Picos latency = 0;
  double energy_pj = 0;  // dynamic energy (leakage is charged over the serving time instead)
  Picos tile_busy = 0;   // mean busy time of a physical tile during the pass
  Picos pmca_busy = 0;   // mean busy time of a PMCA during the pass
};

struct DesignCosts {
  PassCost hybrid, analog_only;
};

// The serving loop's time model: per-pass latencies and energies of both designs from the
// simulator (simulate()), each shape simulated once and cached. A prompt of T tokens is a run of
// the model with workload.seq_len = T and no decode tokens; a decode step of b requests over
// k adapters at context c is a run of the model's decode step alone (the prompt's operators
// left out, the step's operators carrying b tokens, attention over c + 1 keys per query) with
// pipeline.chunk_tokens = b / k, so each adapter's tokens are one LoRA chunk. Simplification:
// a batch's requests are taken at the batch's mean context, and with serve.cost_grid: pow2
// lengths and contexts are simulated at powers of two and interpolated linearly between them
// (exactly where the next power of two cannot be simulated, such as past limits.memory).
class CostModel {
 public:
  // `cfg`'s workload, platform and pipeline keys; `grid` is serve.cost_grid.
  CostModel(const Config& cfg, const std::string& grid);
  CostModel(const CostModel&) = delete;
  CostModel& operator=(const CostModel&) = delete;

  // `rank` sets lora.rank for the pass (an adapter's own rank); 0: the config's.
  DesignCosts prefill(std::int64_t prompt, std::int64_t rank = 0);
  DesignCosts step(std::int64_t batch, std::int64_t groups, std::int64_t context,
                   std::int64_t rank = 0);

  bool decoder() const { return decoder_; }
  std::string model() const { return model_; }
  std::int64_t rank() const { return rank_; }  // lora.rank
  // A and B of every adapted linear, and the most of it one PMCA holds, at `rank` (0: lora.rank).
  std::int64_t adapter_bytes(std::int64_t rank = 0);
  std::int64_t adapter_share(std::int64_t rank = 0);
  std::int64_t pmcas() const { return pmcas_; }
  Picos program_time() const { return program_time_; }  // every tile at once
  double program_energy_pj() const { return program_energy_pj_; }
  double leakage_mw(bool hybrid) const { return hybrid ? leak_hybrid_mw_ : leak_analog_mw_; }
  std::int64_t simulations() const { return simulations_; }

 private:
  DesignCosts simulate_prefill(std::int64_t prompt, std::int64_t rank);
  DesignCosts simulate_step(std::int64_t batch, std::int64_t groups, std::int64_t context,
                            std::int64_t rank);
  std::vector<std::string> rank_override(std::int64_t rank) const;
  std::int64_t rank_of(std::int64_t rank) const { return rank > 0 ? rank : rank_; }
  Config with(const std::vector<std::string>& overrides) const;

  Schema schema_;
  std::string yaml_;
  bool pow2_ = true;
  bool decoder_ = false;
  std::string model_;
  std::int64_t rank_ = 0, pmcas_ = 0;
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> sizes_;  // rank -> bytes, share
  Picos program_time_ = 0;
  double program_energy_pj_ = 0, leak_hybrid_mw_ = 0, leak_analog_mw_ = 0;
  std::int64_t simulations_ = 0;
  std::map<std::pair<std::int64_t, std::int64_t>, DesignCosts> prefills_, prefill_points_;
  using StepKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>;
  std::map<StepKey, DesignCosts> steps_, step_points_;
};

}  // namespace aimcsim
