#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// LLaMA (HF LlamaForCausalLM): a pre-RMS-norm decoder with grouped-query attention, a gated
// (SwiGLU) FFN and an LM head on the last position; rotary embeddings are not costed.
class LlamaFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m;
    m.hidden = f.integer("hidden_size");
    m.layers = f.integer("num_hidden_layers");
    m.heads = f.integer("num_attention_heads");
    m.kv_heads = f.integer_or("num_key_value_heads", m.heads);
    m.intermediate = f.integer("intermediate_size");
    m.vocab = f.integer("vocab_size");
    m.activation = read_activation(f, "hidden_act", "silu");
    m.norm = "rmsnorm";
    if (m.heads % m.kv_heads != 0) f.fail("num_key_value_heads", "must divide num_attention_heads");
    m.head_dim = f.integer_or("head_dim", m.hidden / m.heads);
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    const std::int64_t h = m.hidden;
    const std::int64_t qd = m.heads * m.head_dim, kvd = m.kv_heads * m.head_dim;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      return g.embedding("embed_tokens", T, h, std::move(in));
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
      return g.pre_norm("post_attention_layernorm", "mlp.add", m.norm, T, h, y, [&](std::size_t n) {
        return g.ffn({"mlp.up_proj", "mlp.act", "mlp.down_proj", "mlp.gate_proj", "mlp.gate_mul"},
                     m.activation, T, h, m.intermediate, n);
      });
    };
    g.decoder(m, tokens, decode_steps, embed, layer);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"llama",
                  "LLaMA decoder (RMS norm, grouped-query attention, SwiGLU) with an LM head",
                  [] { return std::unique_ptr<WorkloadFamily>(new LlamaFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
