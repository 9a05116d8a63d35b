#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace aimcsim {

// The task head a model's `architectures` entry names (HF `...For<Task>`).
enum class HeadKind {
  CausalLm,                // ...ForCausalLM, ...LMHeadModel: LM head on the last position
  MaskedLm,                // ...ForMaskedLM: LM head over every position
  QuestionAnswering,       // ...ForQuestionAnswering: start/end logits for every position
  SequenceClassification,  // ...ForSequenceClassification / ...ForImageClassification
  TokenClassification,     // ...ForTokenClassification: labels for every position
  Seq2SeqLm,               // ...ForConditionalGeneration: the decoder's LM head per step
};
const char* head_kind_name(HeadKind kind);

// The shape of a transformer as read from a HuggingFace config.json: what the operator graph
// needs, nothing about weights' values. A plain struct that every family fills with the fields
// it uses; fields a family does not use keep their defaults.
struct ModelShape {
  std::string name;      // zoo name or file path
  std::string family;    // the WorkloadFamily (config.json model_type)
  bool decoder = false;  // causal LM with a decode phase
  std::int64_t layers = 0;
  std::int64_t hidden = 0;  // residual stream width
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;  // grouped-query attention (LLaMA); = heads otherwise
  std::int64_t head_dim = 0;
  std::int64_t intermediate = 0;  // FFN width
  std::int64_t vocab = 0;
  std::string activation;          // relu, gelu, silu
  std::string norm;                // layernorm, nonorm, rmsnorm
  std::int64_t max_positions = 0;  // max_position_embeddings (0: not stated)
  // Sliding-window attention: a query sees at most `window` keys (0: all), in the layers from
  // `window_from_layer` on (Qwen2's max_window_layers; 0: every layer).
  std::int64_t window = 0;
  std::int64_t window_from_layer = 0;
  // The task head (from `architectures`, or the family's default) and its labels.
  HeadKind head = HeadKind::CausalLm;
  std::string architecture;  // the architectures entry read, or "" (the family's default)
  std::int64_t labels = 0;   // classifiers: id2label entries, else num_labels, else 2
  // Mixture-of-Experts: experts per MoE layer (0: dense FFNs), experts each token activates and
  // each expert's FFN width.
  std::int64_t experts = 0;
  std::int64_t experts_per_token = 0;
  std::int64_t expert_intermediate = 0;
  // Values a family keeps for its own build(), named after its config.json fields (flags as
  // 0/1): adding a family needs no field here.
  std::map<std::string, std::int64_t> options;
  std::int64_t option(const std::string& name, std::int64_t fallback = 0) const {
    const auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
  // Fields present in the config.json that change the operator graph but are not modelled,
  // each "field: what is not modelled"; the run prints them as notes.
  std::vector<std::string> unmodelled;
  // MobileBERT only.
  std::int64_t bottleneck = 0;  // intra_bottleneck_size (true hidden)
  std::int64_t embedding = 0;   // embedding_size
  std::int64_t ffns = 1;        // num_feedforward_networks
  bool trigram = false;
  bool shared_qk_bottleneck = false;
};

// Reads a HuggingFace config.json through the family its model_type names (FamilyRegistry).
// Text that is not JSON, a missing or unregistered model_type, or a missing or malformed field
// throws InputError naming `origin`, the field and what is accepted.
ModelShape read_model_config(const std::string& json_text, const std::string& origin);

// The built-in zoo: the same config.json files as in workloads/zoo/, compiled in.
std::vector<std::string> zoo_names();
// The zoo entry's JSON text, or nullptr when `name` is not in the zoo.
const char* zoo_config(const std::string& name);

}  // namespace aimcsim
