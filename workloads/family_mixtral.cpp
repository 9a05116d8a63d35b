#include <fmt/format.h>

#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// Mixtral (HF MixtralForCausalLM, Jiang et al. 2024): Mistral's decoder whose MLP is a sparse
// Mixture-of-Experts: a router (block_sparse_moe.gate) picks num_experts_per_tok of
// num_local_experts SwiGLU experts (w1 gate, w3 up, w2 down) per token (moe.routing says how
// tokens spread), and their outputs are summed with the router's weights. Every expert's
// weights sit on tiles; only routed tokens run through them.
class MixtralFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_llama_fields(f);
    m.window = read_window(f);
    m.experts = f.integer("num_local_experts");
    m.experts_per_token = f.integer_or("num_experts_per_tok", 2);
    m.expert_intermediate = m.intermediate;
    if (m.experts_per_token > m.experts)
      f.fail("num_experts_per_tok", fmt::format("exceeds num_local_experts {}", m.experts));
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    MoeNames names;
    names.router = "block_sparse_moe.gate";
    names.router_softmax = "block_sparse_moe.softmax";
    names.experts = "block_sparse_moe.experts.";
    names.expert = FfnNames{"w3", "act", "w2", "w1", "gate_mul"};
    names.combine = "block_sparse_moe.combine";
    build_llama_style(g, m, tokens, decode_steps,
                      [&](std::int64_t T, std::size_t x) { return g.moe(names, m, T, x); });
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"mixtral", "Mixtral decoder (Mistral with a sparse Mixture-of-Experts MLP)",
                  [] { return std::unique_ptr<WorkloadFamily>(new MixtralFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
