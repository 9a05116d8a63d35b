#include "workloads/model_config.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "sim/base/error.hpp"

namespace aimcsim {
namespace {

class Fields {
 public:
  Fields(const nlohmann::json& j, std::string origin, std::string family)
      : j_(j), origin_(std::move(origin)), family_(std::move(family)) {}

  std::int64_t integer(const char* key) const {
    if (!j_.contains(key) || j_[key].is_null()) fail(key, "is missing");
    if (!j_[key].is_number_integer() || j_[key].get<std::int64_t>() < 1)
      fail(key, "must be a positive integer");
    return j_[key].get<std::int64_t>();
  }
  std::int64_t integer_or(const char* key, std::int64_t fallback) const {
    if (!j_.contains(key) || j_[key].is_null()) return fallback;
    return integer(key);
  }
  std::string text_or(const char* key, const std::string& fallback) const {
    if (!j_.contains(key) || j_[key].is_null()) return fallback;
    if (!j_[key].is_string()) fail(key, "must be a string");
    return j_[key].get<std::string>();
  }
  bool flag_or(const char* key, bool fallback) const {
    if (!j_.contains(key) || j_[key].is_null()) return fallback;
    if (!j_[key].is_boolean()) fail(key, "must be true or false");
    return j_[key].get<bool>();
  }
  [[noreturn]] void fail(const char* key, const std::string& what) const {
    throw InputError(
        fmt::format("{}: field '{}' {} (needed for model_type {})", origin_, key, what, family_));
  }

 private:
  const nlohmann::json& j_;
  std::string origin_, family_;
};

std::string activation_of(const Fields& f, const char* key, const std::string& fallback) {
  const std::string act = f.text_or(key, fallback);
  if (act == "relu") return "relu";
  if (act.rfind("gelu", 0) == 0) return "gelu";  // gelu, gelu_new, gelu_pytorch_tanh
  if (act == "silu" || act == "swish") return "silu";
  f.fail(key, "is '" + act + "'; accepted: relu, gelu*, silu");
}

}  // namespace

ModelShape read_model_config(const std::string& json_text, const std::string& origin) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(fmt::format("{}: not valid JSON: {}", origin, e.what()));
  }
  if (!j.is_object() || !j.contains("model_type") || !j["model_type"].is_string())
    throw InputError(fmt::format(
        "{}: field 'model_type' is missing; accepted: bert, mobilebert, gpt2, llama", origin));
  ModelShape m;
  m.name = origin;
  m.family = j["model_type"].get<std::string>();
  const Fields f(j, origin, m.family);
  if (m.family == "bert" || m.family == "mobilebert") {
    m.hidden = f.integer("hidden_size");
    m.layers = f.integer("num_hidden_layers");
    m.heads = f.integer("num_attention_heads");
    m.intermediate = f.integer("intermediate_size");
    m.vocab = f.integer("vocab_size");
    m.kv_heads = m.heads;
    m.activation = activation_of(f, "hidden_act", "gelu");
    m.norm = "layernorm";
    if (m.family == "mobilebert") {
      m.bottleneck =
          f.flag_or("use_bottleneck", true) ? f.integer("intra_bottleneck_size") : m.hidden;
      m.embedding = f.integer("embedding_size");
      m.ffns = f.integer_or("num_feedforward_networks", 1);
      m.trigram = f.flag_or("trigram_input", true);
      m.shared_qk_bottleneck = f.flag_or("key_query_shared_bottleneck", true);
      const std::string norm = f.text_or("normalization_type", "no_norm");
      if (norm != "no_norm" && norm != "layer_norm")
        f.fail("normalization_type", "is '" + norm + "'; accepted: no_norm, layer_norm");
      m.norm = norm == "no_norm" ? "nonorm" : "layernorm";
    }
    const std::int64_t width = m.family == "mobilebert" ? m.bottleneck : m.hidden;
    if (width % m.heads != 0)
      f.fail("num_attention_heads", fmt::format("does not divide the attention width {}", width));
    m.head_dim = width / m.heads;
  } else if (m.family == "gpt2") {
    m.decoder = true;
    m.hidden = f.integer("n_embd");
    m.layers = f.integer("n_layer");
    m.heads = f.integer("n_head");
    m.kv_heads = m.heads;
    m.intermediate = f.integer_or("n_inner", 4 * m.hidden);
    m.vocab = f.integer("vocab_size");
    m.activation = activation_of(f, "activation_function", "gelu_new");
    m.norm = "layernorm";
    if (m.hidden % m.heads != 0)
      f.fail("n_head", fmt::format("does not divide n_embd {}", m.hidden));
    m.head_dim = m.hidden / m.heads;
  } else if (m.family == "llama") {
    m.decoder = true;
    m.hidden = f.integer("hidden_size");
    m.layers = f.integer("num_hidden_layers");
    m.heads = f.integer("num_attention_heads");
    m.kv_heads = f.integer_or("num_key_value_heads", m.heads);
    m.intermediate = f.integer("intermediate_size");
    m.vocab = f.integer("vocab_size");
    m.activation = activation_of(f, "hidden_act", "silu");
    m.norm = "rmsnorm";
    if (m.heads % m.kv_heads != 0) f.fail("num_key_value_heads", "must divide num_attention_heads");
    m.head_dim = f.integer_or("head_dim", m.hidden / m.heads);
  } else {
    throw InputError(
        fmt::format("{}: model_type '{}' is not supported; accepted: bert, mobilebert, gpt2, llama",
                    origin, m.family));
  }
  return m;
}

}  // namespace aimcsim
