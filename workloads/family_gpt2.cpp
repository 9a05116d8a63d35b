#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// GPT-2 (HF GPT2LMHeadModel): a pre-norm decoder with a fused QKV projection (c_attn), learned
// positions added to the token embedding, and an LM head on the last position.
class Gpt2Family final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m;
    m.hidden = f.integer("n_embd");
    m.layers = f.integer("n_layer");
    m.heads = f.integer("n_head");
    m.kv_heads = m.heads;
    m.intermediate = f.integer_or("n_inner", 4 * m.hidden);
    m.vocab = f.integer("vocab_size");
    m.max_positions = f.integer_or("n_positions", 0);
    m.activation = read_activation(f, "activation_function", "gelu_new");
    m.norm = "layernorm";
    m.head_dim = head_width(f, "n_head", m.heads, m.hidden, "n_embd");
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    const std::int64_t h = m.hidden;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      const std::size_t x = g.embedding("embed_tokens", T, h, std::move(in));
      return g.elementwise("position_add", "add", T, h, {x});
    };
    const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
      const std::size_t y = g.pre_norm("ln_1", "attn.add", m.norm, T, h, x, [&](std::size_t n) {
        const std::size_t qkv = g.linear("attn.c_attn", T, h, 3 * h, {n});
        const std::size_t ctx = g.attention("attn.", m, T, kv, true, qkv, qkv, qkv);
        return g.linear("attn.c_proj", T, h, h, {ctx});
      });
      return g.pre_norm("ln_2", "mlp.add", m.norm, T, h, y, [&](std::size_t n) {
        return g.ffn({"mlp.c_fc", "mlp.act", "mlp.c_proj"}, m.activation, T, h, m.intermediate, n);
      });
    };
    g.decoder(m, tokens, decode_steps, embed, layer);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"gpt2", "GPT-2 decoder (pre-norm, fused QKV) with an LM head",
                  [] { return std::unique_ptr<WorkloadFamily>(new Gpt2Family()); }, nullptr});

}  // namespace
}  // namespace aimcsim
