#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aimcsim {

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
  std::string activation;  // relu, gelu, silu
  std::string norm;        // layernorm, nonorm, rmsnorm
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
