#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// GPT-NeoX (HF GPTNeoXForCausalLM; Pythia): a pre-norm decoder with a fused QKV projection;
// with use_parallel_residual (the default) attention and MLP read the same input and their
// outputs join the residual in one add. Rotary embeddings (rotary_pct) are not costed.
class GptNeoxFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m;
    m.hidden = f.integer("hidden_size");
    m.layers = f.integer("num_hidden_layers");
    m.heads = f.integer("num_attention_heads");
    m.kv_heads = m.heads;
    m.intermediate = f.integer("intermediate_size");
    m.vocab = f.integer("vocab_size");
    m.max_positions = f.integer_or("max_position_embeddings", 0);
    m.activation = read_activation(f, "hidden_act", "gelu");
    m.norm = "layernorm";
    m.options["parallel_residual"] = f.flag_or("use_parallel_residual", true);
    m.head_dim = head_width(f, "num_attention_heads", m.heads, m.hidden, "hidden_size");
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    const std::int64_t h = m.hidden;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      return g.embedding("embed_in", T, h, std::move(in));
    };
    const auto attention = [&](std::int64_t T, std::int64_t kv, std::size_t n) {
      const std::size_t qkv = g.linear("attention.query_key_value", T, h, 3 * h, {n});
      const std::size_t ctx = g.attention("attention.", m, T, kv, true, qkv, qkv, qkv);
      return g.linear("attention.dense", T, h, h, {ctx});
    };
    const auto mlp = [&](std::int64_t T, std::size_t n) {
      return g.ffn({"mlp.dense_h_to_4h", "mlp.act", "mlp.dense_4h_to_h"}, m.activation, T, h,
                   m.intermediate, n);
    };
    const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
      if (m.option("parallel_residual")) {  // x + attention(ln1(x)) + mlp(ln2(x))
        const std::size_t a = attention(T, kv, g.norm("input_layernorm", m.norm, T, h, x));
        const std::size_t z = mlp(T, g.norm("post_attention_layernorm", m.norm, T, h, x));
        return g.elementwise("residual_add", "add", T, h, {a, z, x});
      }
      const std::size_t y = g.pre_norm("input_layernorm", "attention.add", m.norm, T, h, x,
                                       [&](std::size_t n) { return attention(T, kv, n); });
      return g.pre_norm("post_attention_layernorm", "mlp.add", m.norm, T, h, y,
                        [&](std::size_t n) { return mlp(T, n); });
    };
    g.decoder(m, tokens, decode_steps, embed, layer, "final_layer_norm");
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"gpt_neox", "GPT-NeoX decoder (parallel residual, fused QKV) with an LM head",
                  [] { return std::unique_ptr<WorkloadFamily>(new GptNeoxFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
