#include "workloads/graph_builder.hpp"

#include <gtest/gtest.h>

namespace aimcsim {
namespace {

ModelShape tiny_decoder() {
  ModelShape m;
  m.family = "tiny";
  m.decoder = true;
  m.layers = 2;
  m.hidden = 64;
  m.heads = 4;
  m.kv_heads = 2;
  m.head_dim = 16;
  m.intermediate = 128;
  m.vocab = 1000;
  m.norm = "rmsnorm";
  return m;
}

TEST(GraphBuilderTest, AttentionIsScoresSoftmaxContext) {
  Workload w;
  GraphBuilder g(w);
  g.block("layer.0");
  const ModelShape m = tiny_decoder();
  const std::size_t q = g.linear("q", 10, 64, 64, {});
  const std::size_t k = g.linear("k", 10, 64, 32, {});
  const std::size_t v = g.linear("v", 10, 64, 32, {});
  const std::size_t ctx = g.attention("attn.", m, 10, 12, true, q, k, v);
  ASSERT_EQ(ctx, 5u);
  EXPECT_EQ(w.ops[3].name, "attn.scores");
  EXPECT_EQ(w.ops[3].inputs, (std::vector<std::size_t>{q, k}));
  EXPECT_EQ(w.ops[4].kind, OpKind::Softmax);
  EXPECT_EQ(w.ops[4].inputs, (std::vector<std::size_t>{3}));
  EXPECT_EQ(w.ops[5].variant, "values");
  EXPECT_EQ(w.ops[5].inputs, (std::vector<std::size_t>{4, v}));
  for (std::size_t i = 3; i <= 5; ++i) {
    EXPECT_EQ(w.ops[i].kv_heads, 2);
    EXPECT_TRUE(w.ops[i].causal);
    EXPECT_EQ(w.ops[i].width, 12);  // a score per key
  }
  // 10 queries * 4 heads * 12 keys * 16 = 7680 MACs for each matmul
  EXPECT_EQ(w.ops[3].macs(), 7680);
  EXPECT_EQ(w.ops[5].macs(), 7680);
}

TEST(GraphBuilderTest, GatedFfnMultipliesTheActivatedGateByUp) {
  Workload w;
  GraphBuilder g(w);
  g.block("layer.0");
  const std::size_t x = g.embedding("emb", 3, 64, {});
  const std::size_t down = g.ffn({"up", "act", "down", "gate", "mul"}, "silu", 3, 64, 128, x);
  ASSERT_EQ(w.ops.size(), 6u);
  EXPECT_EQ(w.ops[1].name, "gate");
  EXPECT_EQ(w.ops[2].name, "up");
  EXPECT_EQ(w.ops[3].inputs, (std::vector<std::size_t>{1}));  // act of the gate
  EXPECT_EQ(w.ops[4].variant, "mul");
  EXPECT_EQ(w.ops[4].inputs, (std::vector<std::size_t>{3, 2}));
  EXPECT_EQ(down, 5u);
  EXPECT_EQ(w.ops[5].in, 128);
  EXPECT_EQ(w.ops[5].out, 64);
  // ungated: up, act, down
  Workload u;
  GraphBuilder h(u);
  h.ffn({"fc", "act", "proj"}, "gelu", 3, 64, 256, 0);
  ASSERT_EQ(u.ops.size(), 3u);
  EXPECT_EQ(u.ops[1].width, 256);
  EXPECT_EQ(u.ops[2].inputs, (std::vector<std::size_t>{1}));
}

TEST(GraphBuilderTest, PostAndPreNormWireTheResidual) {
  Workload w;
  GraphBuilder g(w);
  g.block("b");
  const std::size_t x = g.embedding("emb", 2, 8, {});
  const std::size_t n = g.add_norm("add", "norm", "layernorm", 2, 8, {x, x});
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(w.ops[1].inputs, (std::vector<std::size_t>{x, x}));
  const std::size_t y = g.pre_norm("ln", "res", "rmsnorm", 2, 8, n,
                                   [&](std::size_t in) { return g.linear("proj", 2, 8, 8, {in}); });
  // ln(n) -> proj -> res(proj, n)
  EXPECT_EQ(w.ops[3].name, "ln");
  EXPECT_EQ(w.ops[4].inputs, (std::vector<std::size_t>{3}));
  EXPECT_EQ(w.ops[y].inputs, (std::vector<std::size_t>{4, n}));
  EXPECT_EQ(w.blocks, (std::vector<std::string>{"b"}));
}

TEST(GraphBuilderTest, DecoderStepsAttendToTheGrowingCache) {
  Workload w;
  GraphBuilder g(w);
  g.set_share_steps(false);  // every step listed
  const ModelShape m = tiny_decoder();
  std::vector<std::int64_t> kv;
  g.decoder(
      m, 4, 2,
      [&](std::int64_t T, std::vector<std::size_t> in) {
        return g.embedding("embed", T, m.hidden, std::move(in));
      },
      [&](std::int64_t T, std::int64_t kv_tokens, std::size_t x) {
        kv.push_back(kv_tokens);
        return g.linear("proj", T, m.hidden, m.hidden, {x});
      });
  // 2 layers in the prompt (4 keys) and in each step (5, then 6 keys)
  EXPECT_EQ(kv, (std::vector<std::int64_t>{4, 4, 5, 5, 6, 6}));
  EXPECT_EQ(w.blocks,
            (std::vector<std::string>{"embedding", "layer.0", "layer.1", "head", "decode/embedding",
                                      "decode/layer.0", "decode/layer.1", "decode/head"}));
  // per pass: embed, 2 projs, norm, lm_head = 5 ops; 3 passes
  ASSERT_EQ(w.ops.size(), 15u);
  EXPECT_EQ(w.ops[4].name, "lm_head");
  EXPECT_EQ(w.ops[4].tokens, 1);  // the last position only
  EXPECT_EQ(w.ops[4].out, 1000);
  EXPECT_EQ(w.ops[3].variant, "rmsnorm");
  // step 0 embeds the prompt's token, step 1 the token of step 0
  EXPECT_EQ(w.ops[5].inputs, (std::vector<std::size_t>{4}));
  EXPECT_EQ(w.ops[10].inputs, (std::vector<std::size_t>{9}));
  EXPECT_EQ(w.ops[1].step, -1);
  EXPECT_FALSE(w.ops[1].decode);
  EXPECT_EQ(w.ops[6].step, 0);
  EXPECT_EQ(w.ops[11].step, 1);
  EXPECT_TRUE(w.ops[11].decode);
  EXPECT_EQ(w.ops[11].tokens, 1);
}

TEST(GraphBuilderTest, DecoderHoldsStepsThatDifferOnlyInTheirKeysOnce) {
  Workload w;
  GraphBuilder g(w);
  const ModelShape m = tiny_decoder();
  std::vector<std::int64_t> kv;
  g.decoder(
      m, 4, 3,
      [&](std::int64_t T, std::vector<std::size_t> in) {
        return g.embedding("embed", T, m.hidden, std::move(in));
      },
      [&](std::int64_t T, std::int64_t kv_tokens, std::size_t x) {
        kv.push_back(kv_tokens);
        const std::size_t q = g.linear("q", T, m.hidden, m.hidden, {x});
        return g.attention("attn.", m, T, kv_tokens, true, q, q, q);
      });
  // Steps 0 and 1 are built and compared; step 2 is not built.
  EXPECT_EQ(kv, (std::vector<std::int64_t>{4, 4, 5, 5, 6, 6}));
  // Per pass: embed, 2 x (q, scores, softmax, context), norm, lm_head = 11 ops; the prompt and
  // one step.
  ASSERT_TRUE(w.shared_steps);
  w.decode_tokens = 3;  // as build_workload sets it
  EXPECT_EQ(w.decode_first, 11u);
  ASSERT_EQ(w.ops.size(), 22u);
  EXPECT_EQ(w.unrolled_ops(), 0u + 11 + 3 * 11);
  // The attention's three operators grow one key a step, in both layers.
  EXPECT_EQ(w.growing, (std::vector<std::size_t>{13, 14, 15, 17, 18, 19}));
  EXPECT_EQ(w.ops[13].name, "attn.scores");
  EXPECT_EQ(w.step_op(13, 2).kv_tokens, 7);
  EXPECT_EQ(w.step_op(13, 2).width, 7);
  EXPECT_EQ(w.step_op(13, 2).step, 2);
  EXPECT_EQ(w.step_op(12, 2).kv_tokens, w.ops[12].kv_tokens);  // q does not grow
  // Step 2 set in place: the step's operators, and at decode_first - 1 the last of step 1.
  std::vector<Operator> ops = w.ops;
  w.apply_step(ops, 2);
  EXPECT_EQ(ops[19].kv_tokens, 7);
  EXPECT_EQ(ops[11].step, 2);
  EXPECT_EQ(ops[10].name, "lm_head");
  EXPECT_EQ(ops[10].step, 1);
  EXPECT_TRUE(ops[10].decode);
  w.apply_step(ops, 0);
  EXPECT_EQ(ops[10].step, -1);  // step 0 reads the prompt's
  EXPECT_EQ(ops[19].kv_tokens, 5);
}

TEST(GraphBuilderTest, EncoderEndsWithAQaHead) {
  Workload w;
  GraphBuilder g(w);
  ModelShape m = tiny_decoder();
  m.layers = 1;
  m.head = HeadKind::QuestionAnswering;
  g.encoder(
      m, 7,
      [&](std::int64_t T, std::vector<std::size_t> in) {
        return g.embedding("embed", T, m.hidden, std::move(in));
      },
      [&](std::int64_t T, std::int64_t kv_tokens, std::size_t x) {
        EXPECT_EQ(kv_tokens, T);  // every token attends to the whole sequence
        return g.linear("proj", T, m.hidden, m.hidden, {x});
      });
  EXPECT_EQ(w.blocks, (std::vector<std::string>{"embedding", "layer.0", "head"}));
  ASSERT_EQ(w.ops.size(), 3u);
  EXPECT_EQ(w.ops[2].name, "qa_outputs");
  EXPECT_EQ(w.ops[2].tokens, 7);
  EXPECT_EQ(w.ops[2].in, 64);
  EXPECT_EQ(w.ops[2].out, 2);  // start and end logits
  EXPECT_EQ(w.ops[2].inputs, (std::vector<std::size_t>{1}));
}

}  // namespace
}  // namespace aimcsim
