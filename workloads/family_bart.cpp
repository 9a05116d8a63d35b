#include <fmt/format.h>

#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// BART (HF BartForConditionalGeneration, Lewis et al. 2020): an encoder-decoder. The encoder
// runs over the input tokens (post-norm layers, learned positions, layernorm_embedding); the
// decoder starts from one decoder_start token and generates one token per decode step. Each
// decoder layer has causal self-attention over its own growing cache, then cross-attention
// over the encoder's output, whose K and V (encoder_attn.k_proj, v_proj) are computed once, in
// the decoder's first pass, and cached; then the FFN. The LM head reads the last position.
class BartFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }
  bool encoder_decoder() const override { return true; }
  HeadKind default_head() const override { return HeadKind::Seq2SeqLm; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m;
    m.hidden = f.integer("d_model");
    m.layers = f.integer("decoder_layers");
    m.heads = f.integer("decoder_attention_heads");
    m.kv_heads = m.heads;
    m.intermediate = f.integer("decoder_ffn_dim");
    m.vocab = f.integer("vocab_size");
    m.max_positions = f.integer_or("max_position_embeddings", 0);
    m.activation = read_activation(f, "activation_function", "gelu");
    m.norm = "layernorm";
    m.options["encoder_layers"] = f.integer("encoder_layers");
    m.options["encoder_heads"] = f.integer("encoder_attention_heads");
    m.options["encoder_ffn"] = f.integer("encoder_ffn_dim");
    if (f.flag_or("normalize_before", false))
      f.fail("normalize_before", "is true; BART is modelled post-norm (model_type bart)");
    head_width(f, "encoder_attention_heads", m.options["encoder_heads"], m.hidden, "d_model");
    m.head_dim = head_width(f, "decoder_attention_heads", m.heads, m.hidden, "d_model");
    return m;
  }

  std::int64_t kv_cache_values(const ModelShape& m, std::int64_t tokens,
                               std::int64_t decode_steps) const override {
    // Self-attention: the start token and every generated one; cross-attention: the encoder's.
    return 2 * m.kv_heads * m.head_dim * m.layers * ((1 + decode_steps) + tokens);
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    const std::int64_t h = m.hidden;
    ModelShape enc = m;
    enc.heads = enc.kv_heads = m.option("encoder_heads");
    enc.head_dim = h / enc.heads;
    const auto embed = [&](const std::string& prefix, std::int64_t T, std::vector<std::size_t> in) {
      const std::size_t x = g.embedding(prefix + "embed_tokens", T, h, std::move(in));
      return g.add_norm(prefix + "embed_positions_add", prefix + "layernorm_embedding", m.norm, T,
                        h, {x});
    };
    const auto self_attention = [&](const ModelShape& s, std::int64_t T, std::int64_t kv,
                                    bool causal, std::size_t x) {
      const std::size_t q = g.linear("self_attn.q_proj", T, h, h, {x});
      const std::size_t k = g.linear("self_attn.k_proj", T, h, h, {x});
      const std::size_t v = g.linear("self_attn.v_proj", T, h, h, {x});
      const std::size_t ctx = g.attention("self_attn.", s, T, kv, causal, q, k, v);
      const std::size_t o = g.linear("self_attn.out_proj", T, h, h, {ctx});
      return g.add_norm("self_attn.add", "self_attn_layer_norm", m.norm, T, h, {o, x});
    };
    const auto ffn = [&](std::int64_t T, std::int64_t inner, std::size_t y) {
      const std::size_t z = g.ffn({"fc1", "act", "fc2"}, m.activation, T, h, inner, y);
      return g.add_norm("fc.add", "final_layer_norm", m.norm, T, h, {z, y});
    };

    // The encoder.
    g.block("encoder.embedding");
    std::size_t x = embed("encoder.", tokens, {});
    for (std::int64_t l = 0; l < m.option("encoder_layers"); ++l) {
      g.block(fmt::format("encoder.layer.{}", l));
      g.set_layer(l);
      x = ffn(tokens, m.option("encoder_ffn"), self_attention(enc, tokens, tokens, false, x));
    }
    const std::size_t encoded = x;

    // The decoder: the start token, then one pass per generated token.
    std::vector<std::pair<std::size_t, std::size_t>> cross(static_cast<std::size_t>(m.layers));
    std::size_t last = 0;
    for (std::int64_t s = -1; s < decode_steps; ++s) {
      g.set_step(s);
      g.set_first_token(s + 1);
      const std::string prefix = s < 0 ? "" : "decode/";
      g.block(prefix + "decoder.embedding");
      x = embed("decoder.", 1, s < 0 ? std::vector<std::size_t>{} : std::vector<std::size_t>{last});
      for (std::int64_t l = 0; l < m.layers; ++l) {
        g.block(fmt::format("{}decoder.layer.{}", prefix, l));
        g.set_layer(l);
        const std::size_t y = self_attention(m, 1, s + 2, true, x);
        auto& [k, v] = cross[static_cast<std::size_t>(l)];
        if (s < 0) {
          k = g.linear("encoder_attn.k_proj", tokens, h, h, {encoded});
          v = g.linear("encoder_attn.v_proj", tokens, h, h, {encoded});
        }
        const std::size_t q = g.linear("encoder_attn.q_proj", 1, h, h, {y});
        const std::size_t ctx = g.attention("encoder_attn.", m, 1, tokens, false, q, k, v);
        std::size_t c = g.linear("encoder_attn.out_proj", 1, h, h, {ctx});
        c = g.add_norm("encoder_attn.add", "encoder_attn_layer_norm", m.norm, 1, h, {c, y});
        x = ffn(1, m.intermediate, c);
      }
      g.set_layer(-1);
      g.block(prefix + "head");
      last = g.head(m, 1, x);
    }
    g.set_step(-1);
    g.set_first_token(0);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"bart", "BART encoder-decoder (post-norm, cross-attention) with an LM head",
                  [] { return std::unique_ptr<WorkloadFamily>(new BartFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
