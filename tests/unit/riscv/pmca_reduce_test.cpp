#include <gtest/gtest.h>

#include "models/riscv/kernels.hpp"
#include "models/riscv/pmca.hpp"
#include "sim/engine/engine.hpp"

namespace aimcsim {
namespace {

// The default cluster: 8 cores, FP16 x2 lanes, FPU utilisation 0.9, 256 B/cycle of L1, loop setup
// 10, launch 80, barrier 20 cycles, 1 GHz.
//
// Adding 4 partial sums of 8 tokens x 128 outputs is one reduction kernel: 1024 elements over
// 8 cores is 128 each, over 2 lanes 64 SIMD groups, 3 adds per group: 192 issue cycles, + 192 /
// 0.9 - 192 = 21.33 stall; L1 2 B * 5 accesses * 1024 = 10240 B = 40 cycles, hidden; overhead
// 10 + 80 + 20 = 110: ceil(323.33) = 324 cycles.
TEST(PmcaReduceTest, TheReductionKernelIsTheOneTheKernelCommandPrints) {
  const PmcaParams p = PmcaParams::defaults();
  EXPECT_EQ(reduce_cost(p, 8, 128, 4).cycles, 324);
  EXPECT_EQ(pmca_reduce_ps(p, 8, 128, 4), 324000);
  EXPECT_EQ(pmca_reduce_ps(p, 8, 128, 1), 0);  // one row block: nothing to add
}

TEST(PmcaReduceTest, APmcaThatAddsPartialSumsChargesTheReductionBeforeTheChunk) {
  SimulationContext context;
  const PmcaParams p = PmcaParams::defaults();
  // A 512 -> 128 layer of rank 8 whose weights span 4 row blocks: the PMCA adds 4 partial sums.
  Pmca pmca("pmca", p, 512, 128, 8, 1, 4);
  JobGraph g;
  Job& whole = g.add(pmca, 0, 8);
  whole.role = JobRole::Lora;
  Job& down = g.add(pmca, 1, 8);
  down.role = JobRole::LoraDown;
  run_jobs(g);
  const LoraChunkCost chunk = lora_chunk_cost(p, 8, 512, 128, 8);
  // The whole chunk: reduction (324 ns) then X A, (X A) B and the add.
  EXPECT_EQ(whole.end - whole.start, 324000 + chunk.duration);
  // X A alone needs no X W, so no partial sums either.
  EXPECT_EQ(down.end - down.start, lora_part_duration(p, chunk, JobRole::LoraDown));
  // Its energy includes the reduction kernel's.
  EXPECT_DOUBLE_EQ(whole.energy.total(),
                   reduce_cost(p, 8, 128, 4).energy.total() + chunk.energy.total());
}

}  // namespace
}  // namespace aimcsim
