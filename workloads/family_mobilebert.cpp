#include <fmt/format.h>

#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// MobileBERT (HF MobileBertModel): a BERT whose layers run attention and stacked FFNs in a
// narrow bottleneck between two projections of the wide residual stream, with a SQuAD-style QA
// head. The trigram input is one lookup of three embeddings' width.
class MobileBertFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return false; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_bert_fields(f);
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
    m.head_dim = head_width(f, "num_attention_heads", m.heads, m.bottleneck, "the attention width");
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t) const override {
    const std::int64_t h = m.hidden, b = m.bottleneck;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      const std::int64_t width = m.trigram ? 3 * m.embedding : m.embedding;
      std::size_t x = g.embedding("embeddings.word_embeddings", T, width, std::move(in));
      x = g.linear("embedding_transformation", T, width, h, {x});
      return g.add_norm("embeddings.position_add", "embeddings.norm", m.norm, T, h, {x});
    };
    const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
      std::size_t layer_input = g.linear("bottleneck.input.dense", T, h, b, {x});
      layer_input = g.norm("bottleneck.input.norm", m.norm, T, b, layer_input);
      std::size_t qk_input = layer_input;
      if (m.shared_qk_bottleneck) {
        qk_input = g.linear("bottleneck.attention.dense", T, h, b, {x});
        qk_input = g.norm("bottleneck.attention.norm", m.norm, T, b, qk_input);
      }
      const std::size_t q = g.linear("attention.self.query", T, b, b, {qk_input});
      const std::size_t k = g.linear("attention.self.key", T, b, b, {qk_input});
      const std::size_t v = g.linear("attention.self.value", T, h, b, {x});
      const std::size_t ctx = g.attention("attention.self.", m, T, kv, false, q, k, v);
      std::size_t y = g.linear("attention.output.dense", T, b, b, {ctx});
      y = g.add_norm("attention.output.add", "attention.output.norm", m.norm, T, b,
                     {y, layer_input});
      // The stacked FFNs; the last one is named like BERT's.
      for (std::int64_t f = 0; f < m.ffns; ++f) {
        const std::string p = f + 1 < m.ffns ? fmt::format("ffn.{}.", f) : "";
        const std::size_t z =
            g.ffn({p + "intermediate.dense", p + "intermediate.act", p + "output.dense"},
                  m.activation, T, b, m.intermediate, y);
        y = g.add_norm(p + "output.add", p + "output.norm", m.norm, T, b, {z, y});
      }
      const std::size_t z = g.linear("output.bottleneck.dense", T, b, h, {y});
      return g.add_norm("output.bottleneck.add", "output.bottleneck.norm", m.norm, T, h, {z, x});
    };
    g.encoder(m, tokens, embed, layer);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"mobilebert",
                  "MobileBERT encoder (bottlenecks, stacked FFNs, NoNorm) with a SQuAD QA head",
                  [] { return std::unique_ptr<WorkloadFamily>(new MobileBertFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
