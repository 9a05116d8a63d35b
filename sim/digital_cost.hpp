#pragma once
#include <cstdint>

#include "models/riscv/pmca_model.hpp"
#include "sim/energy.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// The PMCA's cost of rows [first, end) of a digital operator (attention matmuls, softmax, norms,
// activations, element-wise ops, embedding lookups), from the cluster's kernel models.
// Simplification: softmax, norms and activations are costed as a number of element-wise passes
// over their input (softmax 4: max, exp, sum, divide; layer norm 5; RMS norm 4; NoNorm 2; GELU
// 8; SiLU 4; ReLU 1); an embedding lookup is a DMA copy of the rows.
struct DigitalCost {
  Picos duration = 0;
  EnergyBreakdown energy;
};

DigitalCost digital_op_cost(const PmcaParams& p, const Operator& op, std::int64_t first, std::int64_t end);

// Keys each query row in [first, end) attends to, summed: all `kv_tokens` without a causal
// mask; with one, row i of the prompt sees the cache plus rows up to itself.
std::int64_t attended_keys(const Operator& op, std::int64_t first, std::int64_t end);

}  // namespace aimcsim
