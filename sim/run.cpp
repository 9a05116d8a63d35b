#include "sim/run.hpp"

#include <algorithm>

#include "platform/platform.hpp"
#include "sim/engine.hpp"
#include "sim/mapper.hpp"
#include "sim/strategy.hpp"

namespace aimcsim {

void PipelineParams::bind(ParamBinder<PipelineParams>& b) {
  using P = PipelineParams;
  b.choice("pipeline.strategy", &P::strategy, StrategyRegistry::instance().names(), "token-pipelined")
      .desc("how a layer's tile, link and PMCA work overlap");
  b.integer_or_auto("pipeline.chunk_tokens", &P::chunk_tokens, "auto").range(1, 1 << 20)
      .desc("tokens per chunk t, or auto to pick per layer the fastest t that fits L1");
}

Schema build_schema() {
  Schema s;
  WorkloadParams::declare(s);
  PlatformParams::declare(s);
  PipelineParams::declare(s);
  return s;
}

namespace {

// Per-op accumulation over the jobs of one design.
struct Tally {
  Picos end = 0;
  Picos busy[3] = {0, 0, 0};  // aimc, transfer, pmca
  EnergyBreakdown energy;
};

int kind_index(const std::string& kind) {
  if (kind == "aimc") return 0;
  if (kind == "transfer") return 1;
  return 2;
}

std::vector<Tally> tally(const JobGraph& g, const std::vector<bool>& is_hybrid, std::size_t ops, bool hybrid) {
  std::vector<Tally> t(ops);
  for (const Job& job : g.jobs()) {
    if (is_hybrid[job.id] != hybrid) continue;
    Tally& x = t[job.op];
    x.end = std::max(x.end, job.end);
    x.busy[kind_index(job.resource->resource_kind())] += job.busy;
    x.energy.add(job.energy);
  }
  return t;
}

}  // namespace

RunResult simulate(const Config& cfg) {
  const PlatformParams params = PlatformParams::from(cfg);
  RunResult r;
  r.workload = build_workload(WorkloadParams::from(cfg));
  const PipelineParams pipeline = PipelineParams::from(cfg);
  r.strategy = pipeline.strategy;
  const auto strategy = StrategyRegistry::instance().create(r.strategy);
  const std::vector<OpMapping> mapping = map_workload(
      r.workload, params,
      pipeline.chunk_tokens > 0 ? std::optional<std::int64_t>(pipeline.chunk_tokens) : std::nullopt, *strategy);
  std::vector<LayerSlot> slots;
  for (const auto& m : mapping) slots.push_back(m.slot);

  const std::size_t n_ops = r.workload.ops.size();
  std::vector<Tally> analog, hybrid;
  double analog_static_mw = 0, hybrid_static_mw = 0;
  {
    SimulationContext context;
    Platform analog_platform("analog_only", params, slots, false);
    Platform hybrid_platform("hybrid", params, slots, true);
    r.tiles = hybrid_platform.tiles();
    r.pmcas = hybrid_platform.pmcas();
    r.links = hybrid_platform.links();
    analog_static_mw = analog_platform.static_power_mw();
    hybrid_static_mw = hybrid_platform.static_power_mw();

    JobGraph g;
    std::vector<bool> is_hybrid;
    Job* analog_last = nullptr;
    Job* hybrid_last = nullptr;
    for (std::size_t i = 0; i < n_ops; ++i) {
      const LinearOp& op = r.workload.ops[i];
      analog_last = &schedule_analog_only(g, analog_platform.tile(i), i, op.tokens, analog_last);
      is_hybrid.resize(g.jobs().size(), false);
      const OpResources res{hybrid_platform.tile(i), hybrid_platform.link(i), hybrid_platform.pmca(i), i,
                            op.tokens, mapping[i].chunk, output_bytes(params.tile, op.out)};
      hybrid_last = &strategy->schedule(g, res, hybrid_last);
      is_hybrid.resize(g.jobs().size(), true);
    }
    run_jobs(g);
    r.pmca.engine = params.pmca.engine;
    for (std::size_t i = 0; i < n_ops; ++i) r.pmca.add(hybrid_platform.pmca(i).stats());
    analog = tally(g, is_hybrid, n_ops, false);
    hybrid = tally(g, is_hybrid, n_ops, true);
  }

  static const char* kKinds[3] = {"aimc", "transfer", "pmca"};
  Picos analog_prev = 0, hybrid_prev = 0;
  for (std::size_t i = 0; i < n_ops; ++i) {
    OpResult o;
    o.op = r.workload.ops[i];
    o.chunk = mapping[i].chunk;
    o.chunk_cost = mapping[i].chunk_cost;
    o.analog_only = analog[i].end - analog_prev;
    o.hybrid = hybrid[i].end - hybrid_prev;
    analog_prev = analog[i].end;
    hybrid_prev = hybrid[i].end;
    o.hybrid_analytic = strategy->analytic(op_timing(params, o.op, o.chunk));
    o.tile_busy = hybrid[i].busy[0];
    o.link_busy = hybrid[i].busy[1];
    o.pmca_busy = hybrid[i].busy[2];
    const int b = static_cast<int>(std::max_element(hybrid[i].busy, hybrid[i].busy + 3) - hybrid[i].busy);
    o.bottleneck = kKinds[b];
    // Leakage of the whole platform while this operator runs (every layer's tiles are resident).
    o.analog_only_energy = analog[i].energy;
    o.analog_only_energy.add("static", analog_static_mw * ps_to_ns(o.analog_only));
    o.hybrid_energy = hybrid[i].energy;
    o.hybrid_energy.add("static", hybrid_static_mw * ps_to_ns(o.hybrid));
    r.ops.push_back(o);
  }

  for (const std::string& name : r.workload.blocks) {
    BlockResult b;
    b.name = name;
    for (const OpResult& o : r.ops) {
      if (o.op.block != name) continue;
      ++b.ops;
      b.analog_only += o.analog_only;
      b.hybrid += o.hybrid;
      b.analog_only_energy.add(o.analog_only_energy);
      b.hybrid_energy.add(o.hybrid_energy);
    }
    r.analog_only += b.analog_only;
    r.hybrid += b.hybrid;
    r.analog_only_energy.add(b.analog_only_energy);
    r.hybrid_energy.add(b.hybrid_energy);
    r.blocks.push_back(b);
  }
  return r;
}

}  // namespace aimcsim
