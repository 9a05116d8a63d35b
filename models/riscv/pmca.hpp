#pragma once
#include <map>

#include "models/riscv/pmca_model.hpp"
#include "sim/engine.hpp"

namespace aimcsim {

// SystemC model of a PMCA beside one tile, serving that layer's LoRA adapter (in -> out, rank r)
// and the digital operators mapped to it. A LoRA job is one chunk of `count` tokens: X A,
// (X A) B and the add to X W (Job::part selects X A alone or the rest), timed by
// lora_chunk_cost; a job with a fixed duration is a digital operator costed by the mapper. The
// cluster runs one job at a time (busy-until).
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

// PMCA job parts (Job::part) of a LoRA chunk.
enum LoraPart { kLoraWhole = 0, kLoraDown = 1, kLoraUpAdd = 2 };

// Duration of one part of a LoRA chunk: 0 all of it, 1 X A only, 2 (X A) B and the add. The
// parts of a spilled chunk share its DMA waits in proportion to their compute cycles.
Picos lora_part_duration(const PmcaParams& p, const LoraChunkCost& cost, int part);

}  // namespace aimcsim
