#include "sim/map/digital_cost.hpp"

#include <gtest/gtest.h>

#include "tests/support/calibration.hpp"

namespace aimcsim {
namespace {

Operator attention(std::int64_t tokens, std::int64_t kv, bool causal) {
  Operator op;
  op.kind = OpKind::Matmul;
  op.variant = "scores";
  op.tokens = tokens;
  op.kv_tokens = kv;
  op.heads = 4;
  op.kv_heads = 4;
  op.head_dim = 32;
  op.causal = causal;
  return op;
}

TEST(DigitalCostTest, CausalRowsSeeTheCacheAndTheRowsBefore) {
  EXPECT_EQ(attended_keys(attention(4, 4, true), 0, 4), 1 + 2 + 3 + 4);
  EXPECT_EQ(attended_keys(attention(4, 4, true), 2, 4), 3 + 4);
  EXPECT_EQ(attended_keys(attention(1, 101, true), 0, 1), 101);  // one decode token, 100 cached
  EXPECT_EQ(attended_keys(attention(8, 320, false), 0, 8), 8 * 320);
}

// Default cluster: 8 cores, 2 FP16 lanes, 0.9 utilisation, 10 setup + 100 launch cycles, 1 GHz.
TEST(DigitalCostTest, AttentionScoresAreOneGemmPerHead) {
  const PmcaParams p = PmcaParams::defaults();
  // Per head 8 x 320 x 32: one row per core, 32 * ceil(320 / 2) = 5120 SIMD FMAs:
  // ceil(5120 / 0.9 + 110) = 5799 cycles; 4 heads -> 23196 cycles = 23196 ns.
  const DigitalCost c = digital_op_cost(p, attention(8, 320, false), 0, 8);
  EXPECT_EQ(c.duration, 23196000);
  EXPECT_NEAR(c.energy.get("pmca.compute"), test::kCoresFmaPj * 4 * 8 * 320 * 32, 1e-6);
}

TEST(DigitalCostTest, KeysThatDoNotFitL1AreProcessedInBlocks) {
  PmcaParams p = PmcaParams::defaults();
  // LLaMA-like head: 128-wide, 2048 keys: K of a head is 2048 * 128 * 2 B = 512 KiB > 128 KiB.
  Operator op = attention(1, 2048, true);
  op.head_dim = 128;
  op.heads = 32;
  ASSERT_FALSE(attention_scores_cost(p, 1, 2048, 128, 32).feasible);
  const DigitalCost c = digital_op_cost(p, op, 0, 1);
  EXPECT_GT(c.duration, 0);
  // Blocks of keys: twice the keys cost at least twice one block's compute.
  std::int64_t block = 2048;
  while (!attention_scores_cost(p, 1, block, 128, 32).feasible) block /= 2;
  const KernelCost one = attention_scores_cost(p, 1, block, 128, 32);
  EXPECT_EQ(c.duration, (2048 / block) * one.cycles * 1000);
}

TEST(DigitalCostTest, QueryRowsWhoseStagedRowsExceedL2GoInBlocksThatReloadTheKeys) {
  const PmcaParams p = PmcaParams::defaults();  // L1 128 KiB, L2 1 MiB, FP16
  // Scores of 4096 query rows over 4096 keys, one 128-wide head. A staged row holds its Q row and
  // its scores: 2 * (128 + keys) bytes. All 4096 rows exceed L2 even beside one key:
  // 4096 * 2 * 129 = 1056768 > 1048576.
  ASSERT_FALSE(attention_scores_cost(p, 4096, 1, 128, 1).feasible);
  // Halved, 2048 rows fit beside 64 keys (2048 * 2 * 192 + K 64 * 128 * 2 = 802816 <= 1 MiB) but
  // not beside 128 (2048 * 2 * 256 + 32768 = 1081344): keys go in 64 blocks of 64.
  ASSERT_FALSE(attention_scores_cost(p, 2048, 128, 128, 1).feasible);
  const KernelCost block = attention_scores_cost(p, 2048, 64, 128, 1);
  ASSERT_TRUE(block.feasible);
  // Two row blocks, each streaming all 64 key blocks (K reloaded per row block).
  const KernelCost c = attention_cost(p, true, 4096, 4096, 128, 1, "layer.0.scores");
  EXPECT_EQ(c.cycles, 2 * 64 * block.cycles);
  EXPECT_EQ(c.dma_bytes, 2 * 64 * block.dma_bytes);
}

TEST(DigitalCostTest, ElementwiseOpsArePassesOverTheirInput) {
  const PmcaParams p = PmcaParams::defaults();
  Operator add;
  add.kind = OpKind::Elementwise;
  add.variant = "add";
  add.tokens = 8;
  add.width = 128;
  // 1024 elements / 8 cores / 2 lanes = 64: ceil(64 / 0.9 + 110) = 182 cycles
  EXPECT_EQ(digital_op_cost(p, add, 0, 8).duration, 182000);
  // Norms and activations are the cluster's kernels for their shape (kernels_test derives them).
  Operator norm = add;
  norm.kind = OpKind::Norm;
  norm.variant = "layernorm";
  EXPECT_EQ(digital_op_cost(p, norm, 0, 8).duration, layer_norm_cost(p, 8, 128).cycles * 1000);
  norm.variant = "nonorm";
  EXPECT_EQ(digital_op_cost(p, norm, 0, 8).duration, no_norm_cost(p, 8, 128).cycles * 1000);
  EXPECT_EQ(digital_op_cost(p, norm, 0, 0).duration, 0);
  Operator act = add;
  act.kind = OpKind::Activation;
  act.variant = "gelu";
  EXPECT_EQ(digital_op_cost(p, act, 0, 8).duration,
            activation_cost(p, Activation::Gelu, 8, 128).cycles * 1000);
}

TEST(DigitalCostTest, EmbeddingLookupIsADmaCopy) {
  const PmcaParams p = PmcaParams::defaults();
  Operator lookup;
  lookup.kind = OpKind::Embedding;
  lookup.tokens = 320;
  lookup.width = 384;
  // 320 rows of 384 * 2 B = 768 B, 12 cycles each at 64 B/cycle, + 20 setup + 10 L2 latency
  EXPECT_EQ(digital_op_cost(p, lookup, 0, 320).duration, (20 + 10 + 320 * 12) * 1000);
}

TEST(DigitalCostTest, EveryDigitalOperatorKindHasACostByName) {
  // Every kind but the static linear (which runs on the tiles) is costed by one registered file.
  EXPECT_EQ(DigitalCostRegistry::instance().names(),
            (std::vector<std::string>{"activation", "elementwise", "embedding", "matmul", "norm",
                                      "softmax"}));
  for (OpKind k : {OpKind::Matmul, OpKind::Softmax, OpKind::Norm, OpKind::Activation,
                   OpKind::Elementwise, OpKind::Embedding})
    EXPECT_TRUE(DigitalCostRegistry::instance().has(op_kind_name(k))) << op_kind_name(k);
  EXPECT_FALSE(DigitalCostRegistry::instance().has(op_kind_name(OpKind::Linear)));
}

}  // namespace
}  // namespace aimcsim
