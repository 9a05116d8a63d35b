#include "models/riscv/pmca.hpp"

#include <algorithm>

namespace aimcsim {

Pmca::Pmca(const sc_core::sc_module_name& name, const PmcaParams& params, std::int64_t in,
           std::int64_t out, std::int64_t rank)
    : Resource(name, "pmca"), params_(params), in_(in), out_(out), rank_(rank) {}

const LoraChunkCost& Pmca::chunk_cost(std::int64_t tokens) {
  auto it = cache_.find(tokens);
  if (it == cache_.end()) it = cache_.emplace(tokens, lora_chunk_cost(params_, tokens, in_, out_, rank_)).first;
  return it->second;
}

Resource::Timing Pmca::issue(Job& job, Picos now) {
  const LoraChunkCost& cost = chunk_cost(job.count);
  const Picos start = std::max(now, free_);
  free_ = start + cost.duration;
  job.energy.add(cost.energy);
  return {start, free_};
}

}  // namespace aimcsim
