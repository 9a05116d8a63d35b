#include "models/riscv/pmca.hpp"

#include <algorithm>
#include <cmath>

namespace aimcsim {

Pmca::Pmca(const sc_core::sc_module_name& name, const PmcaParams& params, std::int64_t in,
           std::int64_t out, std::int64_t rank)
    : Resource(name, "pmca"), params_(params), in_(in), out_(out), rank_(rank) {}

const LoraChunkCost& Pmca::chunk_cost(std::int64_t tokens) {
  auto it = cache_.find(tokens);
  if (it == cache_.end()) it = cache_.emplace(tokens, lora_chunk_cost(params_, tokens, in_, out_, rank_)).first;
  return it->second;
}

Picos lora_part_duration(const PmcaParams& p, const LoraChunkCost& cost, int part) {
  if (part == 0 || cost.compute_cycles == 0) return cost.duration;
  const double down_share = static_cast<double>(cost.down.cycles) / static_cast<double>(cost.compute_cycles);
  const Picos down = ns_to_ps(cycles_to_ns(std::round(down_share * static_cast<double>(cost.cycles)), p.freq_hz));
  return part == 1 ? down : cost.duration - down;
}

Resource::Timing Pmca::issue(Job& job, Picos now) {
  const Picos start = std::max(now, free_);
  if (job.fixed >= 0) {
    free_ = start + job.fixed;
    return {start, free_};
  }
  const LoraChunkCost& cost = chunk_cost(job.count);
  const Picos d = lora_part_duration(params_, cost, job.part);
  free_ = start + d;
  const double share = cost.duration > 0 ? static_cast<double>(d) / static_cast<double>(cost.duration) : 1.0;
  for (const auto& [component, pj] : cost.energy.items()) job.energy.add(component, pj * share);
  return {start, free_};
}

}  // namespace aimcsim
