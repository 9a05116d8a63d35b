#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>

#include "models/riscv/kernels.hpp"
#include "models/riscv/pmca_model.hpp"
#include "sim/base/energy.hpp"
#include "sim/base/memo.hpp"
#include "sim/base/registry.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// The PMCA's time and dynamic energy for a piece of a digital operator.
struct DigitalCost {
  Picos duration = 0;
  EnergyBreakdown energy;
};

// What a digital operator kind (attention matmuls, softmax, norms, activations, element-wise ops,
// embedding lookups) costs on a PMCA, from the cluster's kernel models (models/riscv/kernels.hpp).
// One implementation per operator kind, each in its own file (sim/map/cost_*.cpp), registered
// under op_kind_name(kind); a variant can have a cost of its own, registered as "kind:variant"
// (e.g. "norm:rmsnorm"), which then takes precedence for operators of that variant.
class DigitalOpCost {
 public:
  virtual ~DigitalOpCost() = default;
  // Contract: time and dynamic energy of rows [first, end) (first < end <= op.tokens) of `op`,
  // whose kind is the one this implementation is registered for, on one cluster `p`. A shape the
  // cluster cannot hold even when staged throws InputError naming the operator.
  virtual DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                           std::int64_t end) const = 0;
  // Contract: whether a group of PMCAs splits this operator by heads (true) or by rows.
  virtual bool splits_heads() const { return false; }
};

using DigitalCostRegistry = Registry<DigitalOpCost>;

// The cost of rows [first, end) of a digital operator, through the registry. Simplifications (in
// the implementations): a causal attention chunk is costed at its rows' average number of keys;
// when a head's K or V does not fit L1 the keys are processed in blocks that do (flash-attention
// style), each block costed as a kernel of its own; RMS norm is costed as a layer norm; an
// embedding lookup is a DMA copy of the rows.
DigitalCost digital_op_cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                            std::int64_t end);
// The same on a group of `clusters` PMCAs: attention splits its heads over them, other operators
// their rows; the group takes as long as its busiest cluster, the energy adds up.
DigitalCost digital_group_cost(const PmcaParams& p, std::int64_t clusters, const Operator& op,
                               std::int64_t first, std::int64_t end);
// While one exists for a PmcaParams, digital_group_cost of that object is computed once per
// operator shape (kind, variant, tokens, heads, head size, keys, mask, window, width), rows and
// clusters: a run creates one for its platform's PMCA parameters.
using DigitalCostKey = std::tuple<int, std::string, std::array<std::int64_t, 10>, bool>;
using DigitalCostMemo = RunMemo<PmcaParams, DigitalCostKey, DigitalCost>;

// Keys each query row in [first, end) attends to, summed: all `kv_tokens` without a causal
// mask; with one, row i of the prompt sees the cache plus rows up to itself, at most op.window
// keys under a sliding window.
std::int64_t attended_keys(const Operator& op, std::int64_t first, std::int64_t end);

// `kernel(n)` when it is feasible; otherwise n in the largest blocks (n/2, n/4, ... rounded up)
// whose kernel is, the blocks' costs added up (the last block holds the rest). The result is not
// feasible when not even a block of 1 is.
KernelCost over_blocks(const std::function<KernelCost(std::int64_t)>& kernel, std::int64_t n);

// Attention's Q K^T (`scores`) or softmax(.) V for q_tokens query rows over kv_tokens keys, per
// head: the kernel of models/riscv/kernels.hpp when a head's K or V fits L1 beside its buffers;
// otherwise the keys go in the largest block that does, and when not even one key fits beside
// all the query rows (their staged rows exceed L2), the rows go in blocks too, each block
// streaming every key block again (flash-attention style: K and V reloaded per query block).
// Throws InputError naming `where` when not even one key and one row fit. The run and
// `aimcsim kernel attention_*` both cost attention with this.
KernelCost attention_cost(const PmcaParams& p, bool scores, std::int64_t q_tokens,
                          std::int64_t kv_tokens, std::int64_t head_dim, std::int64_t heads,
                          const std::string& where);
// A kernel's cycles at the cluster clock, with its energy.
DigitalCost cost_of_kernel(const PmcaParams& p, const KernelCost& k);

}  // namespace aimcsim
