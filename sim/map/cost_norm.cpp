#include "models/riscv/kernels.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

// Layer norm and RMS norm (costed as a layer norm), or MobileBERT's NoNorm.
class NormCost final : public DigitalOpCost {
 public:
  DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                   std::int64_t end) const override {
    const std::int64_t rows = end - first;
    return cost_of_kernel(p, op.variant == "nonorm" ? no_norm_cost(p, rows, op.width)
                                                    : layer_norm_cost(p, rows, op.width));
  }
};

}  // namespace

AIMCSIM_REGISTER(DigitalCostRegistry,
                 {"norm", "layer norm, RMS norm (as a layer norm), NoNorm",
                  [] { return std::unique_ptr<DigitalOpCost>(new NormCost()); }, nullptr});

}  // namespace aimcsim
