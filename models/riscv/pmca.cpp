#include "models/riscv/pmca.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "models/riscv/gemm_engine.hpp"
#include "models/riscv/kernels.hpp"

namespace aimcsim {

void PmcaStats::add_chunk(const PmcaParams& p, const LoraChunkCost& c) {
  ++chunks;
  if (c.spilled) ++spilled_chunks;
  busy += c.duration;
  cycles += c.cycles;
  for (const KernelCost* k : {&c.down, &c.up, &c.add}) {
    if (k == &c.add && c.add_fused) continue;  // no add kernel ran: it fused into lora_up_add
    compute_cycles += k->compute_cycles;
    stall_cycles += k->stall_cycles;
    overhead_cycles += k->overhead_cycles;
    kernel_cycles[k->name] += k->cycles;
  }
  dma_wait_cycles += static_cast<double>(c.dma_wait_cycles);
  const double peak = static_cast<double>(p.gemm().peak_ops(p));
  useful_ops += c.utilisation * peak * static_cast<double>(c.cycles);
  peak_op_cycles += peak * static_cast<double>(c.cycles);
  l1_peak_bytes = std::max(l1_peak_bytes, c.l1_peak_bytes);
  dma_bytes += c.dma_bytes;
  energy.add(c.energy);
}

void PmcaStats::add(const PmcaStats& o) {
  if (engine.empty()) engine = o.engine;
  chunks += o.chunks;
  digital_ops += o.digital_ops;
  digital_busy += o.digital_busy;
  spilled_chunks += o.spilled_chunks;
  busy += o.busy;
  cycles += o.cycles;
  compute_cycles += o.compute_cycles;
  stall_cycles += o.stall_cycles;
  dma_wait_cycles += o.dma_wait_cycles;
  overhead_cycles += o.overhead_cycles;
  for (const auto& [k, v] : o.kernel_cycles) kernel_cycles[k] += v;
  useful_ops += o.useful_ops;
  peak_op_cycles += o.peak_op_cycles;
  l1_peak_bytes = std::max(l1_peak_bytes, o.l1_peak_bytes);
  dma_bytes += o.dma_bytes;
  energy.add(o.energy);
}

void PmcaStats::report(StatGroup& g) const {
  g.add("engine", engine, "", "what ran the GEMMs (pmca.engine)");
  g.add("chunks", chunks, "", "LoRA chunks run");
  g.add("spilled_chunks", spilled_chunks, "", "chunks whose L1 footprint was staged from L2");
  g.add("busy_ns", ps_to_ns(busy), "ns", "time the PMCAs ran LoRA chunks");
  g.add("utilisation", utilisation(), "", "useful ops over peak ops in those cycles");
  StatGroup& c = g.group("cycles", "LoRA cycles by category");
  c.add("total", cycles, "cycles", "all cycles of the LoRA chunks");
  c.add("compute", compute_cycles, "cycles", "FPU or engine issuing");
  c.add("stall", stall_cycles, "cycles", "memory stalls: streamed-loop losses, L1, engine port");
  c.add("dma_wait", dma_wait_cycles, "cycles", "waiting for the DMA to stage from L2");
  c.add("overhead", overhead_cycles, "cycles", "loop setup, launch, barrier, engine configuration");
  StatGroup& k = g.group("kernel_cycles", "LoRA cycles by kernel");
  for (const auto& [name, n] : kernel_cycles) k.add(name, n, "cycles", name);
  g.add("l1_peak_bytes", l1_peak_bytes, "B", "the most L1 a chunk held");
  g.add("dma_bytes", dma_bytes, "B", "bytes the DMA moved between L2 and L1");
  g.add("dynamic_energy_nj", energy.total() / 1e3, "nJ", "dynamic energy of the LoRA chunks");
  g.add("digital_jobs", digital_ops, "",
        "jobs of digital operators (attention, norms, activations, adds, lookups) the PMCAs ran");
  g.add("digital_busy_ns", ps_to_ns(digital_busy), "ns", "time the PMCAs ran them");
}

Pmca::Pmca(const std::string& name, const PmcaParams& params, std::int64_t in, std::int64_t out,
           std::int64_t rank, std::int64_t clusters, std::int64_t partial_sums)
    : Pmca(name, std::make_shared<const PmcaParams>(params), in, out, rank, clusters,
           partial_sums) {}

Pmca::Pmca(const std::string& name, std::shared_ptr<const PmcaParams> params, std::int64_t in,
           std::int64_t out, std::int64_t rank, std::int64_t clusters, std::int64_t partial_sums)
    : Resource(name, "pmca"),
      params_(std::move(params)),
      in_(in),
      out_(out),
      rank_(rank),
      clusters_(clusters),
      partial_sums_(partial_sums) {
  stats_.engine = params_->engine;
}

const LoraChunkCost& Pmca::chunk_cost(std::int64_t tokens) {
  auto it = cache_.find(tokens);
  if (it == cache_.end())
    it = cache_
             .emplace(tokens, shared_lora_group_cost(*params_, clusters_, tokens, in_, out_, rank_))
             .first;
  return *it->second;
}

Picos lora_part_duration(const PmcaParams& p, const LoraChunkCost& cost, JobRole part) {
  if (part == JobRole::Lora || cost.compute_cycles == 0) return cost.duration;
  const bool first = part == JobRole::LoraDown || part == JobRole::LoraAdapter;
  const bool by_down = part == JobRole::LoraDown || part == JobRole::LoraUpAdd;
  // The first part's compute cycles: X A, or everything before X W is needed.
  const std::int64_t head =
      by_down ? cost.down.cycles : cost.down.cycles + (cost.add_fused ? 0 : cost.up.cycles);
  const double share = static_cast<double>(head) / static_cast<double>(cost.compute_cycles);
  const Picos d =
      ns_to_ps(cycles_to_ns(std::round(share * static_cast<double>(cost.cycles)), p.freq_hz));
  return first ? d : cost.duration - d;
}

bool lora_part_needs_xw(JobRole part) {
  return part == JobRole::Lora || part == JobRole::LoraUpAdd || part == JobRole::LoraAdd;
}

Picos pmca_reduce_ps(const PmcaParams& p, std::int64_t tokens, std::int64_t out,
                     std::int64_t blocks) {
  if (blocks <= 1 || tokens <= 0) return 0;
  return ns_to_ps(
      cycles_to_ns(static_cast<double>(reduce_cost(p, tokens, out, blocks).cycles), p.freq_hz));
}

Resource::Timing Pmca::issue(Job& job, Picos now) {
  const Picos start = std::max(now, free_);
  if (job.fixed >= 0) {
    free_ = start + job.fixed;
    ++stats_.digital_ops;
    stats_.digital_busy += job.fixed;
    return {start, free_};
  }
  // The partial sums first, where this PMCA adds them and the job needs X W.
  Picos reduce = 0;
  if (partial_sums_ > 1 && lora_part_needs_xw(job.role)) {
    const KernelCost r = reduce_cost(*params_, job.count, out_, partial_sums_);
    reduce = pmca_reduce_ps(*params_, job.count, out_, partial_sums_);
    job.energy.add(r.energy);
  }
  const LoraChunkCost& cost = chunk_cost(job.count);
  const Picos d = lora_part_duration(*params_, cost, job.role);
  free_ = start + reduce + d;
  const double share =
      cost.duration > 0 ? static_cast<double>(d) / static_cast<double>(cost.duration) : 1.0;
  job.energy.add_scaled(cost.energy, share);
  if (lora_part_needs_xw(job.role)) stats_.add_chunk(*params_, cost);
  return {start, free_};
}

}  // namespace aimcsim
