#include "sim/map/digital_cost.hpp"

#include <functional>
#include <stdexcept>

#include "sim/base/error.hpp"

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

DigitalCost from_kernel(const PmcaParams& p, const KernelCost& k) {
  return {ns_to_ps(cycles_to_ns(static_cast<double>(k.cycles), p.freq_hz)), k.energy};
}

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

}  // namespace

DigitalCost digital_op_cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                            std::int64_t end) {
  const std::int64_t rows = end - first;
  if (rows <= 0) return {};
  switch (op.kind) {
    case OpKind::Matmul:
    case OpKind::Softmax: {
      const std::int64_t avg_keys = (attended_keys(op, first, end) + rows - 1) / rows;
      if (op.kind == OpKind::Softmax)
        return from_kernel(p, softmax_cost(p, rows * op.heads, avg_keys));
      const bool scores = op.variant == "scores";
      return from_kernel(
          p, over_key_blocks(
                 [&](std::int64_t keys) {
                   return scores ? attention_scores_cost(p, rows, keys, op.head_dim, op.heads)
                                 : attention_context_cost(p, rows, keys, op.head_dim, op.heads);
                 },
                 avg_keys, op));
    }
    case OpKind::Norm:
      return from_kernel(p, op.variant == "nonorm" ? no_norm_cost(p, rows, op.width)
                                                   : layer_norm_cost(p, rows, op.width));
    case OpKind::Activation:
      return from_kernel(p, activation_cost(p, parse_activation(op.variant), rows, op.width));
    case OpKind::Elementwise:
      return from_kernel(p, add_cost(p, rows, op.width));
    case OpKind::Embedding: {
      const std::int64_t bytes = rows * op.width * p.elem_bytes;
      DigitalCost c;
      c.duration = ns_to_ps(cycles_to_ns(
          static_cast<double>(dma_cycles(p, rows, op.width * p.elem_bytes)), p.freq_hz));
      c.energy.add("pmca.dma", p.e_dma_byte_pj * static_cast<double>(bytes));
      return c;
    }
    case OpKind::Linear:
      break;
  }
  throw std::logic_error("digital_op_cost called on a linear operator");
}

DigitalCost digital_group_cost(const PmcaParams& p, std::int64_t clusters, const Operator& op,
                               std::int64_t first, std::int64_t end) {
  const std::int64_t rows = end - first;
  const bool by_heads = op.kind == OpKind::Matmul || op.kind == OpKind::Softmax;
  const std::int64_t units = by_heads ? op.heads : rows;
  if (clusters <= 1 || units <= 1) return digital_op_cost(p, op, first, end);
  const std::int64_t per = (units + clusters - 1) / clusters;
  Operator part = op;
  DigitalCost c;
  if (by_heads) {
    part.heads = per;
    c = digital_op_cost(p, part, first, end);
  } else {
    c = digital_op_cost(p, op, first, first + per);
  }
  // Energy of all the work: the busiest cluster's share scaled to the whole.
  const double scale = static_cast<double>(units) / static_cast<double>(per);
  EnergyBreakdown e;
  for (const auto& [name, pj] : c.energy.items()) e.add(name, pj * scale);
  c.energy = e;
  return c;
}

}  // namespace aimcsim
