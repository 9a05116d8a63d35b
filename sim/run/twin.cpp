#include "sim/run/twin.hpp"

#include <algorithm>

#include "sim/map/digital_cost.hpp"
#include "sim/run/dataflow.hpp"

namespace aimcsim {

std::vector<Picos> twin_latencies(const Workload& w, std::size_t first_op, std::size_t last_op,
                                  const Mapping& mapping, const PlatformParams& params,
                                  const Strategy& strategy,
                                  const std::vector<Done<Picos>>& simulated) {
  const bool wave = strategy.wavefront();
  std::vector<Picos> out;
  out.reserve(last_op - first_op);
  Done<Picos> twin;
  for (std::size_t i = first_op; i < last_op; ++i) {
    twin.clear();
    const Operator& op = w.ops[i];
    const OpMapping& m = mapping.ops[i];
    const auto release = [&, i](std::int64_t f, std::int64_t e) {
      Picos t = 0;
      for (Picos x : needed(w, i, wave, simulated, f, e)) t = std::max(t, x);
      return t;
    };
    // The operator is ready when its first chunk may start, as in the simulation.
    const std::int64_t first_chunk = op.kind == OpKind::Linear
                                         ? std::min(op.tokens, m.chunk)
                                         : digital_chunks(w, i, wave, simulated).front();
    const Picos twin_ready = release(0, std::max<std::int64_t>(first_chunk, 1));
    if (op.kind == OpKind::Linear) {
      const OpTiming t = op_timing(params, op, m.chunk, mapping.slots[m.slot].clusters);
      const std::vector<Picos> ends =
          op.rank == 0 ? tile_only_analytic(t, release) : strategy.analytic(t, release);
      const auto sizes = chunk_sizes(op.tokens, m.chunk);
      std::int64_t rows = 0;
      for (std::size_t c = 0; c < sizes.size(); ++c) twin.emplace_back(rows += sizes[c], ends[c]);
    } else {
      const std::vector<std::int64_t> sizes = digital_chunks(w, i, wave, simulated);
      Picos free = 0;
      std::int64_t first = 0;
      for (std::int64_t s : sizes) {
        free = std::max(free, release(first, first + s)) +
               op_digital_cost(params, mapping, i, op, first, first + s).duration;
        twin.emplace_back(first += s, free);
      }
    }
    out.push_back(twin.back().second - twin_ready);
  }
  return out;
}

}  // namespace aimcsim
