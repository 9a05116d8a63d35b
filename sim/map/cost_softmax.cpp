#include <string>

#include "models/riscv/kernels.hpp"
#include "sim/base/error.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

// Row softmax of each head's scores, a chunk of rows at their average number of keys; rows in
// blocks when they exceed L2 together (over_blocks).
class SoftmaxCost final : public DigitalOpCost {
 public:
  DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                   std::int64_t end) const override {
    const std::int64_t rows = end - first;
    const std::int64_t avg_keys = (attended_keys(op, first, end) + rows - 1) / rows;
    // Rows whose scores exceed L2 together go in blocks (the scores of a flash-attention query
    // block never leave L1).
    const KernelCost k =
        over_blocks([&](std::int64_t r) { return softmax_cost(p, r, avg_keys); }, rows * op.heads);
    if (!k.feasible)
      throw InputError(op.block + "." + op.name + ": not even one row of " +
                       std::to_string(avg_keys) + " scores fits pmca.l1_size");
    return cost_of_kernel(p, k);
  }
  bool splits_heads() const override { return true; }
};

}  // namespace

AIMCSIM_REGISTER(DigitalCostRegistry,
                 {"softmax", "row softmax of the attention scores, every head",
                  [] { return std::unique_ptr<DigitalOpCost>(new SoftmaxCost()); }, nullptr});

}  // namespace aimcsim
