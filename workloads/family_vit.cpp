#include <fmt/format.h>

#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// ViT (HF ViTModel, Dosovitskiy et al. 2021): a pre-norm encoder over an image cut into
// patch_size x patch_size patches. The patch embedding (a stride-patch convolution in HF) is a
// linear over num_channels x patch_size^2 inputs per patch; the [CLS] token and the position
// embeddings are one add over (image_size / patch_size)^2 + 1 tokens; the classifier reads
// [CLS] after the final layer norm, over the labels in id2label.
class VitFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return false; }
  HeadKind default_head() const override { return HeadKind::SequenceClassification; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m;
    m.hidden = f.integer("hidden_size");
    m.layers = f.integer("num_hidden_layers");
    m.heads = f.integer("num_attention_heads");
    m.kv_heads = m.heads;
    m.intermediate = f.integer("intermediate_size");
    m.activation = read_activation(f, "hidden_act", "gelu");
    m.norm = "layernorm";
    const std::int64_t image = f.integer("image_size"), patch = f.integer("patch_size");
    if (image % patch != 0)
      f.fail("patch_size", fmt::format("does not divide image_size {}", image));
    m.options["patches"] = (image / patch) * (image / patch);
    m.options["patch_in"] = f.integer_or("num_channels", 3) * patch * patch;
    m.head_dim = head_width(f, "num_attention_heads", m.heads, m.hidden, "hidden_size");
    return m;
  }

  std::int64_t tokens(const ModelShape& m, std::int64_t) const override {
    return m.option("patches") + 1;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t) const override {
    const std::int64_t h = m.hidden;
    const auto embed = [&](std::int64_t T, std::vector<std::size_t> in) {
      const std::size_t x =
          g.linear("patch_embeddings", m.option("patches"), m.option("patch_in"), h, std::move(in));
      return g.elementwise("embeddings.cls_position_add", "add", T, h, {x});
    };
    const auto layer = [&](std::int64_t T, std::int64_t kv, std::size_t x) {
      const std::size_t y =
          g.pre_norm("layernorm_before", "attention.add", m.norm, T, h, x, [&](std::size_t n) {
            const std::size_t q = g.linear("attention.attention.query", T, h, h, {n});
            const std::size_t k = g.linear("attention.attention.key", T, h, h, {n});
            const std::size_t v = g.linear("attention.attention.value", T, h, h, {n});
            const std::size_t ctx = g.attention("attention.attention.", m, T, kv, false, q, k, v);
            return g.linear("attention.output.dense", T, h, h, {ctx});
          });
      return g.pre_norm("layernorm_after", "output.add", m.norm, T, h, y, [&](std::size_t n) {
        return g.ffn({"intermediate.dense", "intermediate.act", "output.dense"}, m.activation, T, h,
                     m.intermediate, n);
      });
    };
    g.encoder(m, tokens, embed, layer, "layernorm");
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"vit", "Vision transformer encoder (patch linear, pre-norm) with a classifier",
                  [] { return std::unique_ptr<WorkloadFamily>(new VitFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
