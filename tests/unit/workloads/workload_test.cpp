#include "workloads/workload.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "sim/base/error.hpp"
#include "tests/support/config_helpers.hpp"
#include "tests/support/scratch_dir.hpp"

namespace aimcsim {
namespace {

Workload build(const std::string& model, std::int64_t seq_len, std::int64_t rank = 8,
               const std::string& targets = "all", std::int64_t decode = 0,
               const std::string& overrides = "none") {
  WorkloadParams p;
  p.model = model;
  p.seq_len = seq_len;
  p.decode_tokens = decode;
  p.rank = rank;
  p.targets = targets;
  p.rank_overrides = overrides;
  return build_workload(p);
}

using test::error_of;

TEST(WorkloadTest, MobileBertHasThePublishedShapes) {
  const Workload w = build("mobilebert", 320);
  // 24 layers x 15 linears + embedding transformation + QA head
  EXPECT_EQ(w.linear_count(), 24u * 15 + 2);
  EXPECT_EQ(w.blocks.size(), 26u);
  // per layer: 3 x 128x128 + 7 x 512x128 + 5 x 128x512 = 49152 + 458752 + 327680 = 835584
  std::int64_t layer0 = 0;
  for (const auto& op : w.ops)
    if (op.block == "layer.0" && op.kind == OpKind::Linear) layer0 += op.in * op.out;
  EXPECT_EQ(layer0, 835584);
  // 24 * 835584 + 384*512 + 512*2 = 20054016 + 196608 + 1024 = 20251648 (about 20.25 M)
  EXPECT_EQ(w.analog_weights(), 20251648);
  // lora.targets all: every linear but the QA head, 8 * sum(in + out) = 1,633,296 - 8 * (512 +
  // 2) = 1,629,184
  EXPECT_EQ(w.lora_params(), 1629184);
  // AHWA-LoRA's targets (dense, query, key, value, qa_outputs, embedding_transformation) take
  // every linear, the head too: 1,633,296 (models/README.md, Workloads).
  EXPECT_EQ(build("mobilebert", 320, 8, "dense,query,key,value,qa_outputs,embedding_transformation")
                .lora_params(),
            1633296);
  for (const auto& op : w.ops) EXPECT_EQ(op.tokens, 320);
  EXPECT_EQ(w.kv_cache_values, 0);  // an encoder keeps no KV cache
}

TEST(WorkloadTest, MobileBertLoraPlacementsMatchThePaper) {
  // QKV only: per layer Q, K 8*(128+128) = 2048 each, V 8*(512+128) = 5120; 9216 * 24 = 221184
  // (0.22 M)
  EXPECT_EQ(build("mobilebert", 320, 8, "qkv").lora_params(), 221184);
  // FFN: every layer linear but Q, K, V: (67584 - 9216) * 24 = 1400832 (1.40 M)
  EXPECT_EQ(build("mobilebert", 320, 8, "ffn").lora_params(), 1400832);
  // A list by name, and a per-target rank: query at 16 -> 24 * 16 * 256 = 98304 + value at 8 -> 24
  // * 5120
  EXPECT_EQ(build("mobilebert", 320, 8, "query,value", 0, "query=16").lora_params(),
            98304 + 122880);
}

TEST(WorkloadTest, MobileBertAttentionCostsTwoSl2DModelMacs) {
  const Workload w = build("mobilebert", 320);
  std::int64_t macs = 0;
  for (const auto& op : w.ops)
    if (op.block == "layer.0" && op.kind == OpKind::Matmul) macs += op.macs();
  // scores and context: 2 * SL^2 * d = 2 * 320 * 320 * 128 = 26,214,400 (facts: about 26 M,
  // models/README.md#attention-cost)
  EXPECT_EQ(macs, 2 * 320 * 320 * 128);
}

TEST(WorkloadTest, BertBaseAndLargeLinearWeights) {
  // 12 layers * (4 * 768^2 + 2 * 768 * 3072) + QA head 768 * 2 = 84934656 + 1536
  EXPECT_EQ(build("bert-base", 512).analog_weights(),
            12LL * (4 * 768 * 768 + 2 * 768 * 3072) + 768 * 2);
  // 24 * (4 * 1024^2 + 2 * 1024 * 4096) + 1024 * 2 = 301989888 + 2048
  EXPECT_EQ(build("bert-large", 512).analog_weights(),
            24LL * (4 * 1024 * 1024 + 2 * 1024 * 4096) + 1024 * 2);
}

TEST(WorkloadTest, LlamaHasGroupedQueryAttention) {
  const Workload w = build("llama-3.1-8b", 2048, 16);
  // per layer: q, o 4096^2; k, v 4096 * (8 heads * 128); gate, up, down 4096 * 14336
  const std::int64_t layer = 2LL * 4096 * 4096 + 2LL * 4096 * 1024 + 3LL * 4096 * 14336;
  EXPECT_EQ(layer, 218103808);
  // 32 layers + LM head 4096 * 128256 = 6979321856 + 525336576 = 7504658432 (8.0 B with embeddings)
  EXPECT_EQ(w.analog_weights(), 32 * layer + 4096LL * 128256);
  // KV cache: 32 layers * K and V * 8 heads * 128 * 2048 tokens * 2 B = 268435456 (256 MiB)
  EXPECT_EQ(w.kv_cache_values, 32LL * 2 * 8 * 128 * 2048);
  for (const auto& op : w.ops)
    if (op.kind == OpKind::Matmul) {
      EXPECT_EQ(op.heads, 32);
      EXPECT_EQ(op.kv_heads, 8);
      EXPECT_TRUE(op.causal);
    }
}

TEST(WorkloadTest, DecodeStepsAttendToTheGrowingCache) {
  const Workload w = build("gpt2", 100, 8, "all", 3);
  // The steps differ only in their keys: one step is held (Workload::shared_steps).
  ASSERT_TRUE(w.shared_steps);
  std::vector<Operator> steps;
  for (std::int64_t s = 0; s < w.decode_tokens; ++s)
    for (std::size_t i = w.decode_first; i < w.ops.size(); ++i) {
      const Operator op = w.step_op(i, s);
      if (op.kind == OpKind::Matmul && op.variant == "scores" && op.block == "decode/layer.0")
        steps.push_back(op);
    }
  std::vector<std::int64_t> kv;
  for (const Operator& op : steps) kv.push_back(op.kv_tokens);
  // step s attends to the 100 prompt tokens and s + 1 generated ones
  EXPECT_EQ(kv, (std::vector<std::int64_t>{101, 102, 103}));
  // attention MACs grow by heads * head_dim = 768 per step and layer
  for (std::size_t s = 1; s < steps.size(); ++s)
    EXPECT_EQ(steps[s].macs() - steps[s - 1].macs(), 12 * 64);
  // KV cache at the final length: 12 layers * 2 * 12 heads * 64 * 103 tokens * 2 B
  EXPECT_EQ(w.kv_cache_values, 12LL * 2 * 768 * 103);
  // decode steps reuse the prompt's weights: counted once
  EXPECT_EQ(w.analog_weights(), build("gpt2", 100).analog_weights());
}

TEST(WorkloadTest, ProducersComeBeforeConsumers) {
  for (const char* m : {"mobilebert", "bert-base", "gpt2", "llama-3.1-8b"}) {
    const Workload w = build(m, 16, 8, "all", std::string(m) == "gpt2" ? 2 : 0);
    for (std::size_t i = 0; i < w.ops.size(); ++i)
      for (std::size_t in : w.ops[i].inputs) EXPECT_LT(in, i) << m << " " << w.ops[i].name;
  }
}

TEST(WorkloadTest, LinearShapeIsParsed) {
  const Workload w = build("linear:512x128", 320);
  ASSERT_EQ(w.ops.size(), 1u);
  EXPECT_EQ(w.ops[0].in, 512);
  EXPECT_EQ(w.ops[0].out, 128);
  EXPECT_EQ(w.ops[0].rank, 8);
  EXPECT_EQ(w.lora_params(), 8 * (512 + 128));
  EXPECT_EQ(build("linear:512x128", 320, 8, "qkv").ops[0].rank, 0);  // not a Q, K or V
}

TEST(WorkloadTest, HuggingFaceConfigFileIsRead) {
  const test::ScratchDir dir("workload");
  const std::string path = dir / "tiny_llama_config.json";
  std::ofstream(path) << R"({"model_type": "llama", "hidden_size": 256, "intermediate_size": 512,
    "num_hidden_layers": 2, "num_attention_heads": 8, "num_key_value_heads": 2, "vocab_size": 1000})";
  const Workload w = build(path, 32);
  EXPECT_EQ(w.family, "llama");
  // per layer 2 * 256^2 + 2 * 256 * 64 + 3 * 256 * 512 = 131072 + 32768 + 393216; head 256 * 1000
  EXPECT_EQ(w.analog_weights(), 2 * (131072 + 32768 + 393216) + 256 * 1000);
}

TEST(WorkloadTest, BadModelsNameTheProblem) {
  for (const char* bad :
       {"bert-huge", "linear:512", "linear:0x128", "linear:512x", "linear:axb", "linear:512x128x3"})
    EXPECT_NE(error_of([&] { build(bad, 320); }).find("workload.model"), std::string::npos) << bad;
}

TEST(WorkloadTest, BadHuggingFaceConfigsNameTheField) {
  EXPECT_NE(error_of([] { read_model_config(R"({"model_type": "t5"})", "c.json"); })
                .find("c.json: model_type 't5' is not supported; "
                      "accepted: bart, bert, distilbert, gemma, gpt2, gpt_neox, llama, mistral, "
                      "mixtral, mobilebert, opt, phi3, qwen2, qwen2_moe, roberta, vit"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              read_model_config(R"({"model_type": "llama", "hidden_size": 64})", "c.json");
            }).find("c.json: field 'num_hidden_layers' is missing (needed for model_type llama)"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              read_model_config(R"({"model_type": "bert", "hidden_size": "big"})", "c.json");
            }).find("field 'hidden_size' must be a positive integer"),
            std::string::npos);
  EXPECT_NE(
      error_of([] { read_model_config("{not json", "c.json"); }).find("c.json: not valid JSON"),
      std::string::npos);
  EXPECT_NE(
      error_of([] { read_model_config("{}", "c.json"); }).find("field 'model_type' is missing"),
      std::string::npos);
}

TEST(WorkloadTest, BadDecodeAndLoraSettingsAreRejected) {
  EXPECT_NE(error_of([] { build("bert-base", 16, 8, "all", 4); }).find("workload.decode_tokens"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              build("mobilebert", 16, 8, "qurey");
            }).find("lora.targets: 'qurey' matches no linear"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              build("mobilebert", 16, 8, "all", 0, "query:16");
            }).find("lora.rank_overrides"),
            std::string::npos);
}

}  // namespace
}  // namespace aimcsim
