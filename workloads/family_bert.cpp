#include <fmt/format.h>

#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// BERT (HF BertModel): a post-norm encoder with a SQuAD-style QA head; absolute position and
// token-type embeddings are one add.
class BertFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return false; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_bert_fields(f);
    m.norm = "layernorm";
    if (m.hidden % m.heads != 0)
      f.fail("num_attention_heads",
             fmt::format("does not divide the attention width {}", m.hidden));
    m.head_dim = m.hidden / m.heads;
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t) const override {
    const std::int64_t h = m.hidden;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      const std::size_t x = g.embedding("embeddings.word_embeddings", T, h, std::move(in));
      return g.add_norm("embeddings.position_add", "embeddings.norm", m.norm, T, h, {x});
    };
    const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
      const std::size_t q = g.linear("attention.self.query", T, h, h, {x});
      const std::size_t k = g.linear("attention.self.key", T, h, h, {x});
      const std::size_t v = g.linear("attention.self.value", T, h, h, {x});
      const std::size_t ctx = g.attention("attention.self.", m, T, kv, false, q, k, v);
      std::size_t y = g.linear("attention.output.dense", T, h, h, {ctx});
      y = g.add_norm("attention.output.add", "attention.output.norm", m.norm, T, h, {y, x});
      const std::size_t z = g.ffn({"intermediate.dense", "intermediate.act", "output.dense"},
                                  m.activation, T, h, m.intermediate, y);
      return g.add_norm("output.add", "output.norm", m.norm, T, h, {z, y});
    };
    g.encoder(m, tokens, embed, layer);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"bert", "BERT encoder (post-norm) with a SQuAD QA head",
                  [] { return std::unique_ptr<WorkloadFamily>(new BertFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
