#include "sim/run/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "platform/platform.hpp"
#include "sim/base/error.hpp"
#include "sim/base/schema_registry.hpp"
#include "sim/engine/engine.hpp"
#include "sim/map/digital_cost.hpp"
#include "sim/map/mapper.hpp"
#include "sim/schedule/strategy.hpp"

namespace aimcsim {

void PipelineParams::bind(ParamBinder<PipelineParams>& b) {
  using P = PipelineParams;
  b.choice("pipeline.strategy", &P::strategy, StrategyRegistry::instance().names(),
           "token-pipelined")
      .desc("how tiles, links and PMCAs overlap within and across layers");
  b.integer_or_auto("pipeline.chunk_tokens", &P::chunk_tokens, "auto")
      .range(1, 1 << 20)
      .desc("tokens per chunk t, or auto to pick per layer the fastest t that fits L1");
}

void PlatformSizeParams::bind(ParamBinder<PlatformSizeParams>& b) {
  b.integer_or_auto("platform.tiles", &PlatformSizeParams::tiles, "auto")
      .range(1, 1LL << 40)
      .desc(
          "AIMC tiles available; a model that needs more is an error saying how many; auto sizes "
          "the platform "
          "to the model");
  b.integer_or_auto("platform.tiles_per_pmca", &PlatformSizeParams::tiles_per_pmca, "auto")
      .range(1, 1LL << 40)
      .desc(
          "a layer gets one PMCA per this many of its tiles, sharing its adapter's tokens and its "
          "attention "
          "heads (1: one PMCA per tile, as AHWA-LoRA pairs them); auto: one PMCA per layer");
  b.choice("platform.packing", &PlatformSizeParams::packing, {"none", "dense"}, "none")
      .desc(
          "none: every layer on tiles of its own; dense: layers that fit one tile share tiles in "
          "disjoint row "
          "and column ranges (their MVMs serialise), each keeping its own PMCA");
}

void OutputParams::bind(ParamBinder<OutputParams>& b) {
  b.flag("output.trace", &OutputParams::trace, false)
      .desc(
          "also write trace.json (Chrome trace events: one lane per tile, PMCA and link; opens in "
          "Perfetto)");
}

AIMCSIM_REGISTER_PARAMS(60, "pipeline", PipelineParams);
AIMCSIM_REGISTER_PARAMS(70, "platform", PlatformSizeParams);
AIMCSIM_REGISTER_PARAMS(80, "output", OutputParams);

Schema build_schema() { return SchemaRegistry::instance().build(); }

bool OpResult::twin_differs() const {
  if (hybrid == 0 && hybrid_analytic == 0) return false;
  const double ref = static_cast<double>(std::max(hybrid, hybrid_analytic));
  return std::abs(static_cast<double>(hybrid - hybrid_analytic)) > 0.05 * ref;
}

namespace {

// When the rows [first, end) of operator `i` may start, given what its inputs have produced:
// `Item` is a Job* (simulation) or a completion time (analytic twin).
template <class Item>
using Done = std::vector<std::pair<std::int64_t, Item>>;

template <class Item>
Item covering(const Done<Item>& progress, std::int64_t end) {
  for (const auto& [rows, item] : progress)
    if (rows >= end) return item;
  return progress.back().second;
}

// Whether operator `op` may consume input `k` (producer `in`) chunk by chunk.
bool row_separable(const Operator& op, std::size_t k, const Operator& in) {
  if (op.tokens != in.tokens) return false;
  if (op.kind == OpKind::Matmul && k == 1)
    return op.causal;  // keys/values: all of them unless causal
  return true;
}

template <class Item>
std::vector<Item> needed(const Workload& w, std::size_t i, bool wavefront,
                         const std::vector<Done<Item>>& done, std::int64_t /*first*/,
                         std::int64_t end) {
  const Operator& op = w.ops[i];
  std::vector<Item> out;
  for (std::size_t k = 0; k < op.inputs.size(); ++k) {
    const std::size_t in = op.inputs[k];
    if (wavefront && row_separable(op, k, w.ops[in]))
      out.push_back(covering(done[in], end));
    else
      out.push_back(done[in].back().second);
  }
  return out;
}

// Chunk boundaries of a digital operator: its first input's, when it may follow them.
std::vector<std::int64_t> digital_chunks(const Workload& w, std::size_t i, bool wavefront,
                                         const std::vector<Done<Job*>>& done) {
  const Operator& op = w.ops[i];
  if (wavefront && !op.inputs.empty() && row_separable(op, 0, w.ops[op.inputs[0]])) {
    std::vector<std::int64_t> sizes;
    std::int64_t prev = 0;
    for (const auto& [rows, job] : done[op.inputs[0]]) {
      sizes.push_back(rows - prev);
      prev = rows;
    }
    return sizes;
  }
  return {op.tokens};
}

struct Tally {
  Picos ready = -1, end = 0;
  Picos input = 0;            // time the layer's input spent on the bus / mesh
  Picos busy[3] = {0, 0, 0};  // aimc, transfer, pmca
  EnergyBreakdown energy;
};

int kind_index(const std::string& kind) {
  if (kind == "aimc") return 0;
  if (kind == "transfer") return 1;
  return 2;
}

// Per-tile, per-link and programming figures of the hybrid platform after its run of `span`.
void collect_platform_stats(RunResult& r, const PlatformParams& params, Platform& pf, Picos span) {
  TileReport& ts = r.tile_stats;
  ProgrammingReport& pr = r.programming;
  pr.one_tile = program_cost(params.tile, params.tile.rows, params.tile.cols).time;
  double util_sum = 0;
  for (const auto& tile : pf.tile_modules()) {
    const Tile& t = *tile;
    const double u = t.utilisation(span);
    util_sum += u * static_cast<double>(t.tiles());
    ts.utilisation_max = std::max(ts.utilisation_max, u);
    ts.mvms += t.mvms() * t.tiles();
    ts.energy.add(t.energy());
    const ProgramCost c = t.program();
    pr.all_tiles_sequential += c.time;
    pr.energy_pj += c.energy_pj;
    // The tiles of a layer program in parallel; the blocks packed into one tile one after another.
    const TileSplit& s = t.split();
    const Picos one =
        t.blocks() > 1 ? c.time : program_cost(params.tile, s.block_rows(0), s.block_cols(0)).time;
    pr.all_tiles_parallel = std::max(pr.all_tiles_parallel, one);
  }
  if (pf.physical_tiles() > 0)
    ts.utilisation_mean = util_sum / static_cast<double>(pf.physical_tiles());

  const double dma_Bps = params.pmca.dma_bytes_per_cycle * params.pmca.freq_hz;
  for (const Operator& op : r.workload.ops) {
    if (op.kind != OpKind::Linear || op.decode) continue;
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
      if (!pf.has_pmca(i)) continue;
      const Link& l = pf.link(i);
      links.push_back(
          {"link" + std::to_string(i), l.bytes_moved(), l.busy_ps(), 0, l.energy().total()});
    }
  }
  for (auto& l : links)
    l.utilisation = span > 0 ? static_cast<double>(l.busy) / static_cast<double>(span) : 0;
  std::stable_sort(links.begin(), links.end(),
                   [](const LinkReport& a, const LinkReport& b) { return a.busy > b.busy; });
  if (links.size() > 5) links.resize(5);
  r.busiest_links = links;
  r.links = pf.links();
  r.topology = params.net.topology;
}

// The mapping's figures, the tile budget check and the KV-cache check.
MappingReport report_mapping(const Workload& w, const Mapping& mapping,
                             const PlatformParams& params, const Config& cfg,
                             std::vector<std::string>& notes) {
  MappingReport rep;
  const std::size_t n = w.ops.size();
  std::int64_t needed = 0, cells = 0, most = 0;
  for (const LayerSlot& s : mapping.slots) {
    const TileSplit split = split_layer(params.tile, s.rows_used, s.cols_used);
    if (s.shares_tile_of < 0) needed += split.tiles();
    most = std::max(most, split.tiles());
    cells += s.rows_used * s.cols_used;
  }
  const std::int64_t budget = PlatformSizeParams::from(cfg).tiles;
  if (budget > 0 && needed > budget)
    throw InputError(
        fmt::format("{}: platform.tiles: {} needs {} tiles of {}x{} (up to {} for one layer), {} "
                    "are available; raise platform.tiles or use auto",
                    cfg.origin("platform.tiles"), w.model, needed, params.tile.rows,
                    params.tile.cols, most, budget));
  rep.tile_budget = budget;
  rep.tiles_needed = needed;
  rep.array_utilisation =
      needed > 0 ? static_cast<double>(cells) /
                       static_cast<double>(needed * params.tile.rows * params.tile.cols)
                 : 0;
  for (const OpMapping& m : mapping.ops) {
    rep.l1_peak_bytes = std::max(rep.l1_peak_bytes, m.chunk_cost.l1_bytes);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Operator& op = w.ops[i];
    if (op.kind == OpKind::Linear && !op.decode && mapping.ops[i].chunk_cost.spilled)
      ++rep.spilled_layers;
    // The KV cache stays beside the attention that reads it, in its PMCAs' L2.
    if (op.kind == OpKind::Matmul && op.variant == "scores" && op.causal && !op.decode) {
      const std::int64_t kv =
          2 * op.kv_heads * op.head_dim * (w.seq_len + w.decode_tokens) * params.pmca.elem_bytes;
      const std::int64_t cap = params.pmca.l2_bytes * mapping.slots[mapping.ops[i].slot].clusters;
      rep.kv_cache_layer_bytes = std::max(rep.kv_cache_layer_bytes, kv);
      rep.kv_cache_capacity_bytes =
          rep.kv_cache_capacity_bytes == 0 ? cap : std::min(rep.kv_cache_capacity_bytes, cap);
    }
  }
  if (rep.kv_cache_layer_bytes > rep.kv_cache_capacity_bytes)
    notes.push_back(fmt::format(
        "the KV cache of a layer ({} bytes at {} tokens) exceeds the L2 of the PMCAs running its "
        "attention "
        "({} bytes): raise pmca.l2_size or give layers more PMCAs with platform.tiles_per_pmca",
        rep.kv_cache_layer_bytes, w.seq_len + w.decode_tokens, rep.kv_cache_capacity_bytes));
  return rep;
}

// The analog-only and hybrid designs as SystemC modules, every operator's jobs, the run, and
// per-operator tallies of what the jobs did; fills the platform figures of `r`.
struct Simulated {
  std::vector<Tally> analog, hybrid;
  double analog_static_mw = 0, hybrid_static_mw = 0;
};

Simulated simulate_designs(RunResult& r, const Mapping& mapping, const PlatformParams& params,
                           const Strategy& strategy, bool want_trace) {
  const Workload& w = r.workload;
  const std::size_t n = w.ops.size();
  const bool wave = strategy.wavefront();
  Simulated sim;
  sim.analog.resize(n);
  sim.hybrid.resize(n);
  std::vector<Tally>& analog = sim.analog;
  std::vector<Tally>& hybrid = sim.hybrid;
  SimulationContext context;
  // One floorplan for both designs: the analog-only one leaves the nodes of the PMCAs it does
  // not need empty, so its transfers travel the same distances.
  const Placement analog_placement = place_workload(mapping, params, true);
  const Placement hybrid_placement = place_workload(mapping, params, true);
  Platform analog_platform("analog_only", params, mapping.slots, mapping.slot_runs_digital, false,
                           &analog_placement);
  std::vector<bool> hybrid_pmca_at(mapping.slots.size());
  for (std::size_t s = 0; s < mapping.slots.size(); ++s)
    hybrid_pmca_at[s] = mapping.slots[s].rank > 0 || mapping.slot_runs_digital[s];
  Platform hybrid_platform("hybrid", params, mapping.slots, hybrid_pmca_at, true,
                           &hybrid_placement);
  r.tiles = hybrid_platform.physical_tiles();
  r.pmcas = hybrid_platform.pmcas();
  r.analog_only_pmcas = analog_platform.pmcas();
  sim.analog_static_mw = analog_platform.static_power_mw();
  sim.hybrid_static_mw = hybrid_platform.static_power_mw();

  JobGraph g;
  std::vector<char> is_hybrid;
  std::vector<Done<Job*>> done_a(n), done_h(n);
  auto mark = [&](bool h) { is_hybrid.resize(g.jobs().size(), h); };
  auto with_input = [](JobGraph& graph, Platform& plat, std::size_t slot, std::size_t op_index,
                       DepsFn deps, std::function<void()> marker) -> DepsFn {
    Resource* port = plat.input(slot);
    if (!port) return deps;
    const std::int64_t bytes_per_token = plat.input_bytes_per_token(slot);
    auto sent = std::make_shared<std::map<std::pair<std::int64_t, std::int64_t>, Job*>>();
    return [&graph, port, bytes_per_token, sent, deps, op_index, marker](std::int64_t f,
                                                                         std::int64_t e) {
      auto it = sent->find({f, e});
      if (it == sent->end()) {
        Job& move = graph.add(*port, op_index, e - f, (e - f) * bytes_per_token);
        move.label = "input";
        depend_all(graph, deps(f, e), move);
        marker();
        it = sent->emplace(std::make_pair(f, e), &move).first;
      }
      return std::vector<Job*>{it->second};
    };
  };
  for (std::size_t i = 0; i < n; ++i) {
    const Operator& op = w.ops[i];
    const OpMapping& m = mapping.ops[i];
    DepsFn deps_a = [&, i](std::int64_t f, std::int64_t e) {
      return needed(w, i, wave, done_a, f, e);
    };
    DepsFn deps_h = [&, i](std::int64_t f, std::int64_t e) {
      return needed(w, i, wave, done_h, f, e);
    };
    if (op.kind == OpKind::Linear) {
      // On a bus or mesh a layer's input travels from the previous layer to its tiles (and its
      // PMCA, multicast); each chunk's rows are sent once, when they are ready.
      deps_a = with_input(g, analog_platform, m.slot, i, deps_a, [&] { mark(false); });
      deps_h = with_input(g, hybrid_platform, m.slot, i, deps_h, [&] { mark(true); });
    }
    auto keep = [](const Progress& p) {
      Done<Job*> d;
      for (const auto& c : p) d.emplace_back(c.end, c.job);
      return d;
    };
    if (op.kind == OpKind::Linear) {
      done_a[i] = keep(schedule_tile_only(g, analog_platform.tile(m.slot), i, op.tokens, m.chunk,
                                          deps_a, analog_platform.tile_block(m.slot)));
      mark(false);
      if (op.rank == 0) {
        done_h[i] = keep(schedule_tile_only(g, hybrid_platform.tile(m.slot), i, op.tokens, m.chunk,
                                            deps_h, hybrid_platform.tile_block(m.slot)));
      } else {
        const OpResources res{hybrid_platform.tile(m.slot),
                              hybrid_platform.tile_to_pmca(m.slot),
                              hybrid_platform.pmca(m.slot),
                              i,
                              hybrid_platform.tile_block(m.slot),
                              op.tokens,
                              m.chunk,
                              hybrid_platform.tile_to_pmca_bytes_per_token(m.slot)};
        done_h[i] = keep(strategy.schedule(g, res, deps_h));
      }
      mark(true);
      continue;
    }
    // A digital operator on its host PMCA, in both designs.
    const auto sizes = digital_chunks(w, i, wave, done_h);
    for (int design = 0; design < 2; ++design) {
      Platform& plat = design == 0 ? analog_platform : hybrid_platform;
      std::vector<Done<Job*>>& done = design == 0 ? done_a : done_h;
      const DepsFn& deps = design == 0 ? deps_a : deps_h;
      std::int64_t first = 0;
      for (std::int64_t s : sizes) {
        const DigitalCost c =
            digital_group_cost(params.pmca, mapping.slots[m.slot].clusters, op, first, first + s);
        Job& job = g.add(plat.pmca(m.slot), i, s);
        job.fixed = c.duration;
        job.energy = c.energy;
        job.label = op_kind_name(op.kind);
        depend_all(g, deps(first, first + s), job);
        first += s;
        done[i].emplace_back(first, &job);
      }
      mark(design == 1);
    }
  }
  run_jobs(g);
  for (const Job& job : g.jobs()) {
    Tally& t = is_hybrid[job.id] ? hybrid[job.op] : analog[job.op];
    if (std::string(job.label) == "input") t.input += job.end - job.start;
    t.ready = t.ready < 0 ? job.ready : std::min(t.ready, job.ready);
    t.end = std::max(t.end, job.end);
    t.busy[kind_index(job.resource->resource_kind())] += job.busy;
    t.energy.add(job.energy);
    if (want_trace) {
      const Operator& op = w.ops[job.op];
      r.trace.push_back({job.resource->name(), op.block + "." + op.name + " " + job.label,
                         static_cast<bool>(is_hybrid[job.id]), job.start, job.end});
    }
  }
  Picos span = 0;
  for (const Tally& t : hybrid) span = std::max(span, t.end);
  collect_platform_stats(r, params, hybrid_platform, span);
  r.pmca.engine = params.pmca.engine;
  for (std::size_t i = 0; i < hybrid_platform.slots(); ++i)
    if (hybrid_platform.has_pmca(i)) r.pmca.add(hybrid_platform.pmca(i).stats());
  return sim;
}

// The analytic twin of the hybrid design: the same schedule on private, idle resources. Returns
// each operator's latency from its first ready input to its end.
std::vector<Picos> twin_latencies(const Workload& w, const Mapping& mapping,
                                  const PlatformParams& params, const Strategy& strategy) {
  const std::size_t n = w.ops.size();
  const bool wave = strategy.wavefront();
  std::vector<Done<Picos>> twin(n);
  std::vector<Picos> twin_ready(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Operator& op = w.ops[i];
    const OpMapping& m = mapping.ops[i];
    const auto release = [&, i](std::int64_t f, std::int64_t e) {
      Picos t = 0;
      for (Picos x : needed(w, i, wave, twin, f, e)) t = std::max(t, x);
      return t;
    };
    twin_ready[i] = release(0, std::min<std::int64_t>(op.tokens, 1));
    if (op.kind == OpKind::Linear) {
      const OpTiming t = op_timing(params, op, m.chunk, mapping.slots[m.slot].clusters);
      const std::vector<Picos> ends =
          op.rank == 0 ? tile_only_analytic(t, release) : strategy.analytic(t, release);
      const auto sizes = chunk_sizes(op.tokens, m.chunk);
      std::int64_t rows = 0;
      for (std::size_t c = 0; c < sizes.size(); ++c)
        twin[i].emplace_back(rows += sizes[c], ends[c]);
    } else {
      std::vector<std::int64_t> sizes{op.tokens};
      if (wave && !op.inputs.empty() && row_separable(op, 0, w.ops[op.inputs[0]])) {
        sizes.clear();
        std::int64_t prev = 0;
        for (const auto& [rows, t] : twin[op.inputs[0]]) {
          sizes.push_back(rows - prev);
          prev = rows;
        }
      }
      Picos free = 0;
      std::int64_t first = 0;
      for (std::int64_t s : sizes) {
        free = std::max(free, release(first, first + s)) +
               digital_group_cost(params.pmca, mapping.slots[m.slot].clusters, op, first, first + s)
                   .duration;
        twin[i].emplace_back(first += s, free);
      }
    }
  }

  std::vector<Picos> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = twin[i].back().second - twin_ready[i];
  return out;
}

// Per-operator results; leakage of each whole platform over the run, shared by latency.
void collect_results(RunResult& r, const Mapping& mapping, const Simulated& sim,
                     const std::vector<Picos>& twin) {
  const Workload& w = r.workload;
  const std::size_t n = w.ops.size();
  const std::vector<Tally>& analog = sim.analog;
  const std::vector<Tally>& hybrid = sim.hybrid;
  static const char* kKinds[3] = {"aimc", "transfer", "pmca"};
  Picos sum_a = 0, sum_h = 0;
  for (std::size_t i = 0; i < n; ++i) {
    r.analog_only = std::max(r.analog_only, analog[i].end);
    r.hybrid = std::max(r.hybrid, hybrid[i].end);
    sum_a += analog[i].end - analog[i].ready;
    sum_h += hybrid[i].end - hybrid[i].ready;
    if (!w.ops[i].decode) {
      r.prefill_analog_only = std::max(r.prefill_analog_only, analog[i].end);
      r.prefill_hybrid = std::max(r.prefill_hybrid, hybrid[i].end);
    }
  }
  const double static_a = sim.analog_static_mw * ps_to_ns(r.analog_only);  // pJ
  const double static_h = sim.hybrid_static_mw * ps_to_ns(r.hybrid);
  for (std::size_t i = 0; i < n; ++i) {
    OpResult o;
    o.op = w.ops[i];
    o.slot = mapping.ops[i].slot;
    o.chunk = mapping.ops[i].chunk;
    o.chunk_cost = mapping.ops[i].chunk_cost;
    if (o.op.kind == OpKind::Linear) {
      o.tiles = mapping.ops[i].split.tiles();
      o.row_blocks = mapping.ops[i].split.row_blocks();
      o.col_blocks = mapping.ops[i].split.col_blocks();
    }
    o.input_transfer = hybrid[i].input;
    o.analog_only_input_transfer = analog[i].input;
    o.analog_only = analog[i].end - analog[i].ready;
    o.hybrid = hybrid[i].end - hybrid[i].ready;
    o.analog_only_end = analog[i].end;
    o.hybrid_end = hybrid[i].end;
    o.hybrid_analytic = twin[i];
    o.tile_busy = hybrid[i].busy[0];
    o.link_busy = hybrid[i].busy[1];
    o.pmca_busy = hybrid[i].busy[2];
    o.bottleneck = kKinds[std::max_element(hybrid[i].busy, hybrid[i].busy + 3) - hybrid[i].busy];
    o.analog_only_energy = analog[i].energy;
    o.analog_only_energy.add(
        "static",
        sum_a > 0 ? static_a * static_cast<double>(o.analog_only) / static_cast<double>(sum_a) : 0);
    o.hybrid_energy = hybrid[i].energy;
    o.hybrid_energy.add(
        "static",
        sum_h > 0 ? static_h * static_cast<double>(o.hybrid) / static_cast<double>(sum_h) : 0);
    if (o.op.kind == OpKind::Linear) {
      r.linear_analog_only += o.analog_only;
      r.linear_hybrid += o.hybrid;
    }
    r.analog_only_energy.add(o.analog_only_energy);
    r.hybrid_energy.add(o.hybrid_energy);
    r.ops.push_back(std::move(o));
  }
}

// A block's latency runs from its first ready input to its last job; a decode block recurs once
// per step, and its steps' spans add up.
void collect_blocks(RunResult& r, const Simulated& sim) {
  const std::size_t n = r.workload.ops.size();
  const std::vector<Tally>& analog = sim.analog;
  const std::vector<Tally>& hybrid = sim.hybrid;
  for (const std::string& name : r.workload.blocks) {
    BlockResult b;
    b.name = name;
    struct Span {
      Picos ready_a = -1, ready_h = -1, end_a = 0, end_h = 0;
    };
    std::map<std::int64_t, Span> steps;
    for (std::size_t i = 0; i < n; ++i) {
      const OpResult& o = r.ops[i];
      if (o.op.block != name) continue;
      ++b.ops;
      b.linear_ops += o.op.kind == OpKind::Linear;
      Span& s = steps[o.op.step];
      s.ready_a = s.ready_a < 0 ? analog[i].ready : std::min(s.ready_a, analog[i].ready);
      s.ready_h = s.ready_h < 0 ? hybrid[i].ready : std::min(s.ready_h, hybrid[i].ready);
      s.end_a = std::max(s.end_a, analog[i].end);
      s.end_h = std::max(s.end_h, hybrid[i].end);
      b.analog_only_energy.add(o.analog_only_energy);
      b.hybrid_energy.add(o.hybrid_energy);
    }
    for (const auto& [step, s] : steps) {
      b.analog_only += s.end_a - std::max<Picos>(s.ready_a, 0);
      b.hybrid += s.end_h - std::max<Picos>(s.ready_h, 0);
    }
    r.blocks.push_back(b);
  }
}
}  // namespace

RunResult simulate(const Config& cfg) {
  return simulate(cfg, build_workload(WorkloadParams::from(cfg)));
}

RunResult simulate(const Config& cfg, Workload workload) {
  const PlatformParams params = PlatformParams::from(cfg);
  const PipelineParams pipeline = PipelineParams::from(cfg);
  const PlatformSizeParams size = PlatformSizeParams::from(cfg);
  RunResult r;
  r.workload = std::move(workload);
  r.strategy = pipeline.strategy;
  const auto strategy = StrategyRegistry::instance().create(r.strategy);
  const Workload& w = r.workload;
  const Mapping mapping = map_workload(
      w, params,
      pipeline.chunk_tokens > 0 ? std::optional<std::int64_t>(pipeline.chunk_tokens) : std::nullopt,
      *strategy, size.tiles_per_pmca, size.packing == "dense");
  r.mapping = report_mapping(w, mapping, params, cfg, r.notes);
  if (strategy->wavefront() && std::none_of(w.ops.begin(), w.ops.end(),
                                            [](const Operator& op) { return !op.inputs.empty(); }))
    r.notes.push_back(r.strategy + ": " + w.model +
                      " has no operator that feeds another, so there is nothing to pipeline across "
                      "layers; it runs "
                      "as token-pipelined");
  const Simulated sim =
      simulate_designs(r, mapping, params, *strategy, OutputParams::from(cfg).trace);
  collect_results(r, mapping, sim, twin_latencies(w, mapping, params, *strategy));
  collect_blocks(r, sim);
  return r;
}

}  // namespace aimcsim
