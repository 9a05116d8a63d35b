#include "models/riscv/kernels.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

// An element-wise activation (relu, gelu, silu).
class ActivationCost final : public DigitalOpCost {
 public:
  DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                   std::int64_t end) const override {
    return cost_of_kernel(p,
                          activation_cost(p, parse_activation(op.variant), end - first, op.width));
  }
};

}  // namespace

AIMCSIM_REGISTER(DigitalCostRegistry,
                 {"activation", "relu, gelu, silu element-wise",
                  [] { return std::unique_ptr<DigitalOpCost>(new ActivationCost()); }, nullptr});

}  // namespace aimcsim
