#include "workloads/model_config.hpp"

#include <fmt/format.h>

#include "sim/base/error.hpp"
#include "workloads/config_fields.hpp"
#include "workloads/family.hpp"

namespace aimcsim {

const char* head_kind_name(HeadKind kind) {
  switch (kind) {
    case HeadKind::CausalLm:
      return "causal LM";
    case HeadKind::MaskedLm:
      return "masked LM";
    case HeadKind::QuestionAnswering:
      return "question answering";
    case HeadKind::SequenceClassification:
      return "sequence classification";
    case HeadKind::TokenClassification:
      return "token classification";
    case HeadKind::Seq2SeqLm:
      return "sequence-to-sequence LM";
  }
  return "?";
}

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr const char* kHeads =
    "...ForCausalLM, ...LMHeadModel, ...ForMaskedLM, ...ForPreTraining, ...ForQuestionAnswering, "
    "...ForSequenceClassification, ...ForImageClassification, ...ForTokenClassification, "
    "...ForConditionalGeneration, or ...Model (the family's default head)";

// The task head `architectures` names (its first entry), checked against what the family is.
void read_head(const ConfigFields& f, const WorkloadFamily& family, ModelShape& m) {
  m.head = family.default_head();
  if (!f.has("architectures")) return;
  const std::vector<std::string> list = f.texts("architectures");
  if (list.empty()) return;
  const std::string& a = list.front();
  m.architecture = a;
  if (ends_with(a, "ForCausalLM") || ends_with(a, "LMHeadModel"))
    m.head = HeadKind::CausalLm;
  else if (ends_with(a, "ForMaskedLM") || ends_with(a, "ForPreTraining"))
    m.head = HeadKind::MaskedLm;  // pre-training's next-sentence head (hidden -> 2) is not costed
  else if (ends_with(a, "ForQuestionAnswering"))
    m.head = HeadKind::QuestionAnswering;
  else if (ends_with(a, "ForSequenceClassification") || ends_with(a, "ForImageClassification"))
    m.head = HeadKind::SequenceClassification;
  else if (ends_with(a, "ForTokenClassification"))
    m.head = HeadKind::TokenClassification;
  else if (ends_with(a, "ForConditionalGeneration"))
    m.head = HeadKind::Seq2SeqLm;
  else if (!ends_with(a, "Model"))
    f.fail("architectures", fmt::format("names '{}'; accepted: {}", a, kHeads));
  const bool lm = m.head == HeadKind::CausalLm || m.head == HeadKind::Seq2SeqLm;
  if (m.head == HeadKind::CausalLm && family.encoder_decoder()) m.head = HeadKind::Seq2SeqLm;
  if (lm && !family.decoder())
    f.fail("architectures", fmt::format("names '{}', a generating head; this family is modelled "
                                        "as an encoder (accepted: its ...ForMaskedLM, "
                                        "...ForQuestionAnswering or ...For*Classification)",
                                        a));
  if (m.head == HeadKind::Seq2SeqLm && !family.encoder_decoder())
    f.fail("architectures", fmt::format("names '{}', an encoder-decoder head; this family is a "
                                        "decoder only (accepted: ...ForCausalLM)",
                                        a));
  if (m.head == HeadKind::MaskedLm && family.decoder())
    f.fail("architectures",
           fmt::format("names '{}', a masked-LM head; this family is a causal decoder", a));
}

}  // namespace

ModelShape read_model_config(const std::string& json_text, const std::string& origin) {
  ConfigFields fields(json_text, origin);
  const FamilyRegistry& families = FamilyRegistry::instance();
  if (!fields.is_text("model_type"))
    throw InputError(fmt::format("{}: field 'model_type' is missing; accepted: {}", origin,
                                 families.accepted()));
  const std::string type = fields.text("model_type");
  if (!families.has(type))
    throw InputError(fmt::format("{}: model_type '{}' is not supported; accepted: {}", origin, type,
                                 families.accepted()));
  fields.set_context("model_type " + type);
  const auto family = families.create(type);
  ModelShape shape = family->read(fields);
  shape.name = origin;
  shape.family = type;
  shape.decoder = family->decoder();
  read_head(fields, *family, shape);
  if (shape.head == HeadKind::SequenceClassification || shape.head == HeadKind::TokenClassification)
    shape.labels =
        fields.has("id2label") ? fields.entries("id2label") : fields.integer_or("num_labels", 2);
  return shape;
}

}  // namespace aimcsim
