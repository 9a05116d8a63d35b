#include "sim/digital_cost.hpp"

#include <stdexcept>

namespace aimcsim {

std::int64_t attended_keys(const Operator& op, std::int64_t first, std::int64_t end) {
  if (!op.causal) return (end - first) * op.kv_tokens;
  // Row i (0-based within this operator's tokens) sees offset + i + 1 keys, where the offset is
  // what the cache held before these tokens.
  const std::int64_t offset = op.kv_tokens - op.tokens;
  const std::int64_t rows = end - first;
  return rows * offset + (end * (end + 1) - first * (first + 1)) / 2;
}

namespace {

std::int64_t passes(const Operator& op) {
  if (op.kind == OpKind::Softmax) return 4;
  if (op.kind == OpKind::Norm) return op.variant == "layernorm" ? 5 : op.variant == "rmsnorm" ? 4 : 2;
  if (op.kind == OpKind::Activation) return op.variant == "gelu" ? 8 : op.variant == "silu" ? 4 : 1;
  return 1;  // add, mul
}

DigitalCost from_kernels(const PmcaParams& p, std::int64_t cycles, std::int64_t lane_ops, std::int64_t l1_bytes,
                         std::int64_t dma_bytes) {
  DigitalCost c;
  c.duration = ns_to_ps(cycles_to_ns(static_cast<double>(cycles), p.freq_hz));
  c.energy.add("pmca.compute", p.e_fma_pj * static_cast<double>(lane_ops));
  c.energy.add("pmca.l1", p.e_l1_byte_pj * static_cast<double>(l1_bytes));
  c.energy.add("pmca.dma", p.e_dma_byte_pj * static_cast<double>(dma_bytes));
  return c;
}

}  // namespace

DigitalCost digital_op_cost(const PmcaParams& p, const Operator& op, std::int64_t first, std::int64_t end) {
  const std::int64_t rows = end - first;
  if (rows <= 0) return {};
  switch (op.kind) {
    case OpKind::Matmul: {
      // Per head: scores (rows x keys x head_dim) or context (rows x head_dim x keys), with the
      // keys averaged over the rows for a causal mask.
      const std::int64_t keys = attended_keys(op, first, end);
      const std::int64_t avg_keys = (keys + rows - 1) / rows;
      const KernelCost k = op.variant == "scores" ? gemm_cost(p, rows, avg_keys, op.head_dim)
                                                  : gemm_cost(p, rows, op.head_dim, avg_keys);
      return from_kernels(p, op.heads * k.cycles, op.heads * k.lane_ops, op.heads * k.l1_bytes, 0);
    }
    case OpKind::Softmax: {
      const std::int64_t keys = attended_keys(op, first, end);
      const KernelCost k = add_cost(p, op.heads * passes(op), keys);
      return from_kernels(p, k.cycles, k.lane_ops, k.l1_bytes, 0);
    }
    case OpKind::Norm:
    case OpKind::Activation:
    case OpKind::Elementwise: {
      const KernelCost k = add_cost(p, rows * passes(op), op.width);
      return from_kernels(p, k.cycles, k.lane_ops, k.l1_bytes, 0);
    }
    case OpKind::Embedding: {
      const std::int64_t bytes = rows * op.width * p.elem_bytes;
      const std::int64_t cycles =
          p.dma_setup_cycles + static_cast<std::int64_t>(static_cast<double>(bytes) / p.dma_bytes_per_cycle + 0.999999);
      return from_kernels(p, cycles, 0, bytes, bytes);
    }
    case OpKind::Linear: break;
  }
  throw std::logic_error("digital_op_cost called on a linear operator");
}

}  // namespace aimcsim
