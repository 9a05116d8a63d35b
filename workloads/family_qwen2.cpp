#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// Qwen2 (HF Qwen2ForCausalLM): LLaMA's decoder with biases on the Q, K and V projections
// (added in the tiles' post-processing, as every linear's bias) and, when use_sliding_window
// (default false), sliding-window attention in the layers from max_window_layers on.
class Qwen2Family final : public LlamaStyleFamily {
 public:
  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_llama_fields(f);
    m.window = read_window(f, false);
    m.window_from_layer = f.integer_or("max_window_layers", 28);  // HF Qwen2Config default
    return m;
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"qwen2", "Qwen2 decoder (LLaMA with QKV biases, optional sliding window)",
                  [] { return std::unique_ptr<WorkloadFamily>(new Qwen2Family()); }, nullptr});

}  // namespace
}  // namespace aimcsim
