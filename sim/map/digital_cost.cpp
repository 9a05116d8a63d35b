#include "sim/map/digital_cost.hpp"

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>

#include "sim/base/error.hpp"

namespace aimcsim {

std::int64_t attended_keys(const Operator& op, std::int64_t first, std::int64_t end) {
  if (!op.causal) return (end - first) * op.kv_tokens;
  // Row i (0-based within this operator's tokens) sees offset + i + 1 keys, where the offset is
  // what the cache held before these tokens; a sliding window caps that at op.window.
  const std::int64_t offset = op.kv_tokens - op.tokens;
  const std::int64_t a = offset + first + 1, b = offset + end;  // keys of the first, last row
  const auto sum = [](std::int64_t lo, std::int64_t hi) {       // lo + ... + hi
    return hi < lo ? 0 : (lo + hi) * (hi - lo + 1) / 2;
  };
  if (op.window <= 0 || b <= op.window) return sum(a, b);
  if (a >= op.window) return (b - a + 1) * op.window;
  return sum(a, op.window) + (b - op.window) * op.window;
}

KernelCost over_blocks(const std::function<KernelCost(std::int64_t)>& kernel, std::int64_t n) {
  KernelCost whole = kernel(n);
  if (whole.feasible) return whole;
  std::int64_t block = n;
  KernelCost k;
  do {
    block = (block + 1) / 2;
    k = kernel(block);
  } while (!k.feasible && block > 1);
  if (!k.feasible) return k;
  KernelCost total = k;
  for (std::int64_t b = 1; b < n / block; ++b) total.accumulate(k);
  if (n % block > 0) total.accumulate(kernel(n % block));
  return total;
}

KernelCost attention_cost(const PmcaParams& p, bool scores, std::int64_t q_tokens,
                          std::int64_t kv_tokens, std::int64_t head_dim, std::int64_t heads,
                          const std::string& where) {
  // Query rows against every key, the keys in blocks when a head's K or V does not fit; when not
  // even one key fits beside all the rows, the rows go in blocks too, and each row block streams
  // every key block through L1 again (flash-attention's outer loop over query blocks).
  const KernelCost k = over_blocks(
      [&](std::int64_t q) {
        return over_blocks(
            [&](std::int64_t keys) {
              return scores ? attention_scores_cost(p, q, keys, head_dim, heads)
                            : attention_context_cost(p, q, keys, head_dim, heads);
            },
            kv_tokens);
      },
      q_tokens);
  if (!k.feasible)
    throw InputError(where + ": not even one key of a head fits pmca.l1_size beside its buffers");
  return k;
}

DigitalCost cost_of_kernel(const PmcaParams& p, const KernelCost& k) {
  return {ns_to_ps(cycles_to_ns(static_cast<double>(k.cycles), p.freq_hz)), k.energy};
}

namespace {
// The cost registered for "kind:variant" (a variant costed on its own), else for "kind"; one
// instance per name, created on first use.
const DigitalOpCost& cost_model(const Operator& op) {
  static std::map<std::string, std::unique_ptr<DigitalOpCost>> models;
  const DigitalCostRegistry& registry = DigitalCostRegistry::instance();
  std::string name = std::string(op_kind_name(op.kind)) + ":" + op.variant;
  if (!registry.has(name)) name = op_kind_name(op.kind);
  auto it = models.find(name);
  if (it == models.end()) {
    if (!registry.has(name))
      throw std::logic_error("no digital cost registered for operator kind " + name);
    it = models.emplace(name, registry.create(name)).first;
  }
  return *it->second;
}
}  // namespace

DigitalCost digital_op_cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                            std::int64_t end) {
  if (end - first <= 0) return {};
  return cost_model(op).cost(p, op, first, end);
}

namespace {
DigitalCost digital_group_cost_uncached(const PmcaParams& p, std::int64_t clusters,
                                        const Operator& op, std::int64_t first, std::int64_t end) {
  const std::int64_t rows = end - first;
  const bool by_heads = cost_model(op).splits_heads();
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
  c.energy = c.energy.scaled(scale);
  return c;
}

}  // namespace

DigitalCost digital_group_cost(const PmcaParams& p, std::int64_t clusters, const Operator& op,
                               std::int64_t first, std::int64_t end) {
  const DigitalCostKey key{static_cast<int>(op.kind),
                           op.variant,
                           {op.tokens, op.heads, op.kv_heads, op.head_dim, op.kv_tokens, op.window,
                            op.width, first, end, clusters},
                           op.causal};
  return DigitalCostMemo::get(
      p, key, [&] { return digital_group_cost_uncached(p, clusters, op, first, end); });
}

}  // namespace aimcsim
