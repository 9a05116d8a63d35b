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
  // composed from GraphBuilder's blocks. Does not place LoRA adapters (every rank stays 0).
  virtual void build(GraphBuilder& g, const ModelShape& shape, std::int64_t tokens,
                     std::int64_t decode_steps) const = 0;
};

// Families register themselves by config.json model_type, one file each.
using FamilyRegistry = Registry<WorkloadFamily>;

// The registered decoder families, "a, b", for messages.
std::string decoder_families();

// The canonical activation of HF field `key` (default `fallback`): relu, gelu (gelu, gelu_new,
// gelu_pytorch_tanh, ...) or silu (silu, swish); anything else fails naming the field.
// The fields BERT's config.json and the families derived from it (MobileBERT) share:
// hidden_size, num_hidden_layers, num_attention_heads (also the KV heads), intermediate_size,
// vocab_size and hidden_act (default gelu).
ModelShape read_bert_fields(const ConfigFields& fields);

std::string read_activation(const ConfigFields& fields, const char* key,
                            const std::string& fallback);

}  // namespace aimcsim
