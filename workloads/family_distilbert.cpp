#include <fmt/format.h>

#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// DistilBERT (HF DistilBertModel): a six-layer post-norm BERT with its own field names (dim,
// n_layers, n_heads, hidden_dim, activation) and module names (q_lin ... out_lin, ffn.lin1/2),
// learned or sinusoidal positions added to the word embedding, no token types. Its
// classification head is pre_classifier and ReLU before the classifier.
class DistilBertFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return false; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m;
    m.hidden = f.integer("dim");
    m.layers = f.integer("n_layers");
    m.heads = f.integer("n_heads");
    m.kv_heads = m.heads;
    m.intermediate = f.integer("hidden_dim");
    m.vocab = f.integer("vocab_size");
    m.max_positions = f.integer_or("max_position_embeddings", 0);
    m.activation = read_activation(f, "activation", "gelu");
    m.norm = "layernorm";
    m.options["pooler"] = 2;  // pre_classifier and ReLU
    if (m.hidden % m.heads != 0) f.fail("n_heads", fmt::format("does not divide dim {}", m.hidden));
    m.head_dim = m.hidden / m.heads;
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t) const override {
    const std::int64_t h = m.hidden;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      const std::size_t x = g.embedding("embeddings.word_embeddings", T, h, std::move(in));
      return g.add_norm("embeddings.position_add", "embeddings.LayerNorm", m.norm, T, h, {x});
    };
    const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
      const std::size_t q = g.linear("attention.q_lin", T, h, h, {x});
      const std::size_t k = g.linear("attention.k_lin", T, h, h, {x});
      const std::size_t v = g.linear("attention.v_lin", T, h, h, {x});
      const std::size_t ctx = g.attention("attention.", m, T, kv, false, q, k, v);
      std::size_t y = g.linear("attention.out_lin", T, h, h, {ctx});
      y = g.add_norm("attention.add", "sa_layer_norm", m.norm, T, h, {y, x});
      const std::size_t z =
          g.ffn({"ffn.lin1", "ffn.act", "ffn.lin2"}, m.activation, T, h, m.intermediate, y);
      return g.add_norm("ffn.add", "output_layer_norm", m.norm, T, h, {z, y});
    };
    g.encoder(m, tokens, embed, layer);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"distilbert", "DistilBERT encoder (six post-norm layers) with a SQuAD QA head",
                  [] { return std::unique_ptr<WorkloadFamily>(new DistilBertFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
