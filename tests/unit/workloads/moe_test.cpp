// Mixture-of-Experts routing and graphs, task heads, model folders and sliding windows.
#include <gtest/gtest.h>

#include <fstream>

#include "sim/base/error.hpp"
#include "sim/map/digital_cost.hpp"
#include "sim/run/run.hpp"
#include "tests/support/config_helpers.hpp"
#include "tests/support/scratch_dir.hpp"
#include "workloads/routing.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {
namespace {

using test::error_of;

// A small Mixtral: hidden 64, 2 layers, 4 experts of width 128, 2 per token, full attention.
constexpr const char* kMixtral = R"({"model_type": "mixtral", "architectures":
  ["MixtralForCausalLM"], "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
  "num_attention_heads": 4, "num_key_value_heads": 2, "num_local_experts": 4,
  "num_experts_per_tok": 2, "vocab_size": 100, "sliding_window": null})";

Workload build_file(test::ScratchDir& dir, const std::string& json, std::int64_t seq,
                    std::int64_t decode, const std::string& routing = "uniform",
                    double exponent = 1.0) {
  std::ofstream(dir / "config.json") << json;
  WorkloadParams p;
  p.model = dir / "config.json";
  p.seq_len = seq;
  p.decode_tokens = decode;
  p.rank = 8;
  p.targets = "all";
  p.rank_overrides = "none";
  p.routing = routing;
  p.zipf_exponent = exponent;
  return build_workload(p);
}

TEST(RoutingTest, DrawsAreDeterministicDistinctAndSeeded) {
  const Routing a = Routing::uniform(7), b = Routing::uniform(7), c = Routing::uniform(8);
  int differ = 0;
  for (std::int64_t t = 0; t < 50; ++t) {
    const auto e = a.experts_of(3, t, 8, 2);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_LT(e[0], e[1]);  // distinct, ascending
    EXPECT_LT(e[1], 8);
    EXPECT_EQ(e, b.experts_of(3, t, 8, 2));  // same seed, same routing
    differ += e != c.experts_of(3, t, 8, 2);
  }
  EXPECT_GT(differ, 0);
  EXPECT_EQ(a.describe(), "uniform");
  EXPECT_EQ(Routing::zipf(1.5, 1).describe(), "zipf:1.5");
}

TEST(RoutingTest, ZipfSkewsTowardsOneExpertPerLayer) {
  // Exponent 3 over 8 experts, one per token: the top expert's weight 1 against
  // 1/8 + 1/27 + ... + 1/512 = 0.195 for the rest, so about 84 % of the tokens.
  const Routing z = Routing::zipf(3.0, 1);
  std::vector<int> count(8, 0);
  for (std::int64_t t = 0; t < 1000; ++t) ++count[z.experts_of(0, t, 8, 1)[0]];
  const int top = *std::max_element(count.begin(), count.end());
  EXPECT_GT(top, 780);
  EXPECT_LT(top, 900);
  const Routing u = Routing::uniform(1);
  std::vector<int> even(8, 0);
  for (std::int64_t t = 0; t < 1000; ++t) ++even[u.experts_of(0, t, 8, 1)[0]];
  EXPECT_LT(*std::max_element(even.begin(), even.end()), 200);  // 125 each on average
}

TEST(RoutingTest, TraceIsReadAndCheckedAgainstTheModel) {
  const Routing t = Routing::trace("layer,token,expert\n0,0,3\n0,0,1\n0,1,2\n0,1,0\n", "route.csv");
  EXPECT_EQ(t.experts_of(0, 0, 4, 2), (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(t.describe(), "trace:route.csv");
  EXPECT_EQ(error_of([&] { t.experts_of(0, 2, 4, 2); }),
            "route.csv: the routing trace has no row for layer 0 token 2 (every MoE layer's "
            "tokens need 2 experts each)");
  EXPECT_EQ(error_of([&] { t.experts_of(0, 0, 3, 2); }),
            "route.csv: layer 0 token 0 activates 2 expert(s) up to 3; the model takes 2 of "
            "experts 0 to 2");
  EXPECT_EQ(error_of([] { Routing::trace("layer,token\n0,0\n", "r.csv"); }),
            "r.csv:1: a routing trace needs the columns layer,token,expert");
  EXPECT_NE(
      error_of([] { Routing::trace("layer,token,expert\n0,0,-1\n", "r.csv"); }).find("r.csv:2"),
      std::string::npos);
  EXPECT_NE(error_of([] {
              Routing::trace("layer,token,expert\n0,0,1\n0,0,1\n", "r.csv");
            }).find("expert 1 listed twice for layer 0 token 0"),
            std::string::npos);
}

TEST(MoeTest, EveryExpertIsMappedAndOnlyRoutedTokensRun) {
  test::ScratchDir dir("moe");
  const Workload w = build_file(dir, kMixtral, 3, 2);
  // Per layer: q 64x64, k, v 64x32 each (2 KV heads of 16), o 64x64, router 64x4, 4 experts of
  // 3 x 64 x 128; LM head 64 x 100: 2 x (4096 + 2 x 2048 + 4096 + 256 + 4 x 24576) + 6400.
  EXPECT_EQ(w.analog_weights(), 2 * (4096 + 2 * 2048 + 4096 + 256 + 4 * 24576) + 6400);
  EXPECT_EQ(w.experts, 4);
  EXPECT_EQ(w.experts_per_token, 2);
  // Each expert's FFN runs on the tokens routed to it: in every pass, every MoE layer's expert
  // linears carry tokens x 2 rows in all, three linears an expert.
  std::map<std::string, std::int64_t> rows;  // block -> rows through w1
  for (const Operator& op : w.ops)
    if (op.expert >= 0 && op.name.size() > 3 && op.name.substr(op.name.size() - 3) == ".w1")
      rows[op.block] += op.tokens;
  EXPECT_EQ(rows["layer.0"], 3 * 2);
  EXPECT_EQ(rows["layer.1"], 3 * 2);
  EXPECT_EQ(rows["decode/layer.0"], 2 * 1 * 2);  // two steps of one token
  // Experts no prompt token reached still hold tiles: idle linears, three per expert.
  std::int64_t prompt_experts = 0;
  for (const auto& l : w.expert_load) prompt_experts += l.prompt_tokens > 0;
  EXPECT_EQ(static_cast<std::int64_t>(w.idle_linears.size()), 3 * (2 * 4 - prompt_experts));
  std::int64_t prompt = 0, decode = 0;
  for (const auto& l : w.expert_load) {
    prompt += l.prompt_tokens;
    decode += l.decode_tokens;
  }
  EXPECT_EQ(prompt, 2 * 3 * 2);  // layers x tokens x experts per token
  EXPECT_EQ(decode, 2 * 2 * 2);
  EXPECT_EQ(w.routing, "uniform");
}

TEST(MoeTest, RunReportsEveryExpertsTilesAndTheLoad) {
  test::ScratchDir dir("moerun");
  std::ofstream(dir / "config.json") << kMixtral;
  const RunResult r = test::run_config(
      "workload:\n  model: " + (dir / "config.json") + "\n  seq_len: 8\n  decode_tokens: 2\n",
      {"moe.routing=zipf", "moe.zipf_exponent=2", "tile.rows=256", "tile.cols=256"});
  // Every linear on one 256x256 tile: 2 x (4 attention + router + 12 expert linears) + head.
  EXPECT_EQ(r.tiles, 2u * (4 + 1 + 12) + 1);
  // The tiles run only what the routing sends: MVMs are the linears' tokens (one tile each).
  std::int64_t mvms = 0;
  for (const auto& o : r.ops)
    if (o.op.kind == OpKind::Linear) mvms += o.op.tokens;
  EXPECT_EQ(r.tile_stats.mvms, mvms);
}

TEST(MoeTest, DecodeLatencyFollowsTheActiveExperts) {
  // The same model with one and with two experts per token: a decode step runs one or two
  // experts' FFNs per layer, so the step with two takes longer; the tiles stay the same.
  test::ScratchDir dir("moedecode");
  std::string one = kMixtral;
  one.replace(one.find("\"num_experts_per_tok\": 2"), 24, "\"num_experts_per_tok\": 1");
  std::ofstream(dir / "one.json") << one;
  std::ofstream(dir / "two.json") << kMixtral;
  const auto run = [&](const std::string& file) {
    return test::run_config(
        "workload:\n  model: " + (dir / file) + "\n  seq_len: 8\n  decode_tokens: 4\n",
        {"tile.rows=256", "tile.cols=256"});
  };
  const RunResult r1 = run("one.json"), r2 = run("two.json");
  EXPECT_EQ(r1.tiles, r2.tiles);  // every expert on tiles either way
  EXPECT_LT(r1.hybrid - r1.prefill_hybrid, r2.hybrid - r2.prefill_hybrid);
  EXPECT_LT(r1.tile_stats.mvms, r2.tile_stats.mvms);
}

TEST(HeadTest, ArchitecturesChooseTheHead) {
  test::ScratchDir dir("head");
  const std::string bert = R"({"model_type": "bert", "hidden_size": 64, "num_hidden_layers": 1,
    "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100,
    "architectures": ["BertForSequenceClassification"],
    "id2label": {"0": "neg", "1": "neu", "2": "pos"}})";
  const Workload cls = build_file(dir, bert, 8, 0);
  // The pooler (dense 64 x 64 and tanh on [CLS]) and the classifier 64 x 3 labels.
  ASSERT_GE(cls.ops.size(), 3u);
  const Operator& c = cls.ops.back();
  EXPECT_EQ(c.name, "classifier");
  EXPECT_EQ(c.out, 3);
  EXPECT_EQ(c.tokens, 1);
  EXPECT_EQ(cls.ops[cls.ops.size() - 3].name, "pooler.dense");
  // A generating head on an encoder family, and an unknown head, are errors naming the field.
  std::string bad = bert;
  bad.replace(bad.find("BertForSequenceClassification"), 29, "BertForFrobnication");
  EXPECT_NE(error_of([&] { build_file(dir, bad, 8, 0); })
                .find("field 'architectures' names 'BertForFrobnication'; accepted: "
                      "...ForCausalLM"),
            std::string::npos);
  // A classifier cannot decode.
  const std::string llama = R"({"model_type": "llama", "hidden_size": 64,
    "intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 4,
    "vocab_size": 100, "architectures": ["LlamaForSequenceClassification"]})";
  EXPECT_NE(error_of([&] {
              build_file(dir, llama, 8, 2);
            }).find("a decode phase needs a generating head"),
            std::string::npos);
  // Decoders score the last position over num_labels (2 by default).
  const Workload score = build_file(dir, llama, 8, 0);
  EXPECT_EQ(score.ops.back().name, "score");
  EXPECT_EQ(score.ops.back().out, 2);
  EXPECT_EQ(score.ops.back().tokens, 1);
}

TEST(ModelInputTest, FolderWithConfigJsonAndUnmodelledFields) {
  test::ScratchDir dir("folder");
  std::ofstream(dir / "config.json") << R"({"model_type": "bert", "hidden_size": 64,
    "num_hidden_layers": 1, "num_attention_heads": 4, "intermediate_size": 128,
    "vocab_size": 100, "position_embedding_type": "relative_key"})";
  WorkloadParams p;
  p.model = dir.path().string();
  p.seq_len = 8;
  p.decode_tokens = 0;
  p.rank = 8;
  p.targets = "all";
  p.rank_overrides = "none";
  const Workload w = build_workload(p);
  EXPECT_EQ(w.family, "bert");
  ASSERT_EQ(w.notes.size(), 1u);
  EXPECT_NE(w.notes[0].find("field position_embedding_type: relative position scores"),
            std::string::npos);
  test::ScratchDir empty("empty");
  p.model = empty.path().string();
  EXPECT_NE(error_of([&] { build_workload(p); }).find("is a folder without a readable config.json"),
            std::string::npos);
}

TEST(WindowTest, SlidingWindowBoundsKeysAndCache) {
  Operator op;
  op.kind = OpKind::Matmul;
  op.causal = true;
  op.tokens = 8;
  op.kv_tokens = 8;
  op.window = 4;
  // Rows 0..7 see min(i + 1, 4) keys: 1 + 2 + 3 + 4 + 4 x 4 = 26.
  EXPECT_EQ(attended_keys(op, 0, 8), 26);
  EXPECT_EQ(attended_keys(op, 4, 8), 16);
  op.window = 0;
  EXPECT_EQ(attended_keys(op, 0, 8), 36);  // 1 + ... + 8
  op.tokens = 1;                           // a decode step at position 9 of a window of 4
  op.kv_tokens = 10;
  op.window = 4;
  EXPECT_EQ(attended_keys(op, 0, 1), 4);
  // Mistral-7B keeps the last 4096 positions: 32 layers x 2 x 8 KV heads x 128 x 4096.
  WorkloadParams p;
  p.model = "mistral-7b-v0.1";
  p.seq_len = 5000;
  p.decode_tokens = 10;
  p.rank = 8;
  p.targets = "all";
  p.rank_overrides = "none";
  EXPECT_EQ(build_workload(p).kv_cache_values, 32LL * 2 * 8 * 128 * 4096);
  p.model = "llama-3.1-8b";  // no window: every one of the 5010 positions
  EXPECT_EQ(build_workload(p).kv_cache_values, 32LL * 2 * 8 * 128 * 5010);
}

}  // namespace
}  // namespace aimcsim
