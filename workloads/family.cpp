#include "workloads/family.hpp"

#include <fmt/format.h>

#include <algorithm>

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

std::int64_t head_width(const ConfigFields& f, const char* heads_field, std::int64_t heads,
                        std::int64_t width, const std::string& width_name) {
  if (width % heads != 0)
    f.fail(heads_field, fmt::format("does not divide {} {}", width_name, width));
  return width / heads;
}

std::int64_t read_window(const ConfigFields& f, bool enabled) {
  if (!f.flag_or("use_sliding_window", enabled) || !f.has("sliding_window")) return 0;
  return f.integer("sliding_window");
}

std::int64_t WorkloadFamily::kv_cache_values(const ModelShape& m, std::int64_t tokens,
                                             std::int64_t decode_steps) const {
  const std::int64_t positions = tokens + decode_steps;
  const std::int64_t full = m.window > 0 ? std::min(m.window_from_layer, m.layers) : m.layers;
  const std::int64_t kept = m.window > 0 ? std::min(m.window, positions) : positions;
  return 2 * m.kv_heads * m.head_dim * (full * positions + (m.layers - full) * kept);
}

void note_unmodelled(const ConfigFields& f, ModelShape& m, const char* field,
                     const std::string& what) {
  if (f.has(field)) m.unmodelled.push_back(fmt::format("{}: {}", field, what));
}

ModelShape read_bert_fields(const ConfigFields& f) {
  ModelShape m;
  m.hidden = f.integer("hidden_size");
  m.layers = f.integer("num_hidden_layers");
  m.heads = f.integer("num_attention_heads");
  m.intermediate = f.integer("intermediate_size");
  m.vocab = f.integer("vocab_size");
  m.max_positions = f.integer_or("max_position_embeddings", 0);
  m.kv_heads = m.heads;
  m.activation = read_activation(f, "hidden_act", "gelu");
  if (f.text_or("position_embedding_type", "absolute") != "absolute")
    m.unmodelled.push_back(
        "position_embedding_type: relative position scores (an extra product with the queries "
        "per head) are not costed");
  return m;
}

void build_bert_style(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
                      const BertNames& n) {
  const std::int64_t h = m.hidden;
  const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
    const std::size_t x = g.embedding("embeddings.word_embeddings", T, h, std::move(in));
    return g.add_norm("embeddings.position_add", n.embed_norm, m.norm, T, h, {x});
  };
  const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
    const std::size_t q = g.linear(n.query, T, h, h, {x});
    const std::size_t k = g.linear(n.key, T, h, h, {x});
    const std::size_t v = g.linear(n.value, T, h, h, {x});
    const std::size_t ctx = g.attention(n.attention, m, T, kv, false, q, k, v);
    std::size_t y = g.linear(n.attention_out, T, h, h, {ctx});
    y = g.add_norm(n.attention_add, n.attention_norm, m.norm, T, h, {y, x});
    const std::size_t z = g.ffn(n.ffn, m.activation, T, h, m.intermediate, y);
    return g.add_norm(n.ffn_add, n.ffn_norm, m.norm, T, h, {z, y});
  };
  g.encoder(m, tokens, embed, layer);
}

ModelShape read_bert_encoder(const ConfigFields& f) {
  ModelShape m = read_bert_fields(f);
  m.norm = "layernorm";
  m.options["pooler"] = 1;
  m.head_dim = head_width(f, "num_attention_heads", m.heads, m.hidden, "the attention width");
  return m;
}

ModelShape read_llama_fields(const ConfigFields& f) {
  ModelShape m;
  m.hidden = f.integer("hidden_size");
  m.layers = f.integer("num_hidden_layers");
  m.heads = f.integer("num_attention_heads");
  m.kv_heads = f.integer_or("num_key_value_heads", m.heads);
  m.intermediate = f.integer("intermediate_size");
  m.vocab = f.integer("vocab_size");
  m.max_positions = f.integer_or("max_position_embeddings", 0);
  m.activation = read_activation(f, "hidden_act", "silu");
  m.norm = "rmsnorm";
  if (m.heads % m.kv_heads != 0) f.fail("num_key_value_heads", "must divide num_attention_heads");
  m.head_dim = f.integer_or("head_dim", m.hidden / m.heads);
  return m;
}

std::size_t llama_mlp(GraphBuilder& g, const ModelShape& m, std::int64_t T, std::size_t x) {
  return g.ffn({"mlp.up_proj", "mlp.act", "mlp.down_proj", "mlp.gate_proj", "mlp.gate_mul"},
               m.activation, T, m.hidden, m.intermediate, x);
}

void build_llama_style(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
                       std::int64_t decode_steps, const MlpFn& mlp, bool embed_scale) {
  const std::int64_t h = m.hidden;
  const std::int64_t qd = m.heads * m.head_dim, kvd = m.kv_heads * m.head_dim;
  const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
    const std::size_t x = g.embedding("embed_tokens", T, h, std::move(in));
    return embed_scale ? g.elementwise("embed_scale", "mul", T, h, {x}) : x;
  };
  const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
    const std::size_t y =
        g.pre_norm("input_layernorm", "self_attn.add", m.norm, T, h, x, [&](std::size_t n) {
          const std::size_t q = g.linear("self_attn.q_proj", T, h, qd, {n});
          const std::size_t k = g.linear("self_attn.k_proj", T, h, kvd, {n});
          const std::size_t v = g.linear("self_attn.v_proj", T, h, kvd, {n});
          const std::size_t ctx = g.attention("self_attn.", m, T, kv, true, q, k, v);
          return g.linear("self_attn.o_proj", T, qd, h, {ctx});
        });
    return g.pre_norm("post_attention_layernorm", "mlp.add", m.norm, T, h, y,
                      [&](std::size_t n) { return mlp(T, n); });
  };
  g.decoder(m, tokens, decode_steps, embed, layer);
}

}  // namespace aimcsim
