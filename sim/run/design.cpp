#include "sim/run/design.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

Done<Job*> progress_of(const Progress& p) {
  Done<Job*> d;
  for (const auto& c : p) d.emplace_back(c.end, c.job);
  return d;
}

// `deps` extended by a transfer of each chunk's X over `port` (sent once per chunk, when its rows
// are ready); `deps` itself when there is no port.
DepsFn sent_over(JobGraph& graph, Resource* port, std::int64_t bytes_per_token, std::size_t op,
                 DepsFn deps) {
  if (!port) return deps;
  auto sent = std::make_shared<std::map<std::pair<std::int64_t, std::int64_t>, Job*>>();
  return [&graph, port, bytes_per_token, sent, deps, op](std::int64_t f, std::int64_t e) {
    auto it = sent->find({f, e});
    if (it == sent->end()) {
      Job& move = graph.add(*port, op, e - f, (e - f) * bytes_per_token);
      move.role = JobRole::Input;
      depend_all(graph, deps(f, e), move);
      it = sent->emplace(std::make_pair(f, e), &move).first;
    }
    return std::vector<Job*>{it->second};
  };
}

// The jobs of static linear `i`: the strategy's where the hybrid design runs its adapter, the
// tile alone otherwise.
Done<Job*> linear_jobs(const BuiltDesign& d, JobGraph& g, const Workload& w, std::size_t i,
                       const Mapping& mapping, const Strategy& strategy, const DepsFn& deps) {
  const Operator& op = w.ops[i];
  const OpMapping& m = mapping.ops[i];
  Platform& plat = *d.platform;
  if (d.design == Design::AnalogOnly || op.rank == 0)
    return progress_of(schedule_tile_only(g, plat.tile(m.slot), i, op.tokens, m.chunk, deps,
                                          plat.tile_block(m.slot)));
  const OpResources res{plat.tile(m.slot),
                        plat.tile_to_pmca(m.slot),
                        plat.pmca(m.slot),
                        i,
                        plat.tile_block(m.slot),
                        op.tokens,
                        m.chunk,
                        plat.tile_to_pmca_bytes_per_token(m.slot)};
  // Point to point, X reaches the PMCA over a link of its own (the tiles have it in place); on a
  // bus or mesh it arrives with the tiles' multicast.
  const ChunkInputs in{
      deps, sent_over(g, plat.pmca_input(m.slot), plat.input_bytes_per_token(m.slot), i, deps)};
  return progress_of(strategy.schedule(g, res, in));
}

// A digital operator on its host PMCA, chunk by chunk where it follows its input's chunks.
Done<Job*> digital_jobs(const BuiltDesign& d, JobGraph& g, const Workload& w, std::size_t i,
                        const Mapping& mapping, const PlatformParams& params, bool wave,
                        const DepsFn& deps) {
  const Operator& op = w.ops[i];
  const OpMapping& m = mapping.ops[i];
  Done<Job*> done;
  std::int64_t first = 0;
  for (std::int64_t s : digital_chunks(w, i, wave, d.done)) {
    const DigitalCost c = op_digital_cost(params, mapping, i, op, first, first + s);
    Job& job = g.add(d.platform->pmca(m.slot), i, s);
    job.role = JobRole::Digital;
    job.fixed = c.duration;
    job.energy = c.energy;
    depend_all(g, deps(first, first + s), job);
    first += s;
    done.emplace_back(first, &job);
  }
  return done;
}

}  // namespace

BuiltDesign make_design(Design design, const Workload& w, const Mapping& mapping,
                        const PlatformParams& params, const Placement& placement) {
  const bool hybrid = design == Design::Hybrid;
  // Where the design has a PMCA: digital operators in both; adapters in the hybrid design.
  std::vector<bool> pmca_at(mapping.slots.size());
  for (std::size_t s = 0; s < mapping.slots.size(); ++s)
    pmca_at[s] = mapping.slot_runs_digital[s] || (hybrid && mapping.slots[s].rank > 0);
  BuiltDesign d;
  d.design = design;
  d.platform = std::make_unique<Platform>(hybrid ? "hybrid" : "analog_only", params, mapping.slots,
                                          pmca_at, hybrid, &placement);
  d.done.resize(w.ops.size());
  return d;
}

void build_ops(BuiltDesign& d, JobGraph& g, const Workload& w, std::size_t first, std::size_t last,
               const Mapping& mapping, const PlatformParams& params, const Strategy& strategy) {
  g.set_design(d.design);
  const bool wave = strategy.wavefront();
  for (std::size_t i = first; i < last; ++i) {
    const Operator& op = w.ops[i];
    DepsFn deps = [&w, &d, i, wave](std::int64_t f, std::int64_t e) {
      return needed(w, i, wave, d.done, f, e);
    };
    if (op.kind == OpKind::Linear) {
      // On a bus or mesh a layer's input travels from the previous layer to its tiles (and its
      // PMCA, multicast).
      const std::size_t slot = mapping.ops[i].slot;
      deps =
          sent_over(g, d.platform->input(slot), d.platform->input_bytes_per_token(slot), i, deps);
      d.done[i] = linear_jobs(d, g, w, i, mapping, strategy, deps);
    } else {
      d.done[i] = digital_jobs(d, g, w, i, mapping, params, wave, deps);
    }
  }
}

std::vector<std::pair<std::size_t, std::size_t>> block_phases(const Workload& w) {
  const std::size_t end = w.shared_steps ? w.decode_first : w.ops.size();
  if (!w.block_phases || end == 0) return {{0, end}};
  struct Phase {
    std::size_t first, last;
    std::int64_t reads;  // the earliest operator it reads; -1: one that waits for nothing
  };
  std::vector<Phase> phases;
  for (std::size_t i = 0; i < end;) {
    Phase p{i, i + 1, static_cast<std::int64_t>(i)};
    while (p.last < end && w.ops[p.last].block == w.ops[i].block) ++p.last;
    for (std::size_t k = i; k < p.last; ++k) {
      const Operator& op = w.ops[k];
      if (op.inputs.empty()) p.reads = -1;
      for (std::size_t in : op.inputs)
        p.reads = std::min(p.reads, in < k ? static_cast<std::int64_t>(in) : -1);
    }
    phases.push_back(p);
    while (phases.size() > 1 &&
           phases.back().reads < static_cast<std::int64_t>(phases[phases.size() - 2].first)) {
      const Phase last = phases.back();
      phases.pop_back();
      phases.back().last = last.last;
      phases.back().reads = std::min(phases.back().reads, last.reads);
    }
    i = p.last;
  }
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const Phase& p : phases) out.emplace_back(p.first, p.last);
  return out;
}

}  // namespace aimcsim
