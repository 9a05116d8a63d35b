#include <fmt/format.h>

#include <algorithm>

#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// Qwen2-MoE (HF Qwen2MoeForCausalLM; Qwen1.5-MoE): Qwen2's decoder whose MLP, in every
// decoder_sparse_step-th layer not listed in mlp_only_layers, is a Mixture-of-Experts of
// num_experts SwiGLU experts of moe_intermediate_size (num_experts_per_tok per token) beside a
// shared expert of shared_expert_intermediate_size that every token runs, scaled by a sigmoid
// gate (shared_expert_gate, hidden -> 1; the sigmoid is costed as the silu kernel, which
// computes it). Other layers have a dense MLP of intermediate_size.
class Qwen2MoeFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return true; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m = read_llama_fields(f);
    m.window = read_window(f, false);
    m.window_from_layer = f.integer_or("max_window_layers", 28);
    m.experts = f.integer("num_experts");
    m.experts_per_token = f.integer("num_experts_per_tok");
    m.expert_intermediate = f.integer("moe_intermediate_size");
    if (m.experts_per_token > m.experts)
      f.fail("num_experts_per_tok", fmt::format("exceeds num_experts {}", m.experts));
    m.options["shared_expert"] = f.integer_or("shared_expert_intermediate_size", 0);
    m.options["sparse_step"] = f.integer_or("decoder_sparse_step", 1);
    // Dense layers: flags "dense.<layer>".
    for (std::int64_t l : f.integers_or_empty("mlp_only_layers"))
      m.options[fmt::format("dense.{}", l)] = 1;
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t decode_steps) const override {
    MoeNames names;
    names.router = "mlp.gate";
    names.router_softmax = "mlp.softmax";
    names.experts = "mlp.experts.";
    names.expert = FfnNames{"up_proj", "act", "down_proj", "gate_proj", "gate_mul"};
    names.combine = "mlp.combine";
    const std::int64_t h = m.hidden, shared = m.option("shared_expert");
    const std::int64_t step = std::max<std::int64_t>(1, m.option("sparse_step"));
    const auto mlp = [&](std::int64_t T, std::size_t x) {
      const std::int64_t l = g.layer();
      if (m.option(fmt::format("dense.{}", l)) || (l + 1) % step != 0) return llama_mlp(g, m, T, x);
      const std::size_t routed = g.moe(names, m, T, x);
      if (shared == 0) return routed;
      const std::size_t s = g.ffn(
          {"mlp.shared_expert.up_proj", "mlp.shared_expert.act", "mlp.shared_expert.down_proj",
           "mlp.shared_expert.gate_proj", "mlp.shared_expert.gate_mul"},
          m.activation, T, h, shared, x);
      std::size_t gate = g.linear("mlp.shared_expert_gate", T, h, 1, {x});
      gate = g.unary(OpKind::Activation, "mlp.shared_expert_gate.sigmoid", "silu", T, 1, {gate});
      const std::size_t scaled = g.elementwise("mlp.shared_expert.scale", "mul", T, h, {s, gate});
      return g.elementwise("mlp.shared_expert.add", "add", T, h, {routed, scaled});
    };
    build_llama_style(g, m, tokens, decode_steps, mlp);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"qwen2_moe", "Qwen2-MoE decoder (routed experts beside a gated shared expert)",
                  [] { return std::unique_ptr<WorkloadFamily>(new Qwen2MoeFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
