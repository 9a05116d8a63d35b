#include "models/riscv/kernels.hpp"

#include <gtest/gtest.h>

#include "sim/base/error.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

// Defaults as in pmca_model_test: 8 cores, 2 FP16 lanes, 90 % streamed-loop utilisation,
// 10 cycles per loop nest, 80 + 20 per kernel, exp 8 SIMD instructions, reciprocal 5, scalar
// divide or square root 11 cycles, L1 128 KiB at 32 x 8 B per cycle.

TEST(KernelsTest, SoftmaxIsThreePassesPerRowPlusOneDivide) {
  const PmcaParams p = PmcaParams::defaults();
  // 16 rows of 64 on 8 cores: 2 rows per core; per row ceil(64 / 2) = 32 lane groups x
  // (max + exp 8 + sum + scale = 11) = 352 SIMD instructions + 11 for 1 / sum: 363; 726 per core.
  const KernelCost c = softmax_cost(p, 16, 64);
  EXPECT_DOUBLE_EQ(c.compute_cycles, 726);
  EXPECT_NEAR(c.stall_cycles, 726 / 0.9 - 726,
              1e-9);  // L1: 5 * 2 B * 16 * 64 = 10240 B = 40 cycles, hidden
  EXPECT_DOUBLE_EQ(c.overhead_cycles, 2 * 3 * 10 + 80 + 20);
  EXPECT_EQ(c.cycles, 967);  // ceil(806.67 + 160)
  EXPECT_EQ(c.lane_ops, 16 * (64 * 11 + 1));
  EXPECT_EQ(c.l1_footprint, 2 * 16 * 64);
  EXPECT_FALSE(c.spilled);
}

TEST(KernelsTest, AddOnTheCores) {
  const PmcaParams p = PmcaParams::defaults();
  // 128 tokens x 128: 16384 elements / 8 cores = 2048, / 2 lanes = 1024 SIMD adds.
  const KernelCost c = add_cost(p, 128, 128);
  EXPECT_DOUBLE_EQ(c.compute_cycles, 1024);
  EXPECT_EQ(c.cycles, 1248);  // ceil(1024 / 0.9 + 10 + 100) = ceil(1247.78)
  // L1 traffic 3 * 2 B * 16384 = 98304 B = 384 cycles at 256 B/cycle: below 1137.78, no L1 stall.
  EXPECT_EQ(c.l1_bytes, 98304);
}

TEST(KernelsTest, ReductionAddsBlocksMinusOnePartials) {
  const PmcaParams p = PmcaParams::defaults();
  // 8 tokens x 128 outputs from 3 tiles: 1024 elements / 8 cores = 128, / 2 lanes = 64 groups,
  // 2 adds each: 128 SIMD instructions.
  const KernelCost c = reduce_cost(p, 8, 128, 3);
  EXPECT_DOUBLE_EQ(c.compute_cycles, 128);
  EXPECT_EQ(c.cycles, 253);  // ceil(142.22 + 110)
  EXPECT_EQ(c.lane_ops, 2 * 1024);
}

TEST(KernelsTest, AttentionScoresArePerHeadGemms) {
  const PmcaParams p = PmcaParams::defaults();
  // Per head an 8 x 16 x 8 GEMM: 1 row per core, 8 * ceil(16 / 2) = 64 SIMD FMAs:
  // ceil(64 / 0.9 + 10 + 100) = ceil(181.11) = 182; two heads: 364.
  const KernelCost c = attention_scores_cost(p, 8, 16, 8, 2);
  EXPECT_EQ(c.cycles, 364);
  EXPECT_EQ(c.lane_ops, 2 * 8 * 16 * 8);
  // K of a head (2 B * 16 * 8) + 8 rows of Q and S (2 B * (8 + 16)): 640 B, fits.
  EXPECT_EQ(c.l1_footprint, 640);
  // softmax(S) V: per head 8 x 8 x 16: 16 * 4 = 64 SIMD FMAs per row, the same 182 a head.
  EXPECT_EQ(attention_context_cost(p, 8, 16, 8, 2).cycles, 364);
}

TEST(KernelsTest, NormsAndActivations) {
  const PmcaParams p = PmcaParams::defaults();
  // NoNorm, 8 x 128: 1024 / 8 / 2 = 64 FMAs per core: ceil(71.11 + 110) = 182.
  EXPECT_EQ(no_norm_cost(p, 8, 128).cycles, 182);
  // ReLU the same count with one max each.
  EXPECT_EQ(activation_cost(p, Activation::Relu, 8, 128).cycles, 182);
  // SiLU: 8 + 5 + 2 = 15 per lane group: 960 -> ceil(1066.67 + 110) = 1177; GELU 16: 1024 -> 1248.
  EXPECT_EQ(activation_cost(p, Activation::Silu, 8, 128).cycles, 1177);
  EXPECT_EQ(activation_cost(p, Activation::Gelu, 8, 128).cycles, 1248);
  // Layer norm, 8 x 128: 1 row per core: 64 groups x 6 + 2 x 11 = 406; 3 nests:
  // ceil(406 / 0.9 + 30 + 100) = ceil(581.11) = 582.
  EXPECT_EQ(layer_norm_cost(p, 8, 128).cycles, 582);
}

TEST(KernelsTest, RowsBeyondL1AreStagedThroughDma) {
  PmcaParams p = PmcaParams::defaults();
  p.l1_bytes = 1024;
  // Softmax of 8 rows of 64 (2 B): 1024 B fits exactly; 9 rows spill into blocks of
  // 1024 / (2 * 128) = 4 rows: 4, 4, 1.
  EXPECT_FALSE(softmax_cost(p, 8, 64).spilled);
  const KernelCost c = softmax_cost(p, 9, 64);
  EXPECT_TRUE(c.spilled);
  EXPECT_EQ(c.sub_blocks, 3);
  EXPECT_EQ(c.dma_bytes, 2 * 9 * 128);
  EXPECT_EQ(c.l1_footprint, 1024);
  EXPECT_EQ(c.l1_required, 9 * 128);
  EXPECT_GT(c.dma_wait_cycles, 0);
  p.l1_bytes = 200;  // not even two rows
  EXPECT_FALSE(softmax_cost(p, 9, 64).feasible);
}

TEST(KernelsTest, MoreCoresOrLanesAreNeverSlower) {
  for (std::int64_t n : {1, 7, 64, 320}) {
    PmcaParams a = PmcaParams::defaults(), b = a, c = a;
    b.cores = 16;
    c.fpu_width_bits = 64;
    c.derive();
    for (const PmcaParams* q : {&b, &c}) {
      EXPECT_LE(softmax_cost(*q, n, 320).cycles, softmax_cost(a, n, 320).cycles) << n;
      EXPECT_LE(layer_norm_cost(*q, n, 128).cycles, layer_norm_cost(a, n, 128).cycles) << n;
      EXPECT_LE(gemm_cost(*q, n, 8, 512).cycles, gemm_cost(a, n, 8, 512).cycles) << n;
      EXPECT_LE(attention_scores_cost(*q, n, 320, 32, 4).cycles,
                attention_scores_cost(a, n, 320, 32, 4).cycles)
          << n;
    }
  }
}

TEST(KernelsTest, BadShapesAreInputErrors) {
  const PmcaParams p = PmcaParams::defaults();
  EXPECT_THROW(softmax_cost(p, 0, 4), InputError);
  EXPECT_THROW(reduce_cost(p, 4, 4, 1), InputError);
  EXPECT_THROW(attention_scores_cost(p, 4, 4, -1, 1), InputError);
  EXPECT_THROW(gemm_staged_cost(p, 4, 0, 4), InputError);
  EXPECT_THROW(parse_activation("tanh"), InputError);
  EXPECT_EQ(test::error_of([&] { layer_norm_cost(p, 4, 0); }),
            "kernel layer_norm: width must be an integer >= 1, got 0");
}

}  // namespace
}  // namespace aimcsim
