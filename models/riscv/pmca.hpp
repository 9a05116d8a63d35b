#pragma once
#include <map>

#include "models/riscv/pmca_model.hpp"
#include "sim/engine.hpp"

namespace aimcsim {

// SystemC model of a PMCA serving one LoRA layer (in -> out, rank r). A job is one chunk of
// `count` tokens: X A, (X A) B and the add to X W, timed by lora_chunk_cost. The cluster runs
// one chunk at a time (busy-until).
class Pmca : public Resource {
 public:
  Pmca(const sc_core::sc_module_name& name, const PmcaParams& params, std::int64_t in,
       std::int64_t out, std::int64_t rank);
  Timing issue(Job& job, Picos now) override;
  const LoraChunkCost& chunk_cost(std::int64_t tokens);

 private:
  PmcaParams params_;
  std::int64_t in_, out_, rank_;
  std::map<std::int64_t, LoraChunkCost> cache_;
  Picos free_ = 0;
};

}  // namespace aimcsim
