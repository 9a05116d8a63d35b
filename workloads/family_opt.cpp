#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// OPT (HF OPTForCausalLM, Zhang et al. 2022): a decoder with learned positions, a ReLU FFN of
// ffn_dim, pre-norm (do_layer_norm_before, as every size but 350m) or post-norm layers, and,
// where word_embed_proj_dim differs from hidden_size (350m), project_in after the embedding and
// project_out before the LM head.
class OptFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m;
    m.hidden = f.integer("hidden_size");
    m.layers = f.integer("num_hidden_layers");
    m.heads = f.integer("num_attention_heads");
    m.kv_heads = m.heads;
    m.intermediate = f.integer("ffn_dim");
    m.vocab = f.integer("vocab_size");
    m.max_positions = f.integer_or("max_position_embeddings", 0);
    m.activation = read_activation(f, "activation_function", "relu");
    m.norm = "layernorm";
    const std::int64_t proj = f.integer_or("word_embed_proj_dim", m.hidden);
    m.options["word_embed_proj_dim"] = proj;
    if (proj != m.hidden) m.options["project_out"] = proj;
    m.options["pre_norm"] = f.flag_or("do_layer_norm_before", true);
    m.head_dim = head_width(f, "num_attention_heads", m.heads, m.hidden, "hidden_size");
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    const std::int64_t h = m.hidden, proj = m.option("word_embed_proj_dim");
    const bool pre = m.option("pre_norm") != 0;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      std::size_t x = g.embedding("embed_tokens", T, proj, std::move(in));
      if (proj != h) x = g.linear("project_in", T, proj, h, {x});
      return g.elementwise("embed_positions_add", "add", T, h, {x});
    };
    const auto attention = [&](std::int64_t T, std::int64_t kv, std::size_t n) {
      const std::size_t q = g.linear("self_attn.q_proj", T, h, h, {n});
      const std::size_t k = g.linear("self_attn.k_proj", T, h, h, {n});
      const std::size_t v = g.linear("self_attn.v_proj", T, h, h, {n});
      const std::size_t ctx = g.attention("self_attn.", m, T, kv, true, q, k, v);
      return g.linear("self_attn.out_proj", T, h, h, {ctx});
    };
    const FfnNames ffn = {"fc1", "act", "fc2"};
    const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
      if (pre) {
        const std::size_t y = g.pre_norm("self_attn_layer_norm", "self_attn.add", m.norm, T, h, x,
                                         [&](std::size_t n) { return attention(T, kv, n); });
        return g.pre_norm("final_layer_norm", "fc.add", m.norm, T, h, y, [&](std::size_t n) {
          return g.ffn(ffn, m.activation, T, h, m.intermediate, n);
        });
      }
      const std::size_t y = g.add_norm("self_attn.add", "self_attn_layer_norm", m.norm, T, h,
                                       {attention(T, kv, x), x});
      const std::size_t z = g.ffn(ffn, m.activation, T, h, m.intermediate, y);
      return g.add_norm("fc.add", "final_layer_norm", m.norm, T, h, {z, y});
    };
    g.decoder(m, tokens, decode_steps, embed, layer, pre ? "final_layer_norm" : "");
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"opt", "OPT decoder (learned positions, ReLU FFN) with an LM head",
                  [] { return std::unique_ptr<WorkloadFamily>(new OptFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
