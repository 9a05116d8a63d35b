#include "models/riscv/kernels.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

// A residual add or a gating multiply: one element-wise kernel of two operands.
class ElementwiseCost final : public DigitalOpCost {
 public:
  DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                   std::int64_t end) const override {
    return cost_of_kernel(p, add_cost(p, end - first, op.width));
  }
};

}  // namespace

AIMCSIM_REGISTER(DigitalCostRegistry,
                 {"elementwise", "residual add or gating multiply",
                  [] { return std::unique_ptr<DigitalOpCost>(new ElementwiseCost()); }, nullptr});

}  // namespace aimcsim
