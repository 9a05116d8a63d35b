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

// Per-tile, per-link and programming figures of the hybrid platform after its run of `span`.
void collect_platform_stats(RunResult& r, const PlatformParams& params, Platform& pf, Picos span) {
  TileReport& ts = r.tile_stats;
  ProgrammingReport& pr = r.programming;
  pr.one_tile = program_cost(params.tile, params.tile.rows, params.tile.cols).time;
  double util_sum = 0;
  for (std::size_t i = 0; i < pf.slots(); ++i) {
    const Tile& t = pf.tile(i);
    const double u = t.utilisation(span);
    util_sum += u * static_cast<double>(t.tiles());
    ts.utilisation_max = std::max(ts.utilisation_max, u);
    ts.mvms += t.mvms() * t.tiles();
    ts.energy.add(t.energy());
    const ProgramCost c = t.program();
    pr.all_tiles_sequential += c.time;
    pr.energy_pj += c.energy_pj;
    const TileSplit& s = t.split();
    pr.all_tiles_parallel =
        std::max(pr.all_tiles_parallel, program_cost(params.tile, s.block_rows(0), s.block_cols(0)).time);
  }
  if (pf.physical_tiles() > 0) ts.utilisation_mean = util_sum / static_cast<double>(pf.physical_tiles());

  const double dma_Bps = params.pmca.dma_bytes_per_cycle * params.pmca.freq_hz;
  for (const LinearOp& op : r.workload.ops) {
    const std::int64_t bytes = op.rank * (op.in + op.out) * params.pmca.elem_bytes;
    pr.lora_bytes += bytes;
    pr.lora_by_dma = std::max(pr.lora_by_dma, ns_to_ps(static_cast<double>(bytes) * 1e9 / dma_Bps));
  }
  pr.lora_over_link = transfer_ps(params.link, pr.lora_bytes);
  pr.lora_energy_pj = params.link.e_per_bit_pj * 8.0 * static_cast<double>(pr.lora_bytes);

  std::vector<LinkReport> links;
  if (const Network* net = pf.network()) {
    for (const auto& l : net->links()) links.push_back({l.name, l.bytes, l.busy, 0, l.energy_pj});
  } else {
    for (std::size_t i = 0; i < pf.slots(); ++i) {
      const Link& l = pf.link(i);
      links.push_back({"link" + std::to_string(i), l.bytes_moved(), l.busy_ps(), 0, l.energy().total()});
    }
  }
  for (auto& l : links) l.utilisation = span > 0 ? static_cast<double>(l.busy) / static_cast<double>(span) : 0;
  std::stable_sort(links.begin(), links.end(), [](const LinkReport& a, const LinkReport& b) { return a.busy > b.busy; });
  if (links.size() > 5) links.resize(5);
  r.busiest_links = links;
  r.links = pf.links();
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
  const Placement analog_placement = place_workload(mapping, params, false);
  const Placement hybrid_placement = place_workload(mapping, params, true);
  r.topology = params.net.topology;

  const std::size_t n_ops = r.workload.ops.size();
  std::vector<Tally> analog, hybrid;
  std::vector<std::pair<Picos, Picos>> input_ps(n_ops, {0, 0});  // analog-only, hybrid
  double analog_static_mw = 0, hybrid_static_mw = 0;
  {
    SimulationContext context;
    Platform analog_platform("analog_only", params, slots, false, &analog_placement);
    Platform hybrid_platform("hybrid", params, slots, true, &hybrid_placement);
    r.tiles = hybrid_platform.physical_tiles();
    r.pmcas = hybrid_platform.pmcas();
    analog_static_mw = analog_platform.static_power_mw();
    hybrid_static_mw = hybrid_platform.static_power_mw();

    JobGraph g;
    std::vector<bool> is_hybrid;
    Job* analog_last = nullptr;
    Job* hybrid_last = nullptr;
    std::vector<Job*> analog_inputs(n_ops, nullptr), hybrid_inputs(n_ops, nullptr);
    // On a bus or mesh a layer's input travels from the previous layer; it gates the layer.
    auto input = [&](Platform& pf, std::size_t i, const LinearOp& op, Job* last) -> Job* {
      Resource* port = pf.input(i);
      if (!port) return nullptr;
      Job& move = g.add(*port, i, op.tokens, op.tokens * pf.input_bytes_per_token(i));
      if (last) g.depend(*last, move);
      return &move;
    };
    for (std::size_t i = 0; i < n_ops; ++i) {
      const LinearOp& op = r.workload.ops[i];
      analog_inputs[i] = input(analog_platform, i, op, analog_last);
      if (analog_inputs[i]) analog_last = analog_inputs[i];
      analog_last = &schedule_analog_only(g, analog_platform.tile(i), i, op.tokens, analog_last);
      is_hybrid.resize(g.jobs().size(), false);
      hybrid_inputs[i] = input(hybrid_platform, i, op, hybrid_last);
      if (hybrid_inputs[i]) hybrid_last = hybrid_inputs[i];
      const OpResources res{hybrid_platform.tile(i), hybrid_platform.tile_to_pmca(i), hybrid_platform.pmca(i), i,
                            op.tokens, mapping[i].chunk, hybrid_platform.tile_to_pmca_bytes_per_token(i)};
      hybrid_last = &strategy->schedule(g, res, hybrid_last);
      is_hybrid.resize(g.jobs().size(), true);
    }
    run_jobs(g);
    analog = tally(g, is_hybrid, n_ops, false);
    hybrid = tally(g, is_hybrid, n_ops, true);
    for (std::size_t i = 0; i < n_ops; ++i) {
      if (hybrid_inputs[i]) input_ps[i].second = hybrid_inputs[i]->end - hybrid_inputs[i]->ready;
      if (analog_inputs[i]) input_ps[i].first = analog_inputs[i]->end - analog_inputs[i]->ready;
    }
    collect_platform_stats(r, params, hybrid_platform, hybrid_last ? hybrid_last->end : 0);
  }

  static const char* kKinds[3] = {"aimc", "transfer", "pmca"};
  Picos analog_prev = 0, hybrid_prev = 0;
  for (std::size_t i = 0; i < n_ops; ++i) {
    OpResult o;
    o.op = r.workload.ops[i];
    o.chunk = mapping[i].chunk;
    o.chunk_cost = mapping[i].chunk_cost;
    o.tiles = mapping[i].split.tiles();
    o.row_blocks = mapping[i].split.row_blocks();
    o.col_blocks = mapping[i].split.col_blocks();
    o.analog_only_input_transfer = input_ps[i].first;
    o.input_transfer = input_ps[i].second;
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
