#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// RoBERTa (HF RobertaModel): BERT's post-norm encoder graph with its own vocabulary and
// positions (type_vocab_size 1: the token-type add stays one add). Its classification head
// (classifier.dense, tanh, classifier.out_proj on <s>) costs what BERT's pooler and classifier
// do and carries those names.
class RobertaFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return false; }

  ModelShape read(const ConfigFields& f) const override { return read_bert_encoder(f); }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t) const override {
    build_bert_style(g, m, tokens);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"roberta", "RoBERTa encoder (BERT's post-norm graph) with a SQuAD QA head",
                  [] { return std::unique_ptr<WorkloadFamily>(new RobertaFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
