#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// Mistral (HF MistralForCausalLM, Jiang et al. 2023): LLaMA's decoder with sliding-window
// attention: each query sees at most sliding_window keys, and the KV cache keeps only the last
// sliding_window positions (null: full attention).
class MistralFamily final : public LlamaStyleFamily {
 public:
  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_llama_fields(f);
    m.window = read_window(f);
    return m;
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"mistral", "Mistral decoder (LLaMA with sliding-window attention)",
                  [] { return std::unique_ptr<WorkloadFamily>(new MistralFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
