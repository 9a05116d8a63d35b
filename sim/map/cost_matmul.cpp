#include <functional>

#include "models/riscv/kernels.hpp"
#include "sim/base/error.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

// A kernel over `keys` keys; when it does not fit L1, the keys go in the largest block that does
// and the blocks' costs add up.
KernelCost over_key_blocks(const std::function<KernelCost(std::int64_t)>& kernel, std::int64_t keys,
                           const Operator& op) {
  KernelCost whole = kernel(keys);
  if (whole.feasible) return whole;
  std::int64_t block = keys;
  KernelCost k;
  do {
    block = (block + 1) / 2;
    k = kernel(block);
  } while (!k.feasible && block > 1);
  if (!k.feasible)
    throw InputError(op.block + "." + op.name +
                     ": not even one key of a head fits pmca.l1_size beside its buffers");
  const std::int64_t full = keys / block, rest = keys % block;
  KernelCost total = k;
  for (std::int64_t b = 1; b < full; ++b) total.accumulate(k);
  if (rest > 0) total.accumulate(kernel(rest));
  return total;
}

// Attention's Q K^T ("scores") and softmax(.) V ("values") per head: a chunk of query rows at
// their average number of keys, K or V of each head resident in L1, keys in blocks when a head
// does not fit (over_key_blocks).
class MatmulCost final : public DigitalOpCost {
 public:
  DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                   std::int64_t end) const override {
    const std::int64_t rows = end - first;
    const std::int64_t avg_keys = (attended_keys(op, first, end) + rows - 1) / rows;
    const bool scores = op.variant == "scores";
    return cost_of_kernel(
        p, over_key_blocks(
               [&](std::int64_t keys) {
                 return scores ? attention_scores_cost(p, rows, keys, op.head_dim, op.heads)
                               : attention_context_cost(p, rows, keys, op.head_dim, op.heads);
               },
               avg_keys, op));
  }
  bool splits_heads() const override { return true; }
};

}  // namespace

AIMCSIM_REGISTER(DigitalCostRegistry,
                 {"matmul", "attention Q K^T and softmax(.) V per head",
                  [] { return std::unique_ptr<DigitalOpCost>(new MatmulCost()); }, nullptr});

}  // namespace aimcsim
