#include "models/riscv/kernels.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

// Attention's Q K^T ("scores") and softmax(.) V ("values") per head: a chunk of query rows at
// their average number of keys, K or V of each head resident in L1, keys in blocks when a head
// does not fit, query rows in blocks too when even one key does not fit (attention_cost).
class MatmulCost final : public DigitalOpCost {
 public:
  DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                   std::int64_t end) const override {
    const std::int64_t rows = end - first;
    const std::int64_t avg_keys = (attended_keys(op, first, end) + rows - 1) / rows;
    const bool scores = op.variant == "scores";
    return cost_of_kernel(p, attention_cost(p, scores, rows, avg_keys, op.head_dim, op.heads,
                                            op.block + "." + op.name));
  }
  bool splits_heads() const override { return true; }
};

}  // namespace

AIMCSIM_REGISTER(DigitalCostRegistry,
                 {"matmul", "attention Q K^T and softmax(.) V per head",
                  [] { return std::unique_ptr<DigitalOpCost>(new MatmulCost()); }, nullptr});

}  // namespace aimcsim
