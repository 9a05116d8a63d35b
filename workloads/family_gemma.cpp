#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// Gemma (HF GemmaForCausalLM, Gemma Team 2024): LLaMA's decoder with an explicit head_dim
// (heads x head_dim need not equal hidden_size), a GeGLU MLP (hidden_activation, else
// hidden_act: gelu_pytorch_tanh), multi-query attention in the 2B model, and the embedding
// scaled by sqrt(hidden_size) (one element-wise multiply).
class GemmaFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_llama_fields(f);
    m.head_dim = f.integer("head_dim");
    m.activation = f.has("hidden_activation") ? read_activation(f, "hidden_activation", "gelu")
                                              : read_activation(f, "hidden_act", "gelu");
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    build_llama_style(
        g, m, tokens, decode_steps,
        [&](std::int64_t T, std::size_t x) { return llama_mlp(g, m, T, x); }, true);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"gemma", "Gemma decoder (LLaMA with explicit head_dim, GeGLU, scaled embedding)",
                  [] { return std::unique_ptr<WorkloadFamily>(new GemmaFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
