#include "models/riscv/pmca_model.hpp"

#include <gtest/gtest.h>

namespace aimcsim {
namespace {

// Defaults: 8 cores, 2 FP16 lanes, 90 % streamed-loop utilisation, 10 setup cycles per loop
// nest, 100 launch cycles per kernel, 128 KiB L1, DMA 64 B/cycle + 20 setup cycles.

TEST(PmcaModelTest, GemmThatDividesEvenly) {
  PmcaParams p = PmcaParams::defaults();
  // X A for 8 tokens of a 512-input layer at rank 8: M=8, N=8, K=512.
  const KernelCost c = gemm_cost(p, 8, 8, 512);
  // one row per core; per row K * ceil(N / lanes) = 512 * 4 = 2048 SIMD FMAs
  EXPECT_DOUBLE_EQ(c.compute_cycles, 2048 / 0.9);
  EXPECT_DOUBLE_EQ(c.overhead_cycles, 1 * 10 + 100);
  EXPECT_EQ(c.cycles, 2386);  // ceil(2275.56 + 110)
  EXPECT_EQ(c.lane_ops, 8 * 8 * 512);
}

TEST(PmcaModelTest, GemmThatDoesNotDivideEvenly) {
  PmcaParams p = PmcaParams::defaults();
  // M=10 rows on 8 cores: two cores take 2 rows, so the kernel lasts 2 rows; N=5 on 2 lanes
  // needs 3 SIMD FMAs per k.
  const KernelCost c = gemm_cost(p, 10, 5, 16);
  EXPECT_DOUBLE_EQ(c.compute_cycles, 2 * 16 * 3 / 0.9);  // 106.67
  EXPECT_DOUBLE_EQ(c.overhead_cycles, 2 * 10 + 100);
  EXPECT_EQ(c.cycles, 227);  // ceil(106.67 + 120)
  EXPECT_EQ(c.lane_ops, 10 * 5 * 16);
}

TEST(PmcaModelTest, AddSplitsElementsOverCoresAndLanes) {
  PmcaParams p = PmcaParams::defaults();
  const KernelCost c = add_cost(p, 8, 128);  // 1024 elements / 8 cores = 128, / 2 lanes = 64
  EXPECT_DOUBLE_EQ(c.compute_cycles, 64 / 0.9);
  EXPECT_EQ(c.cycles, 182);  // ceil(71.11 + 10 + 100)
}

TEST(PmcaModelTest, LoraChunkIsDownUpAndAdd) {
  PmcaParams p = PmcaParams::defaults();
  const LoraChunkCost c = lora_chunk_cost(p, 8, 512, 128, 8);
  EXPECT_EQ(c.down.cycles, 2386);
  EXPECT_EQ(c.up.cycles, 679);  // M=8, N=128, K=8: 8 * 64 = 512 SIMD FMAs / 0.9 = 568.9, + 110
  EXPECT_EQ(c.add.cycles, 182);
  EXPECT_EQ(c.cycles, 2386 + 679 + 182);
  EXPECT_EQ(c.duration, 3247000);  // at 1 GHz
  EXPECT_FALSE(c.spilled);
  // L1: 2 B * (8*512 + 8*8 + 8*128 + 512*8 + 8*128) = 2 * 10304
  EXPECT_EQ(c.l1_bytes, 20608);
  EXPECT_EQ(c.dma_bytes, 0);
  // 41984 useful lane ops over 16 lanes * 3247 cycles
  EXPECT_DOUBLE_EQ(c.utilisation, 41984.0 / (16.0 * 3247.0));
  EXPECT_DOUBLE_EQ(c.energy.get("pmca.compute"), 2.0 * 41984);
}

TEST(PmcaModelTest, ClockScalesTheDuration) {
  PmcaParams p = PmcaParams::defaults();
  p.freq_hz = 500e6;
  EXPECT_EQ(lora_chunk_cost(p, 8, 512, 128, 8).duration, 2 * 3247000);
}

TEST(PmcaModelTest, ChunkThatSpillsIsDoubleBufferedThroughDma) {
  PmcaParams p = PmcaParams::defaults();
  p.l1_bytes = 16 * 1024;
  p.kernel_launch_cycles = 0;
  p.loop_setup_cycles = 0;
  p.fpu_util = 1.0;
  // 32 tokens of 128 -> 128 at rank 8 need 2 * (32*128 + 32*8 + 32*128 + 128*8 + 8*128) = 20992 B.
  const LoraChunkCost c = lora_chunk_cost(p, 32, 128, 128, 8);
  EXPECT_EQ(c.l1_bytes, 20992);
  EXPECT_TRUE(c.spilled);
  // Adapters 2 * (1024 + 1024) = 4096 B stay; each token needs 2 buffers * 2 B * 264 = 1056 B:
  // (16384 - 4096) / 1056 = 11 tokens per sub-chunk -> sub-chunks of 11, 11, 10.
  EXPECT_EQ(c.sub_tokens, 11);
  // Compute per sub-chunk of s tokens (ceil(s / 8) = 2 rows per core):
  //   down M=s,N=8,K=128: 2 * 128 * 4 = 1024; up M=s,N=128,K=8: 2 * 8 * 64 = 1024;
  //   add ceil(ceil(128 s / 8) / 2): 88 for s = 11, 80 for s = 10.
  //   -> 2136 for s = 11, 2128 for s = 10.
  // DMA in (X and XW, 512 B a token): 20 + 8 s; out (Y, 256 B a token): 20 + 4 s.
  //   in0 [0, 108); c0 [108, 2244); in1 [108, 216) once c0 has started;
  //   out0 [2244, 2308); c1 [2244, 4380); in2 [2308, 2408); out1 [4380, 4444);
  //   c2 [4380, 6508); out2 [6508, 6568).
  EXPECT_EQ(c.compute_cycles, 2136 + 2136 + 2128);
  EXPECT_EQ(c.cycles, 6568);
  EXPECT_EQ(c.dma_bytes, 32 * 256 * 2 + 32 * 128 * 2);  // X and XW in, Y out
}

TEST(PmcaModelTest, AdaptersThatCannotFitAreInfeasible) {
  PmcaParams p = PmcaParams::defaults();
  p.l1_bytes = 1024;
  EXPECT_FALSE(lora_chunk_cost(p, 8, 512, 128, 8).feasible);  // adapters alone are 10240 B
}

TEST(PmcaModelTest, MoreCoresOrLanesAreNeverSlower) {
  for (std::int64_t t : {1, 8, 13, 64, 128}) {
    PmcaParams a = PmcaParams::defaults(), b = a;
    b.cores = 16;
    EXPECT_LE(lora_chunk_cost(b, t, 512, 128, 8).cycles, lora_chunk_cost(a, t, 512, 128, 8).cycles) << t;
    b = a;
    b.fpu_width_bits = 64;
    b.derive();
    EXPECT_LE(lora_chunk_cost(b, t, 512, 128, 8).cycles, lora_chunk_cost(a, t, 512, 128, 8).cycles) << t;
  }
}

TEST(PmcaModelTest, BiggerChunkNeverNeedsLessL1) {
  std::int64_t prev = 0;
  for (std::int64_t t = 1; t <= 320; ++t) {
    const std::int64_t now = lora_l1_bytes(t, 512, 128, 8, 2);
    EXPECT_GT(now, prev);
    prev = now;
  }
}

}  // namespace
}  // namespace aimcsim
