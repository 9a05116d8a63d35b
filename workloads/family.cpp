#include "workloads/family.hpp"

namespace aimcsim {

std::string decoder_families() {
  std::string out;
  for (const auto& e : FamilyRegistry::instance().entries())
    if (e.factory()->decoder()) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

std::string read_activation(const ConfigFields& fields, const char* key,
                            const std::string& fallback) {
  const std::string act = fields.text_or(key, fallback);
  if (act == "relu") return "relu";
  if (act.rfind("gelu", 0) == 0) return "gelu";
  if (act == "silu" || act == "swish") return "silu";
  fields.fail(key, "is '" + act + "'; accepted: relu, gelu*, silu");
}

ModelShape read_bert_fields(const ConfigFields& f) {
  ModelShape m;
  m.hidden = f.integer("hidden_size");
  m.layers = f.integer("num_hidden_layers");
  m.heads = f.integer("num_attention_heads");
  m.intermediate = f.integer("intermediate_size");
  m.vocab = f.integer("vocab_size");
  m.kv_heads = m.heads;
  m.activation = read_activation(f, "hidden_act", "gelu");
  return m;
}

}  // namespace aimcsim
