#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// Phi-3 (HF Phi3ForCausalLM, Abdin et al. 2024): a pre-RMS-norm decoder with a fused QKV
// projection (qkv_proj: hidden -> (heads + 2 kv_heads) x head_dim), a fused SwiGLU
// (gate_up_proj: hidden -> 2 x intermediate, then down_proj) and sliding-window attention where
// sliding_window is set. Rotary embeddings (and rope_scaling) are not costed.
class Phi3Family final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_llama_fields(f);
    m.window = read_window(f);
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    const std::int64_t h = m.hidden;
    const std::int64_t qkv_out = (m.heads + 2 * m.kv_heads) * m.head_dim;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      return g.embedding("embed_tokens", T, h, std::move(in));
    };
    const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
      const std::size_t y =
          g.pre_norm("input_layernorm", "self_attn.add", m.norm, T, h, x, [&](std::size_t n) {
            const std::size_t qkv = g.linear("self_attn.qkv_proj", T, h, qkv_out, {n});
            const std::size_t ctx = g.attention("self_attn.", m, T, kv, true, qkv, qkv, qkv);
            return g.linear("self_attn.o_proj", T, m.heads * m.head_dim, h, {ctx});
          });
      return g.pre_norm("post_attention_layernorm", "mlp.add", m.norm, T, h, y, [&](std::size_t n) {
        FfnNames names{"mlp.gate_up_proj", "mlp.act", "mlp.down_proj", "", "mlp.gate_mul"};
        names.fused = true;
        return g.ffn(names, m.activation, T, h, m.intermediate, n);
      });
    };
    g.decoder(m, tokens, decode_steps, embed, layer);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"phi3", "Phi-3 decoder (fused qkv_proj and gate_up_proj, sliding window)",
                  [] { return std::unique_ptr<WorkloadFamily>(new Phi3Family()); }, nullptr});

}  // namespace
}  // namespace aimcsim
