#include <fmt/format.h>

#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// BERT (HF BertModel): a post-norm encoder; absolute position and token-type embeddings are
// one add. Heads: SQuAD-style QA (the default), the pooler and a classifier, or the masked-LM
// prediction head.
class BertFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return false; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_bert_fields(f);
    m.norm = "layernorm";
    m.options["pooler"] = 1;  // a dense layer and tanh on [CLS] before a classifier
    if (m.hidden % m.heads != 0)
      f.fail("num_attention_heads",
             fmt::format("does not divide the attention width {}", m.hidden));
    m.head_dim = m.hidden / m.heads;
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t) const override {
    build_bert_style(g, m, tokens);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"bert", "BERT encoder (post-norm) with a SQuAD QA head",
                  [] { return std::unique_ptr<WorkloadFamily>(new BertFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
