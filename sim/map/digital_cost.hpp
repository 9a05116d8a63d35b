#pragma once
#include <cstdint>

#include "models/riscv/kernels.hpp"
#include "models/riscv/pmca_model.hpp"
#include "sim/base/energy.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// The PMCA's cost of rows [first, end) of a digital operator (attention matmuls, softmax, norms,
// activations, element-wise ops, embedding lookups), from the cluster's kernel models
// (models/riscv/kernels.hpp). Simplifications: a causal attention chunk is costed at its rows'
// average number of keys; when a head's K or V does not fit L1 the keys are processed in blocks
// that do (flash-attention style), each block costed as a kernel of its own; RMS norm is costed
// as a layer norm; an embedding lookup is a DMA copy of the rows.
struct DigitalCost {
  Picos duration = 0;
  EnergyBreakdown energy;
};

DigitalCost digital_op_cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                            std::int64_t end);
// The same on a group of `clusters` PMCAs: attention splits its heads over them, other operators
// their rows; the group takes as long as its busiest cluster, the energy adds up.
DigitalCost digital_group_cost(const PmcaParams& p, std::int64_t clusters, const Operator& op,
                               std::int64_t first, std::int64_t end);

// Keys each query row in [first, end) attends to, summed: all `kv_tokens` without a causal
// mask; with one, row i of the prompt sees the cache plus rows up to itself.
std::int64_t attended_keys(const Operator& op, std::int64_t first, std::int64_t end);

}  // namespace aimcsim
