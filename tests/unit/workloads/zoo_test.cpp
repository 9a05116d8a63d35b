// Every zoo entry's analog weights and LoRA parameters against the arithmetic of its published
// shapes (workloads/zoo/*.json), LoRA rank 8 on lora.targets all (every linear but the head).
#include <gtest/gtest.h>

#include "workloads/model_config.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {
namespace {

Workload zoo(const std::string& model, std::int64_t seq_len = 16, std::int64_t decode = 0) {
  WorkloadParams p;
  p.model = model;
  p.seq_len = seq_len;
  p.decode_tokens = decode;
  p.rank = 8;
  p.targets = "all";
  p.rank_overrides = "none";
  return build_workload(p);
}

// BERT-base layer: Q, K, V, O 4 x 768 x 768 = 2,359,296 + FFN 2 x 768 x 3072 = 4,718,592.
constexpr std::int64_t kBertBaseLayer = 7077888;
// Its LoRA: 8 x (4 x (768 + 768) + 2 x (768 + 3072)) = 8 x 13,824.
constexpr std::int64_t kBertBaseLayerLora = 110592;

TEST(ZooTest, EveryFamilyHasAnEntry) {
  std::vector<std::string> families;
  for (const auto& name : zoo_names())
    families.push_back(read_model_config(zoo_config(name), name).family);
  for (const char* f :
       {"bart", "bert", "distilbert", "gemma", "gpt2", "gpt_neox", "llama", "mistral", "mixtral",
        "mobilebert", "opt", "phi3", "qwen2", "qwen2_moe", "roberta", "vit"})
    EXPECT_NE(std::find(families.begin(), families.end(), f), families.end()) << f;
}

TEST(ZooTest, EncodersHaveThePublishedWeights) {
  // BERT-base, QA head 768 x 2.
  EXPECT_EQ(zoo("bert-base").analog_weights(), 12 * kBertBaseLayer + 768 * 2);
  EXPECT_EQ(zoo("bert-base").lora_params(), 12 * kBertBaseLayerLora);
  // BERT-large: 4 x 1024^2 + 2 x 1024 x 4096 = 12,582,912 per layer, 24 layers, head 1024 x 2.
  EXPECT_EQ(zoo("bert-large").analog_weights(), 24 * 12582912LL + 1024 * 2);
  EXPECT_EQ(zoo("bert-large").lora_params(), 24 * 8 * (4 * 2048 + 2 * 5120));
  // RoBERTa-base (RobertaForMaskedLM): BERT-base's layers, the LM head's dense 768 x 768 and
  // decoder 768 x 50265 over every position; the head takes no adapter.
  const Workload roberta = zoo("roberta-base");
  EXPECT_EQ(roberta.analog_weights(), 12 * kBertBaseLayer + 768 * 768 + 768 * 50265LL);
  EXPECT_EQ(roberta.lora_params(), 12 * kBertBaseLayerLora);
  EXPECT_EQ(roberta.ops.back().name, "lm_head.decoder");
  EXPECT_EQ(roberta.ops.back().tokens, 16);
  // DistilBERT (DistilBertForMaskedLM): six BERT-base layers and the same kind of head over
  // 30522 words.
  EXPECT_EQ(zoo("distilbert-base-uncased").analog_weights(),
            6 * kBertBaseLayer + 768 * 768 + 768 * 30522LL);
  EXPECT_EQ(zoo("distilbert-base-uncased").lora_params(), 6 * kBertBaseLayerLora);
  // ViT-B/16: patch embedding (3 x 16 x 16 = 768) x 768, twelve BERT-base layers, classifier
  // 768 x 1000 labels = 86,292,480 (the published 86 M); (224 / 16)^2 + 1 = 197 tokens.
  const Workload vit = zoo("vit-base-patch16-224", 64);
  EXPECT_EQ(vit.analog_weights(), 768 * 768 + 12 * kBertBaseLayer + 768 * 1000);
  EXPECT_EQ(vit.analog_weights(), 86292480);
  EXPECT_EQ(vit.seq_len, 197);
  EXPECT_EQ(vit.ops.front().name, "patch_embeddings");
  EXPECT_EQ(vit.ops.front().tokens, 196);
  EXPECT_EQ(vit.ops.back().name, "classifier");
  EXPECT_EQ(vit.ops.back().tokens, 1);  // [CLS]
  // all leaves out the patch embedding (a convolution in HF) and the classifier.
  EXPECT_EQ(vit.lora_params(), 12 * kBertBaseLayerLora);
  ASSERT_EQ(vit.notes.size(), 1u);
  EXPECT_EQ(vit.notes[0],
            "workload.seq_len 64 does not apply: vit-base-patch16-224 takes 197 tokens from its "
            "input");
  // MobileBERT: 24 x 835,584 + 384 x 512 + QA head 512 x 2 (WorkloadTest derives the layer).
  EXPECT_EQ(zoo("mobilebert").analog_weights(), 20251648);
}

TEST(ZooTest, DecodersHaveThePublishedWeights) {
  // GPT-2: c_attn 768 x 2304, c_proj 768 x 768, MLP 2 x 768 x 3072 = 7,077,888 per layer, LM
  // head 768 x 50257.
  EXPECT_EQ(zoo("gpt2").analog_weights(), 12 * 7077888LL + 768 * 50257LL);
  // LoRA 8 x ((768 + 2304) + (768 + 768) + 2 x (768 + 3072)) = 98,304 per layer; no head.
  EXPECT_EQ(zoo("gpt2").lora_params(), 12 * 98304);
  // OPT-125m: q, k, v, out_proj 4 x 768^2 + fc1, fc2 2 x 768 x 3072, LM head 768 x 50272.
  EXPECT_EQ(zoo("opt-125m").analog_weights(), 12 * kBertBaseLayer + 768 * 50272LL);
  EXPECT_EQ(zoo("opt-125m").lora_params(), 12 * kBertBaseLayerLora);
  // Pythia-160m (gpt_neox): GPT-2's layer shapes, LM head 768 x 50304.
  EXPECT_EQ(zoo("pythia-160m").analog_weights(), 12 * 7077888LL + 768 * 50304LL);
  EXPECT_EQ(zoo("pythia-160m").lora_params(), 12 * 98304);
  // LLaMA-3.1-8B: q, o 4096^2, k, v 4096 x 1024, gate, up, down 4096 x 14336 = 218,103,808
  // per layer; LM head 4096 x 128256.
  const std::int64_t llama_layer = 2 * 16777216LL + 2 * 4194304LL + 3 * 58720256LL;
  EXPECT_EQ(llama_layer, 218103808);
  EXPECT_EQ(zoo("llama-3.1-8b").analog_weights(), 32 * llama_layer + 4096 * 128256LL);
  // LoRA 8 x (2 x 8192 + 2 x 5120 + 3 x 18432) = 655,360 per layer: 20,971,520, PEFT's figure
  // for rank 8 on all-linear.
  EXPECT_EQ(zoo("llama-3.1-8b").lora_params(), 20971520);
  // Mistral-7B: LLaMA-3.1-8B's layers, LM head 4096 x 32000.
  EXPECT_EQ(zoo("mistral-7b-v0.1").analog_weights(), 32 * llama_layer + 4096 * 32000LL);
  EXPECT_EQ(zoo("mistral-7b-v0.1").lora_params(), 20971520);
  // Qwen2-0.5B: hidden 896, 14 heads of 64, 2 KV heads (128): q, o 896^2, k, v 896 x 128, MLP
  // 3 x 896 x 4864 = 14,909,440 per layer; LM head 896 x 151936.
  EXPECT_EQ(zoo("qwen2-0.5b").analog_weights(),
            24 * (2 * 802816LL + 2 * 114688LL + 3 * 4358144LL) + 896 * 151936LL);
  EXPECT_EQ(zoo("qwen2-0.5b").lora_params(),
            24 * 8 * (2 * (896 + 896) + 2 * (896 + 128) + 3 * (896 + 4864)));
  // Phi-3-mini: fused qkv_proj 3072 x (32 + 2 x 32) x 96 = 3072 x 9216, o_proj 3072^2, fused
  // gate_up_proj 3072 x 16384, down_proj 8192 x 3072; LM head 3072 x 32064.
  const Workload phi3 = zoo("phi-3-mini-4k");
  EXPECT_EQ(phi3.analog_weights(),
            32 * (3072 * 9216LL + 3072 * 3072LL + 3072 * 16384LL + 8192 * 3072LL) + 3072 * 32064LL);
  EXPECT_EQ(phi3.lora_params(),
            32 * 8 * ((3072 + 9216) + (3072 + 3072) + (3072 + 16384) + (8192 + 3072)));
  // Gemma-2B: 8 heads of head_dim 256 (2048), one KV head (256), GeGLU 2048 -> 16384; LM head
  // 2048 x 256000.
  const Workload gemma = zoo("gemma-2b");
  EXPECT_EQ(gemma.analog_weights(),
            18 * (2 * 2048 * 2048LL + 2 * 2048 * 256LL + 3 * 2048 * 16384LL) + 2048 * 256000LL);
  EXPECT_EQ(gemma.lora_params(),
            18 * 8 * (2 * (2048 + 2048) + 2 * (2048 + 256) + 3 * (2048 + 16384)));
  // BART-base: 6 encoder layers of BERT-base's shapes; 6 decoder layers with self- and
  // cross-attention (8 x 768^2) and the FFN (2 x 768 x 3072); LM head 768 x 50265.
  const Workload bart = zoo("bart-base", 16, 2);
  EXPECT_EQ(bart.analog_weights(),
            6 * kBertBaseLayer + 6 * (8 * 589824LL + 2 * 2359296LL) + 768 * 50265LL);
  EXPECT_EQ(bart.lora_params(),
            6 * kBertBaseLayerLora + 6 * 8 * (8 * (768 + 768) + 2 * (768 + 3072)));
}

TEST(ZooTest, MixtureOfExpertsMapsEveryExpert) {
  // Mixtral-8x7B: attention as Mistral's (41,943,040), the router 4096 x 8 and eight experts of
  // 3 x 4096 x 14336 per layer; LM head 4096 x 32000: 46.57 G (the published 46.7 B with the
  // embedding table).
  const Workload mixtral = zoo("mixtral-8x7b", 4);
  EXPECT_EQ(mixtral.analog_weights(),
            32 * (41943040LL + 4096 * 8 + 8 * 3 * 58720256LL) + 4096 * 32000LL);
  EXPECT_EQ(mixtral.analog_weights(), 46571454464LL);
  // LoRA on attention, router and every expert: 8 x (26,624 + 4,104 + 8 x 55,296) per layer.
  EXPECT_EQ(mixtral.lora_params(), 32 * 8 * (26624 + 4104 + 8 * 55296));
  // 4 prompt tokens x 2 experts reach at most 8 experts per layer: the rest sit idle on tiles.
  std::int64_t routed = 0;
  for (const auto& l : mixtral.expert_load) routed += l.prompt_tokens;
  EXPECT_EQ(routed, 32 * 4 * 2);
  // Qwen1.5-MoE-A2.7B: 16 heads of 128 (4 x 2048^2), router 2048 x 60, 60 experts of
  // 3 x 2048 x 1408, the shared expert 3 x 2048 x 5632 and its gate 2048 x 1, per layer;
  // LM head 2048 x 151936.
  const Workload qwen = zoo("qwen1.5-moe-a2.7b", 4);
  EXPECT_EQ(qwen.analog_weights(),
            24 * (4 * 4194304LL + 2048 * 60 + 60 * 3 * 2048 * 1408LL + 3 * 2048 * 5632LL + 2048) +
                2048 * 151936LL);
  EXPECT_EQ(
      qwen.lora_params(),
      24 * 8 * (4 * 4096 + (2048 + 60) + 60 * 3 * (2048 + 1408) + 3 * (2048 + 5632) + (2048 + 1)));
}

}  // namespace
}  // namespace aimcsim
