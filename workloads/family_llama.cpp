#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// LLaMA (HF LlamaForCausalLM): a pre-RMS-norm decoder with grouped-query attention, a gated
// (SwiGLU) FFN and an LM head on the last position; rotary embeddings are not costed.
class LlamaFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override { return read_llama_fields(f); }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    build_llama_style(g, m, tokens, decode_steps,
                      [&](std::int64_t T, std::size_t x) { return llama_mlp(g, m, T, x); });
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"llama",
                  "LLaMA decoder (RMS norm, grouped-query attention, SwiGLU) with an LM head",
                  [] { return std::unique_ptr<WorkloadFamily>(new LlamaFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
