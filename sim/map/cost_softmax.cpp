#include "models/riscv/kernels.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

// Row softmax of each head's scores, a chunk of rows at their average number of keys.
class SoftmaxCost final : public DigitalOpCost {
 public:
  DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                   std::int64_t end) const override {
    const std::int64_t rows = end - first;
    const std::int64_t avg_keys = (attended_keys(op, first, end) + rows - 1) / rows;
    return cost_of_kernel(p, softmax_cost(p, rows * op.heads, avg_keys));
  }
  bool splits_heads() const override { return true; }
};

}  // namespace

AIMCSIM_REGISTER(DigitalCostRegistry,
                 {"softmax", "row softmax of the attention scores, every head",
                  [] { return std::unique_ptr<DigitalOpCost>(new SoftmaxCost()); }, nullptr});

}  // namespace aimcsim
