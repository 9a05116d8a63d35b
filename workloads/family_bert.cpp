#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// BERT (HF BertModel): a post-norm encoder; absolute position and token-type embeddings are
// one add. Heads: SQuAD-style QA (the default), the pooler and a classifier, or the masked-LM
// prediction head.
class BertFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return false; }

  ModelShape read(const ConfigFields& f) const override { return read_bert_encoder(f); }

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
