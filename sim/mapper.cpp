#include "sim/mapper.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/error.hpp"

namespace aimcsim {

OpTiming op_timing(const PlatformParams& p, const LinearOp& op, std::int64_t chunk) {
  const TileSplit split = split_layer(p.tile, op.in, op.out);
  const MvmStages s = layer_stages(p.tile, split);
  OpTiming t;
  t.mvm_latency = s.total();
  t.mvm_period = s.period(p.tile.pipelined());
  const LinkParams link = p.link;
  t.transfer = [link](std::int64_t bytes) { return transfer_ps(link, bytes); };
  t.serialisation = [link](std::int64_t bytes) { return serialisation_ps(link, bytes); };
  if (p.net.topology != "p2p") {
    // On a bus one arbitration, on a mesh the PMCA is the next node: two routers.
    const Picos hops = ns_to_ps(p.net.hop_latency_ns) * (p.net.topology == "mesh" ? 2 : 1);
    const double bw = p.net.bandwidth_Bps();
    t.serialisation = [bw](std::int64_t bytes) { return ns_to_ps(static_cast<double>(bytes) * 1e9 / bw); };
    t.transfer = [bw, hops](std::int64_t bytes) { return hops + ns_to_ps(static_cast<double>(bytes) * 1e9 / bw); };
  }
  const PmcaParams pmca = p.pmca;
  const std::int64_t in = op.in, out = op.out, rank = op.rank;
  const std::int64_t sums = p.tile.reduction == "pmca" ? split.row_blocks() : 1;
  t.pmca_chunk = [pmca, in, out, rank, sums](std::int64_t n) {
    return pmca_reduce_ps(pmca, n, out, sums) + lora_chunk_cost(pmca, n, in, out, rank).duration;
  };
  t.tokens = op.tokens;
  t.chunk = chunk;
  t.out_bytes_per_token = sums * output_bytes(p.tile, op.out);
  return t;
}

std::vector<std::int64_t> chunk_candidates(std::int64_t tokens) {
  std::vector<std::int64_t> out;
  for (std::int64_t t = 1; t < tokens; t *= 2) out.push_back(t);
  out.push_back(tokens);
  return out;
}

std::vector<OpMapping> map_workload(const Workload& w, const PlatformParams& p,
                                    std::optional<std::int64_t> chunk, const Strategy& strategy) {
  std::vector<OpMapping> out;
  out.reserve(w.ops.size());
  for (const LinearOp& op : w.ops) {
    const std::string where = op.block + "." + op.name;
    OpMapping m;
    m.slot = LayerSlot{op.in, op.out, op.in, op.out, op.rank};
    m.split = split_layer(p.tile, op.in, op.out);
    if (chunk) {
      m.chunk = std::min(*chunk, op.tokens);
    } else {
      Picos best = -1;
      bool best_fits = false;
      for (std::int64_t t : chunk_candidates(op.tokens)) {
        const LoraChunkCost c = lora_chunk_cost(p.pmca, t, op.in, op.out, op.rank);
        if (!c.feasible) continue;
        const bool fits = !c.spilled;
        if (best_fits && !fits) continue;
        const Picos lat = strategy.analytic(op_timing(p, op, t));
        if (best < 0 || (fits && !best_fits) || lat < best) {
          best = lat;
          best_fits = fits;
          m.chunk = t;
        }
      }
    }
    m.chunk_cost = lora_chunk_cost(p.pmca, m.chunk, op.in, op.out, op.rank);
    if (m.chunk == 0 || !m.chunk_cost.feasible)
      throw InputError(fmt::format(
          "{}: the rank-{} adapters of a {}x{} layer ({} bytes) and a one-token buffer do not fit "
          "pmca.l1_size ({} bytes)",
          where, op.rank, op.in, op.out, p.pmca.elem_bytes * op.rank * (op.in + op.out), p.pmca.l1_bytes));
    out.push_back(m);
  }
  return out;
}

Placement place_workload(const std::vector<OpMapping>& mapping, const PlatformParams& p, bool with_pmcas) {
  std::vector<LayerSlot> slots;
  for (const auto& m : mapping) slots.push_back(m.slot);
  return snake_placement(p, slots, with_pmcas);
}

}  // namespace aimcsim
