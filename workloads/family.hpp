#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "sim/base/registry.hpp"
#include "workloads/config_fields.hpp"
#include "workloads/graph_builder.hpp"
#include "workloads/model_config.hpp"

namespace aimcsim {

// A transformer family as HuggingFace names it (config.json `model_type`): how its config
// becomes a ModelShape and its shape an operator graph. One file per family
// (workloads/family_<name>.cpp), registered by name in FamilyRegistry. Models inference of the
// published architecture with one task head; weights' values and dropout are not modelled.
class WorkloadFamily {
 public:
  virtual ~WorkloadFamily() = default;
  // Contract: whether the family is a causal LM with a decode phase (one step per generated
  // token over a KV cache); read_model_config copies it into ModelShape::decoder. Encoders are
  // never built with decode steps.
  virtual bool decoder() const = 0;
  // Contract: reads the fields the family's real config.json uses into a ModelShape (name,
  // family and decoder are filled in by the caller). HF defaults apply where HF has them; a
  // missing or malformed field, or fields that contradict each other, go through
  // fields.fail(field, what), which throws InputError naming the file, the field and the family.
  virtual ModelShape read(const ConfigFields& fields) const = 0;
  // Contract: appends the operator graph of `shape` to `g` for `tokens` input (prompt) tokens
  // and, for decoders, `decode_steps` generated tokens (0 for encoders), in execution order,
  // composed from GraphBuilder's blocks, ending each pass with g.head() for shape.head. Does
  // not place LoRA adapters (every rank stays 0).
  virtual void build(GraphBuilder& g, const ModelShape& shape, std::int64_t tokens,
                     std::int64_t decode_steps) const = 0;
  // Contract: the task head of a config.json without `architectures` (or with the bare
  // ...Model): encoders a SQuAD-style QA head, decoders an LM head.
  virtual HeadKind default_head() const {
    return decoder() ? HeadKind::CausalLm : HeadKind::QuestionAnswering;
  }
  // Contract: the tokens a pass over `requested` input tokens really has; a family whose input
  // fixes its length (a vision transformer's patches) returns that, and the run notes it.
  virtual std::int64_t tokens(const ModelShape& /*shape*/, std::int64_t requested) const {
    return requested;
  }
  // Contract: whether the family runs an encoder and then a decoder over its output (t5, bart);
  // such a family is a decoder() too.
  virtual bool encoder_decoder() const { return false; }
  // Contract: the K and V values a decoder's cache holds at its final length, over every layer,
  // for `tokens` prompt tokens and `decode_steps` generated ones. The default: every layer keeps
  // kv_heads x head_dim keys and values per position, the last shape.window positions in the
  // layers a sliding window applies to.
  virtual std::int64_t kv_cache_values(const ModelShape& shape, std::int64_t tokens,
                                       std::int64_t decode_steps) const;
};

// Families register themselves by config.json model_type, one file each.
using FamilyRegistry = Registry<WorkloadFamily>;

// The registered decoder families, "a, b", for messages.
std::string decoder_families();

// The fields BERT's config.json and the families derived from it (RoBERTa, MobileBERT) share:
// hidden_size, num_hidden_layers, num_attention_heads (also the KV heads), intermediate_size,
// vocab_size, max_position_embeddings and hidden_act (default gelu); a relative
// position_embedding_type is noted as unmodelled.
ModelShape read_bert_fields(const ConfigFields& fields);
// read_bert_fields for BERT's own encoder (BERT, RoBERTa): layer norm, the pooler (dense and
// tanh on [CLS]) before a classifier, heads of hidden_size / num_attention_heads.
ModelShape read_bert_encoder(const ConfigFields& fields);

// The module names of a BERT-style encoder: HF BertModel's by default.
struct BertNames {
  std::string embed_norm = "embeddings.norm";
  std::string query = "attention.self.query", key = "attention.self.key",
              value = "attention.self.value", attention = "attention.self.";
  std::string attention_out = "attention.output.dense", attention_add = "attention.output.add",
              attention_norm = "attention.output.norm";
  FfnNames ffn = {"intermediate.dense", "intermediate.act", "output.dense"};
  std::string ffn_add = "output.add", ffn_norm = "output.norm";
};

// BERT's post-norm encoder layers over the embeddings (word lookup, position add, norm),
// followed by the task head; RoBERTa runs the same graph, DistilBERT with its own names.
void build_bert_style(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
                      const BertNames& names = {});

// The fields LLaMA's config.json and the families derived from it (Mistral, Qwen2, Gemma,
// Mixtral, Qwen2-MoE) share: hidden_size, num_hidden_layers, num_attention_heads,
// num_key_value_heads (default: the heads; must divide them), head_dim (default hidden /
// heads), intermediate_size, vocab_size, max_position_embeddings, hidden_act (default silu);
// RMS norm. `rope_scaling` and biases change no operator (biases are added in the tiles'
// post-processing).
ModelShape read_llama_fields(const ConfigFields& fields);

// The LLaMA-style decoder (pre-RMS-norm, grouped-query attention with q/k/v/o_proj under
// self_attn., an MLP under mlp.), with `mlp` building each layer's MLP from its normed input
// (tokens, input); returns nothing. `embed_scale`: Gemma multiplies the embedding by
// sqrt(hidden) (one element-wise op).
using MlpFn = std::function<std::size_t(std::int64_t tokens, std::size_t x)>;
void build_llama_style(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
                       std::int64_t decode_steps, const MlpFn& mlp, bool embed_scale = false);
// LLaMA's gated MLP: mlp.gate_proj, mlp.up_proj, mlp.act, mlp.gate_mul, mlp.down_proj.
std::size_t llama_mlp(GraphBuilder& g, const ModelShape& m, std::int64_t tokens, std::size_t x);

// The width of one attention head, `width` / `heads`; when the heads do not divide the width,
// fails naming `heads_field` and the width ("does not divide <width_name> <width>").
std::int64_t head_width(const ConfigFields& fields, const char* heads_field, std::int64_t heads,
                        std::int64_t width, const std::string& width_name);

// A LLaMA-style decoder with LLaMA's gated MLP (build_llama_style, llama_mlp): LLaMA, Mistral
// and Qwen2 differ only in what read() finds (sliding windows, head_dim).
class LlamaStyleFamily : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }
  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    build_llama_style(g, m, tokens, decode_steps,
                      [&](std::int64_t T, std::size_t x) { return llama_mlp(g, m, T, x); });
  }
};

// The canonical activation of HF field `key` (default `fallback`): relu, gelu (gelu, gelu_new,
// gelu_pytorch_tanh, ...) or silu (silu, swish); anything else fails naming the field.
std::string read_activation(const ConfigFields& fields, const char* key,
                            const std::string& fallback);

// The sliding window of a config.json: `sliding_window` when it is a positive integer and
// `use_sliding_window` (default `enabled`) is true; 0 otherwise.
std::int64_t read_window(const ConfigFields& fields, bool enabled = true);

// Notes `field` in shape.unmodelled as "field: what" when the config.json has it.
void note_unmodelled(const ConfigFields& fields, ModelShape& shape, const char* field,
                     const std::string& what);

}  // namespace aimcsim
