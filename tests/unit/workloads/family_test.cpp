#include "workloads/family.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "sim/base/error.hpp"
#include "workloads/model_config.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The ops of one block, by name, in graph order.
std::vector<std::string> names_in(const Workload& w, const std::string& block) {
  std::vector<std::string> out;
  for (const auto& op : w.ops)
    if (op.block == block) out.push_back(op.name);
  return out;
}

// The graph a family builds for `shape`, without LoRA.
Workload graph_of(const ModelShape& shape, std::int64_t tokens, std::int64_t steps = 0) {
  Workload w;
  GraphBuilder g(w);
  FamilyRegistry::instance().create(shape.family)->build(g, shape, tokens, steps);
  return w;
}

TEST(FamilyTest, RegistryListsEveryFamily) {
  EXPECT_EQ(FamilyRegistry::instance().names(),
            (std::vector<std::string>{"bart", "bert", "distilbert", "gemma", "gpt2", "gpt_neox",
                                      "llama", "mistral", "mixtral", "mobilebert", "opt", "phi3",
                                      "qwen2", "qwen2_moe", "roberta", "vit"}));
  EXPECT_EQ(decoder_families(),
            "bart, gemma, gpt2, gpt_neox, llama, mistral, mixtral, opt, phi3, qwen2, qwen2_moe");
}

TEST(FamilyTest, UnknownModelTypeListsTheRegisteredFamilies) {
  const std::string e = error_of([] { read_model_config(R"({"model_type": "t5"})", "t5.json"); });
  EXPECT_EQ(e, "t5.json: model_type 't5' is not supported; accepted: " +
                   FamilyRegistry::instance().accepted());
  EXPECT_NE(e.find("accepted: bart, bert, distilbert, gemma, gpt2, gpt_neox, llama, mistral, "
                   "mixtral, mobilebert, opt, phi3, qwen2, qwen2_moe, roberta, vit"),
            std::string::npos);
  EXPECT_EQ(
      error_of([] { read_model_config(R"({"model_type": 7})", "n.json"); }),
      "n.json: field 'model_type' is missing; accepted: bart, bert, distilbert, gemma, gpt2, "
      "gpt_neox, llama, mistral, mixtral, mobilebert, opt, phi3, qwen2, qwen2_moe, roberta, vit");
}

TEST(FamilyTest, BertReadsItsFields) {
  const ModelShape m = read_model_config(R"({"model_type": "bert", "hidden_size": 64,
    "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 256,
    "vocab_size": 100})",
                                         "bert.json");
  EXPECT_EQ(m.name, "bert.json");
  EXPECT_EQ(m.family, "bert");
  EXPECT_FALSE(m.decoder);
  EXPECT_EQ(m.hidden, 64);
  EXPECT_EQ(m.layers, 2);
  EXPECT_EQ(m.heads, 4);
  EXPECT_EQ(m.kv_heads, 4);   // no grouped-query attention
  EXPECT_EQ(m.head_dim, 16);  // 64 / 4
  EXPECT_EQ(m.intermediate, 256);
  EXPECT_EQ(m.vocab, 100);
  EXPECT_EQ(m.activation, "gelu");  // HF default hidden_act
  EXPECT_EQ(m.norm, "layernorm");
}

TEST(FamilyTest, MobileBertReadsItsFields) {
  const ModelShape m = read_model_config(R"({"model_type": "mobilebert", "hidden_size": 512,
    "num_hidden_layers": 3, "num_attention_heads": 4, "intermediate_size": 512,
    "vocab_size": 100, "embedding_size": 128, "intra_bottleneck_size": 128,
    "num_feedforward_networks": 4, "hidden_act": "relu"})",
                                         "mb.json");
  EXPECT_FALSE(m.decoder);
  EXPECT_EQ(m.hidden, 512);
  EXPECT_EQ(m.bottleneck, 128);
  EXPECT_EQ(m.embedding, 128);
  EXPECT_EQ(m.ffns, 4);
  EXPECT_EQ(m.head_dim, 32);  // the bottleneck 128 / 4 heads
  EXPECT_EQ(m.activation, "relu");
  // HF defaults: trigram input, shared Q/K bottleneck, NoNorm
  EXPECT_TRUE(m.trigram);
  EXPECT_TRUE(m.shared_qk_bottleneck);
  EXPECT_EQ(m.norm, "nonorm");
  // Without bottlenecks the attention runs at the full width: 512 / 4 = 128 per head.
  const ModelShape wide = read_model_config(R"({"model_type": "mobilebert", "hidden_size": 512,
    "num_hidden_layers": 3, "num_attention_heads": 4, "intermediate_size": 512,
    "vocab_size": 100, "embedding_size": 128, "use_bottleneck": false,
    "normalization_type": "layer_norm"})",
                                            "mb.json");
  EXPECT_EQ(wide.bottleneck, 512);
  EXPECT_EQ(wide.head_dim, 128);
  EXPECT_EQ(wide.norm, "layernorm");
}

TEST(FamilyTest, Gpt2ReadsItsFields) {
  const ModelShape m = read_model_config(R"({"model_type": "gpt2", "n_embd": 96, "n_layer": 2,
    "n_head": 4, "n_inner": null, "vocab_size": 500})",
                                         "gpt2.json");
  EXPECT_TRUE(m.decoder);
  EXPECT_EQ(m.hidden, 96);
  EXPECT_EQ(m.layers, 2);
  EXPECT_EQ(m.heads, 4);
  EXPECT_EQ(m.kv_heads, 4);
  EXPECT_EQ(m.head_dim, 24);       // 96 / 4
  EXPECT_EQ(m.intermediate, 384);  // n_inner null: 4 * 96
  EXPECT_EQ(m.vocab, 500);
  EXPECT_EQ(m.activation, "gelu");  // HF default gelu_new
  EXPECT_EQ(m.norm, "layernorm");
}

TEST(FamilyTest, LlamaReadsItsFields) {
  const std::string base = R"({"model_type": "llama", "hidden_size": 256,
    "intermediate_size": 512, "num_hidden_layers": 2, "num_attention_heads": 8,
    "num_key_value_heads": 2, "vocab_size": 1000)";
  const ModelShape m = read_model_config(base + "}", "llama.json");
  EXPECT_TRUE(m.decoder);
  EXPECT_EQ(m.hidden, 256);
  EXPECT_EQ(m.heads, 8);
  EXPECT_EQ(m.kv_heads, 2);
  EXPECT_EQ(m.head_dim, 32);  // no head_dim: 256 / 8
  EXPECT_EQ(m.intermediate, 512);
  EXPECT_EQ(m.vocab, 1000);
  EXPECT_EQ(m.activation, "silu");
  EXPECT_EQ(m.norm, "rmsnorm");
  EXPECT_EQ(read_model_config(base + R"(, "head_dim": 64})", "llama.json").head_dim, 64);
  // Without num_key_value_heads every query head has its own K and V.
  EXPECT_EQ(read_model_config(R"({"model_type": "llama", "hidden_size": 256,
    "intermediate_size": 512, "num_hidden_layers": 2, "num_attention_heads": 8,
    "vocab_size": 1000})",
                              "llama.json")
                .kv_heads,
            8);
}

TEST(FamilyTest, MissingRequiredFieldNamesTheFieldAndTheFamily) {
  EXPECT_EQ(error_of([] {
              read_model_config(R"({"model_type": "bert", "hidden_size": 64,
                "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 256})",
                                "c.json");
            }),
            "c.json: field 'vocab_size' is missing (needed for model_type bert)");
  EXPECT_EQ(error_of([] {
              read_model_config(R"({"model_type": "mobilebert", "hidden_size": 512,
                "num_hidden_layers": 3, "num_attention_heads": 4, "intermediate_size": 512,
                "vocab_size": 100, "intra_bottleneck_size": 128})",
                                "c.json");
            }),
            "c.json: field 'embedding_size' is missing (needed for model_type mobilebert)");
  EXPECT_EQ(error_of([] {
              read_model_config(R"({"model_type": "gpt2", "n_embd": 96, "n_layer": 2,
                "vocab_size": 500})",
                                "c.json");
            }),
            "c.json: field 'n_head' is missing (needed for model_type gpt2)");
  EXPECT_EQ(error_of([] {
              read_model_config(R"({"model_type": "llama", "hidden_size": 256,
                "num_hidden_layers": 2, "num_attention_heads": 8, "vocab_size": 1000})",
                                "c.json");
            }),
            "c.json: field 'intermediate_size' is missing (needed for model_type llama)");
}

TEST(FamilyTest, ContradictoryFieldsNameTheField) {
  EXPECT_EQ(error_of([] {
              read_model_config(R"({"model_type": "gpt2", "n_embd": 96, "n_layer": 2,
                "n_head": 5, "vocab_size": 500})",
                                "c.json");
            }),
            "c.json: field 'n_head' does not divide n_embd 96 (needed for model_type gpt2)");
  EXPECT_EQ(error_of([] {
              read_model_config(R"({"model_type": "llama", "hidden_size": 256,
                "intermediate_size": 512, "num_hidden_layers": 2, "num_attention_heads": 8,
                "num_key_value_heads": 3, "vocab_size": 1000})",
                                "c.json");
            }),
            "c.json: field 'num_key_value_heads' must divide num_attention_heads (needed for "
            "model_type llama)");
  EXPECT_EQ(error_of([] {
              read_model_config(R"({"model_type": "bert", "hidden_size": 64,
                "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 256,
                "vocab_size": 100, "hidden_act": "tanh"})",
                                "c.json");
            }),
            "c.json: field 'hidden_act' is 'tanh'; accepted: relu, gelu*, silu (needed for "
            "model_type bert)");
  EXPECT_NE(error_of([] {
              read_model_config(R"({"model_type": "mobilebert", "hidden_size": 512,
                "num_hidden_layers": 3, "num_attention_heads": 4, "intermediate_size": 512,
                "vocab_size": 100, "embedding_size": 128, "intra_bottleneck_size": 128,
                "normalization_type": "batch_norm"})",
                                "c.json");
            }).find("field 'normalization_type' is 'batch_norm'; accepted: no_norm, layer_norm"),
            std::string::npos);
}

TEST(FamilyTest, BertBaseLayerIsSixLinearsOfSevenMillionWeights) {
  const ModelShape m = read_model_config(zoo_config("bert-base"), "bert-base");
  const Workload w = graph_of(m, 8);
  std::int64_t linears = 0, weights = 0;
  for (const auto& op : w.ops)
    if (op.block == "layer.0" && op.kind == OpKind::Linear) {
      ++linears;
      weights += op.in * op.out;
      EXPECT_EQ(op.rank, 0) << op.name;  // a family places no adapters
    }
  // query, key, value, attention.output.dense, intermediate.dense, output.dense
  EXPECT_EQ(linears, 6);
  // 4 * 768^2 + 2 * 768 * 3072 = 2359296 + 4718592 = 7077888
  EXPECT_EQ(weights, 7077888);
  // 12 layers * 6 + the QA head = 73
  EXPECT_EQ(w.linear_count(), 73u);
  // embedding, layer.0 .. layer.11, head
  EXPECT_EQ(w.blocks.size(), 14u);
}

TEST(FamilyTest, EncoderLayersArePostNorm) {
  const Workload w = graph_of(read_model_config(zoo_config("bert-base"), "bert-base"), 8);
  EXPECT_EQ(names_in(w, "embedding"),
            (std::vector<std::string>{"embeddings.word_embeddings", "embeddings.position_add",
                                      "embeddings.norm"}));
  EXPECT_EQ(
      names_in(w, "layer.0"),
      (std::vector<std::string>{
          "attention.self.query", "attention.self.key", "attention.self.value",
          "attention.self.scores", "attention.self.softmax", "attention.self.context",
          "attention.output.dense", "attention.output.add", "attention.output.norm",
          "intermediate.dense", "intermediate.act", "output.dense", "output.add", "output.norm"}));
  EXPECT_EQ(names_in(w, "head"), (std::vector<std::string>{"qa_outputs"}));
}

TEST(FamilyTest, MobileBertStacksItsFfnsInTheBottleneck) {
  const Workload w = graph_of(read_model_config(zoo_config("mobilebert"), "mobilebert"), 8);
  const std::vector<std::string> names = names_in(w, "layer.0");
  // 2 bottleneck inputs (dense + norm each), Q, K, V, 3 attention ops, output dense + add + norm,
  // then 4 FFNs of 5 ops (dense, act, dense, add, norm) and the output bottleneck (dense, add,
  // norm): 4 + 3 + 3 + 3 + 20 + 3 = 36
  EXPECT_EQ(names.size(), 36u);
  EXPECT_EQ(names[13], "ffn.0.intermediate.dense");
  EXPECT_EQ(names[28], "intermediate.dense");  // the last FFN keeps BERT's names
  EXPECT_EQ(names.back(), "output.bottleneck.norm");
  for (const auto& op : w.ops)
    if (op.block == "layer.0" && op.name == "ffn.2.output.dense") {
      EXPECT_EQ(op.in, 512);   // intermediate_size
      EXPECT_EQ(op.out, 128);  // back into the bottleneck
    }
}

TEST(FamilyTest, DecoderLayersArePreNorm) {
  const Workload gpt2 = graph_of(read_model_config(zoo_config("gpt2"), "gpt2"), 8);
  EXPECT_EQ(names_in(gpt2, "layer.0"),
            (std::vector<std::string>{"ln_1", "attn.c_attn", "attn.scores", "attn.softmax",
                                      "attn.context", "attn.c_proj", "attn.add", "ln_2", "mlp.c_fc",
                                      "mlp.act", "mlp.c_proj", "mlp.add"}));
  EXPECT_EQ(names_in(gpt2, "embedding"),
            (std::vector<std::string>{"embed_tokens", "position_add"}));
  const Workload llama = graph_of(read_model_config(zoo_config("llama-3.1-8b"), "llama"), 8);
  EXPECT_EQ(names_in(llama, "layer.0"),
            (std::vector<std::string>{"input_layernorm", "self_attn.q_proj", "self_attn.k_proj",
                                      "self_attn.v_proj", "self_attn.scores", "self_attn.softmax",
                                      "self_attn.context", "self_attn.o_proj", "self_attn.add",
                                      "post_attention_layernorm", "mlp.gate_proj", "mlp.up_proj",
                                      "mlp.act", "mlp.gate_mul", "mlp.down_proj", "mlp.add"}));
  EXPECT_EQ(names_in(llama, "head"), (std::vector<std::string>{"norm", "lm_head"}));
}

TEST(FamilyTest, EncoderWithDecodeStepsIsRejectedNamingTheDecoders) {
  WorkloadParams p;
  p.model = "mobilebert";
  p.seq_len = 16;
  p.decode_tokens = 2;
  p.rank = 8;
  p.targets = "all";
  p.rank_overrides = "none";
  EXPECT_EQ(error_of([&] { build_workload(p); }),
            "workload.decode_tokens: mobilebert is an encoder (mobilebert); a decode phase needs "
            "a decoder (bart, gemma, gpt2, gpt_neox, llama, mistral, mixtral, opt, phi3, qwen2, "
            "qwen2_moe); set it to 0");
}

}  // namespace
}  // namespace aimcsim
