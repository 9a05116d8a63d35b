#pragma once
#include <map>
#include <memory>
#include <string>

#include "models/riscv/pmca_model.hpp"
#include "sim/engine/engine.hpp"

namespace aimcsim {

// What one PMCA did over a run (or, summed with add(), several PMCAs): the LoRA chunks it ran,
// their cycles by kernel and by category, utilisation, L1 and DMA use, and dynamic energy.
struct PmcaStats {
  std::string engine;  // pmca.engine
  std::int64_t chunks = 0, spilled_chunks = 0;
  std::int64_t digital_ops = 0;  // jobs of digital operators (attention, norms, ...)
  Picos digital_busy = 0;        // their time
  Picos busy = 0;
  std::int64_t cycles = 0;
  double compute_cycles = 0, stall_cycles = 0, dma_wait_cycles = 0, overhead_cycles = 0;
  std::map<std::string, std::int64_t> kernel_cycles;  // lora_down, lora_up(_add), lora_add
  double useful_ops = 0;                              // MACs on the engine, lane ops on the cores
  double peak_op_cycles = 0;                          // peak ops per cycle x cycles
  std::int64_t l1_peak_bytes = 0, dma_bytes = 0;
  EnergyBreakdown energy;

  double utilisation() const { return peak_op_cycles > 0 ? useful_ops / peak_op_cycles : 0; }
  void report(StatGroup& g) const;
  void add_chunk(const PmcaParams& p, const LoraChunkCost& c);
  void add(const PmcaStats& o);
};

// SystemC model of a PMCA beside one tile, serving that layer's LoRA adapter (in -> out, rank r)
// and the digital operators mapped to it. A LoRA job is one chunk of `count` tokens: X A,
// (X A) B and the add to X W (Job::role selects X A alone or the rest), timed by
// lora_chunk_cost; a job with a fixed duration is a digital operator costed by the mapper.
// Simplification: the cluster runs one job at a time (busy-until); kernels of a chunk do not
// overlap each other.
class Pmca : public Resource {
 public:
  // `clusters` > 1: a group of identical PMCAs serving one layer as one (lora_group_cost).
  // `partial_sums` > 1: the layer spans that many row blocks of tiles and this PMCA adds their
  // partial sums (one reduction kernel) before the part of each LoRA chunk that needs X W.
  Pmca(const std::string& name, const PmcaParams& params, std::int64_t in, std::int64_t out,
       std::int64_t rank, std::int64_t clusters = 1, std::int64_t partial_sums = 1);
  // The same, with parameters the PMCAs of a platform share.
  Pmca(const std::string& name, std::shared_ptr<const PmcaParams> params, std::int64_t in,
       std::int64_t out, std::int64_t rank, std::int64_t clusters, std::int64_t partial_sums);
  std::int64_t clusters() const { return clusters_; }
  Timing issue(Job& job, Picos now) override;
  const LoraChunkCost& chunk_cost(std::int64_t tokens);

  const PmcaStats& stats() const { return stats_; }
  Picos busy() const { return stats_.busy; }
  double utilisation() const { return stats_.utilisation(); }
  std::int64_t l1_peak_bytes() const { return stats_.l1_peak_bytes; }
  std::int64_t dma_bytes() const { return stats_.dma_bytes; }

 private:
  std::shared_ptr<const PmcaParams> params_;
  std::int64_t in_, out_, rank_, clusters_, partial_sums_;
  std::map<std::int64_t, std::shared_ptr<const LoraChunkCost>> cache_;  // shared by the run's PMCAs
  PmcaStats stats_;
  Picos free_ = 0;  // busy until
};

// Duration of one part of a LoRA chunk: all of it (JobRole::Lora), X A only (LoraDown) or the
// rest (LoraUpAdd), the part that needs only X (LoraAdapter: X A and, unless the add is fused
// into it, (X A) B) or the rest (LoraAdd). The parts of a spilled chunk share its DMA waits in
// proportion to their compute cycles.
Picos lora_part_duration(const PmcaParams& p, const LoraChunkCost& cost, JobRole part);
// Whether a part of a LoRA chunk needs X W (and, where the PMCA adds partial sums, them first).
bool lora_part_needs_xw(JobRole part);

// Duration of adding `blocks` partial-sum matrices (tokens x out) into one on the PMCA, as one
// reduction kernel (reduce_cost, the same that `aimcsim kernel reduce` prints); 0 when
// blocks <= 1 or tokens <= 0.
Picos pmca_reduce_ps(const PmcaParams& p, std::int64_t tokens, std::int64_t out,
                     std::int64_t blocks);

}  // namespace aimcsim
