#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// LLaMA (HF LlamaForCausalLM): a pre-RMS-norm decoder with grouped-query attention, a gated
// (SwiGLU) FFN and an LM head on the last position; rotary embeddings are not costed.
class LlamaFamily final : public LlamaStyleFamily {
 public:
  ModelShape read(const ConfigFields& f) const override { return read_llama_fields(f); }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"llama",
                  "LLaMA decoder (RMS norm, grouped-query attention, SwiGLU) with an LM head",
                  [] { return std::unique_ptr<WorkloadFamily>(new LlamaFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
