#include "sim/run/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "models/aimc/tile.hpp"
#include "models/riscv/gemm_engine.hpp"
#include "platform/platform.hpp"
#include "sim/base/error.hpp"
#include "sim/base/schema_registry.hpp"
#include "sim/engine/engine.hpp"
#include "sim/map/digital_cost.hpp"
#include "sim/map/mapper.hpp"
#include "sim/run/design.hpp"
#include "sim/run/twin.hpp"
#include "sim/schedule/strategy.hpp"

namespace aimcsim {

void PipelineParams::bind(ParamBinder<PipelineParams>& b) {
  using P = PipelineParams;
  b.choice("pipeline.strategy", &P::strategy, StrategyRegistry::instance().names(),
           "token-pipelined")
      .desc("how tiles, links and PMCAs overlap within and across layers");
  b.integer_or_auto("pipeline.chunk_tokens", &P::chunk_tokens, "auto")
      .range(1, 1 << 20)
      .desc(
          "tokens per chunk t, or auto: per layer the t with the lowest analytic latency, "
          "staging through L2 included when a chunk does not fit L1");
  b.choice("pipeline.adapter_start", &P::adapter_start, {"input", "xw-first"}, "input")
      .desc(
          "input: a chunk's adapter work (X A, (X A) B) starts once its X is in the PMCA's L1 and "
          "only the add waits for X W; xw-first: the whole LoRA chunk waits for X W (the schedule "
          "before the dataflow was followed)");
  b.integer("pipeline.xw_buffer_chunks", &P::xw_buffer_chunks, 2)
      .range(0, 1 << 20)
      .desc(
          "X W chunks the PMCA's L1 holds: the tile does not start chunk c until the PMCA has "
          "consumed chunk c - this many (back-pressure); 0: unbounded");
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
  b.quantity_or_auto("platform.area_budget", &PlatformSizeParams::area_budget_mm2, Dimension::Area,
                     "auto")
      .range(1e-9, 1e12)
      .desc(
          "size the hybrid platform to this area: of the PMCA counts platform.tiles_per_pmca can "
          "give (auto and 1, 2, 4, ... below a layer's most tiles), the fastest whose area fits; "
          "auto: no budget, the platform is sized to the model (models/README.md#area)");
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
  b.flag("output.strict", &OutputParams::strict, false)
      .desc(
          "a run over capacity (a KV cache larger than its PMCAs' L2) is an error, exit status 2, "
          "with nothing written; false: it runs, and summary.json says status over_capacity (the "
          "--strict option does the same)");
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

// Where the jobs of one design add up in an operator's result: its ready, start and end times
// (ready and start -1 until a job is seen), the time its input spent on the bus or mesh, and its
// energy. The operator's result is filled in place, so a run holds one record per operator.
struct Tally {
  Picos &ready, &start, &end, &input;
  EnergyBreakdown& energy;
  static Tally of(OpResult& o, bool hybrid) {
    return hybrid ? Tally{o.hybrid_ready, o.hybrid_start, o.hybrid_end, o.input_transfer,
                          o.hybrid_energy}
                  : Tally{o.analog_only_ready, o.analog_only_start, o.analog_only_end,
                          o.analog_only_input_transfer, o.analog_only_energy};
  }
};

int kind_index(const std::string& kind) {
  if (kind == "aimc") return 0;
  if (kind == "transfer") return 1;
  return 2;
}

// The hybrid platform's size and figures after its run.
struct PlatformFigures {
  std::size_t tiles = 0, pmcas = 0, links = 0, analog_only_pmcas = 0;
  std::string topology;
  TileReport tile_stats;
  std::vector<LinkReport> busiest_links;
  ProgrammingReport programming;
  PmcaStats pmca;
};

// Per-tile, per-link, per-PMCA and programming figures of the hybrid platform after its run of
// `span`.
PlatformFigures platform_figures(const Workload& w, const PlatformParams& params, Platform& pf,
                                 Picos span) {
  PlatformFigures f;
  TileReport& ts = f.tile_stats;
  ProgrammingReport& pr = f.programming;
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
  for (const Operator* weights : w.weights()) {
    const Operator& op = *weights;
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
  f.busiest_links = links;
  f.links = pf.links();
  f.topology = params.net.topology;
  f.tiles = pf.physical_tiles();
  f.tile_stats.tiles = f.tiles;
  f.pmcas = pf.pmcas();
  f.pmca.engine = params.pmca.engine;
  for (std::size_t i = 0; i < pf.slots(); ++i)
    if (pf.has_pmca(i)) f.pmca.add(pf.pmca(i).stats());
  return f;
}

// The mapping's figures, the tile budget check and the KV cache's size against its capacity
// (capacity_violations() in the report says when it does not fit).
MappingReport report_mapping(const Workload& w, const Mapping& mapping,
                             const PlatformParams& params, const Config& cfg) {
  MappingReport rep;
  const std::size_t n = w.ops.size();
  rep.dram_capacity_bytes = params.memory.dram_bytes;
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
    rep.l1_peak_bytes = std::max(rep.l1_peak_bytes, m.chunk_cost().l1_bytes);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Operator& op = w.ops[i];
    if (op.kind == OpKind::Linear && !op.decode && mapping.ops[i].chunk_cost().spilled)
      ++rep.spilled_layers;
    // The KV cache stays beside the attention that reads it, in its PMCAs' L2, in the PMCA's
    // data format (pmca.format).
    if (reads_kv_cache(op) && op.variant == "scores" && !op.decode) {
      const std::int64_t kv = kv_cache_bytes(w, op, params.pmca);
      rep.kv_cache_dram_layers += mapping.ops[i].kv_in_dram;
      rep.kv_cache_bytes += kv;
      const std::int64_t cap = params.pmca.l2_bytes * mapping.slots[mapping.ops[i].slot].clusters;
      rep.kv_cache_layer_bytes = std::max(rep.kv_cache_layer_bytes, kv);
      rep.kv_cache_capacity_bytes =
          rep.kv_cache_capacity_bytes == 0 ? cap : std::min(rep.kv_cache_capacity_bytes, cap);
    }
  }
  return rep;
}

// What a run will take, estimated from the workload and its mapping before anything is built:
// per design, a linear makes up to five jobs a chunk (MVMs, transfers, the adapter's parts; the
// PMCAs of a layer share its jobs), a digital operator one job per chunk of the largest chunk;
// shared decode steps hold two steps' jobs at a time. Simplified: an upper-bound estimate for
// the guard, not a model of the engine's memory.
void check_resources(const Workload& w, const Mapping& mapping, const MappingReport& rep,
                     double limit) {
  constexpr double kJobBytes = 1024, kTileBytes = 1024;
  std::int64_t widest = 64;
  for (const OpMapping& m : mapping.ops) widest = std::max(widest, m.chunk);
  double jobs = 0;
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    const bool linear = op.kind == OpKind::Linear;
    const std::int64_t chunk = linear && mapping.ops[i].chunk > 0 ? mapping.ops[i].chunk : widest;
    const double chunks = std::ceil(static_cast<double>(std::max<std::int64_t>(op.tokens, 1)) /
                                    static_cast<double>(chunk));
    // Shared decode steps: two steps' jobs live at a time (one ending, the next starting).
    const double live = w.shared_steps && i >= w.decode_first ? 2 : 1;
    jobs += 2 * chunks * (linear ? 5 : 1) * live;
  }
  const double bytes = static_cast<double>(w.ops.size()) * kOperatorBytes + jobs * kJobBytes +
                       static_cast<double>(rep.tiles_needed) * kTileBytes;
  if (limit > 0 && bytes > limit)
    throw InputError(fmt::format(
        "{}: the run would take about {:.1f} GiB ({} operators, {:.3g} jobs over both designs, {} "
        "tiles; estimated before it is built), more than limits.memory ({:.1f} GiB) allows; check "
        "the model's sizes (hidden_size, vocab_size, ...) and workload.seq_len, or raise "
        "limits.memory",
        w.model, bytes / (1 << 30), w.ops.size(), jobs, rep.tiles_needed, limit / (1 << 30)));
}

// Where a run's results add up: one row per operator of the prompt and one per operator of a
// decode step, whose steps add into it (their spans, energies and busy times summed, its ready
// and start the first step's, its end the last's). `row_of` gives each operator's row; `first`
// the operator that stands for the row (its first step's).
struct Rows {
  std::vector<std::size_t> row_of;
  std::vector<std::size_t> first;
};

Rows rows_of(const Workload& w) {
  Rows r;
  r.row_of.resize(w.ops.size());
  if (w.shared_steps) {
    // One step is held: every operator is its own row.
    for (std::size_t i = 0; i < w.ops.size(); ++i) r.row_of[i] = i;
    r.first = r.row_of;
    return r;
  }
  std::unordered_map<std::string, std::size_t> decode_rows;
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    if (op.decode) {
      const auto [it, fresh] = decode_rows.emplace(op.block + '\n' + op.name, r.first.size());
      r.row_of[i] = it->second;
      if (!fresh) continue;
    } else {
      r.row_of[i] = r.first.size();
    }
    r.first.push_back(i);
  }
  return r;
}

// What the simulation of both designs left: per-row results of what their jobs did, each
// block's span, the leakage of each platform, and the hybrid platform's figures.
struct Simulated {
  Rows rows;
  std::unordered_map<std::string, std::size_t> block_index;  // Workload::blocks by name
  std::vector<OpResult> ops;                                 // per row: what both designs' jobs did
  std::vector<Picos> block_analog, block_hybrid;             // per block of Workload::blocks: span
  GatingFigures analog_gating, hybrid_gating;                // leakage over each design's run
  PlatformArea analog_area, hybrid_area;
  PlatformFigures figures;
  std::vector<TraceEvent> trace;
  std::size_t jobs = 0;
};

// `t` set to `v` if `v` is earlier, or if `t` is -1 (no time yet).
void take_earliest(Picos& t, Picos v) { t = t < 0 ? v : std::min(t, v); }

// One operator's jobs of one phase, before they add into its row.
struct OpTally {
  Picos ready = -1, start = -1, end = 0, input = 0;
  EnergyBreakdown energy;
  // An operator's jobs use a handful of resources: a short list.
  std::vector<std::pair<const Resource*, Picos>> busy;
};

// One design of a run, simulated phase by phase (PhaseSource): the workload's operators as
// block_phases() splits them (a decoder with shared steps: its prompt), then with shared decode
// steps one phase per step, the step's operators built again with its keys. A phase's jobs add
// into the rows (and, hybrid, its analytic twin is computed) when they have all ended, and are
// freed then.
class DesignRun : public PhaseSource {
 public:
  DesignRun(Design design, const Workload& w, const Mapping& mapping, const PlatformParams& params,
            const Strategy& strategy, const Placement& placement, Simulated& sim, bool want_trace)
      : w_(w),
        mapping_(mapping),
        params_(params),
        strategy_(strategy),
        sim_(sim),
        hybrid_(design == Design::Hybrid),
        want_trace_(want_trace),
        design_(make_design(design, w, mapping, params, placement)),
        blocks_(block_phases(w)) {
    if (w.shared_steps) {
      steps_.ops = w.ops;  // the operators the steps build again, set to a step
      steps_.decode_first = w.decode_first;
      steps_.shared_steps = true;
    }
    if (hybrid_) times_.resize(w.ops.size());
  }

  const BuiltDesign& design() const { return design_; }

  JobGraph* next() override {
    const std::size_t n = w_.ops.size();
    Phase p;
    if (block_ < blocks_.size()) {
      std::tie(p.first, p.last) = blocks_[block_++];
    } else if (steps_left()) {
      p.step = step_++;
      p.first = w_.decode_first;
      p.last = n;
      w_.apply_step(steps_.ops, p.step);
      // The step reads the previous pass's last operator where the prompt's stood.
      if (p.step > 0) design_.done[p.first - 1] = design_.done[n - 1];
      // Operators of different steps stay apart in the resources' queues.
      p.graph.set_op_base(static_cast<std::size_t>(p.step) * (n - p.first));
    } else {
      return nullptr;
    }
    const Workload& w = p.step >= 0 ? steps_ : w_;
    build_ops(design_, p.graph, w, p.first, p.last, mapping_, params_, strategy_);
    // The next phase is built once any job it reads from the phases before it has ended: a
    // block's inputs from the blocks before it, a step's the previous pass's last operator.
    std::vector<const Done<Job*>*> reads;
    if (block_ < blocks_.size()) {
      const auto [next, end] = blocks_[block_];
      for (std::size_t i = next; i < end; ++i)
        for (std::size_t in : w_.ops[i].inputs)
          if (in < next) reads.push_back(&design_.done[in]);
    } else if (steps_left()) {
      reads.push_back(&design_.done[p.last - 1]);
    }
    for (const Done<Job*>* done : reads)
      for (const auto& [rows, job] : *done) p.graph.trigger_next(*job);
    // Later steps build over design_.done: the phase keeps its own.
    if (w_.shared_steps)
      p.done.assign(design_.done.begin() + static_cast<std::ptrdiff_t>(p.first),
                    design_.done.begin() + static_cast<std::ptrdiff_t>(p.last));
    sim_.jobs += p.graph.jobs().size();
    phases_.push_back(std::move(p));
    return &phases_.back().graph;
  }

  void finished(JobGraph& graph) override {
    const Phase& p = phases_.front();
    if (&graph != &p.graph) throw std::logic_error("phases ended out of order");
    if (p.step >= 0) w_.apply_step(steps_.ops, p.step);
    tally(p.step >= 0 ? steps_ : w_, p);
    phases_.pop_front();
    if (phases_.empty() && block_ == blocks_.size() && !steps_left()) {
      // The design's last phase: only its platform is needed from now on.
      std::vector<Done<Job*>>().swap(design_.done);
      std::vector<OpTally>().swap(ops_);
      std::vector<Done<Picos>>().swap(times_);
      std::vector<Operator>().swap(steps_.ops);
    }
  }

 private:
  struct Phase {
    JobGraph graph;
    std::size_t first = 0, last = 0;
    std::int64_t step = -1;        // -1: the prompt, or the whole workload
    std::vector<Done<Job*>> done;  // shared steps: operators first.. last - 1
  };

  bool steps_left() const { return w_.shared_steps && step_ < w_.decode_tokens; }

  const Done<Job*>& done_of(const Phase& p, std::size_t i) const {
    return p.done.empty() ? design_.done[i] : p.done[i - p.first];
  }

  void tally(const Workload& w, const Phase& p) {
    ops_.assign(p.last - p.first, OpTally{});
    for (const Job& job : p.graph.jobs()) {
      const std::size_t i = job.op - p.graph.op_base();
      OpTally& t = ops_[i - p.first];
      if (job.role == JobRole::Input) t.input += job.end - job.start;
      take_earliest(t.ready, job.ready);
      take_earliest(t.start, job.start);
      t.end = std::max(t.end, job.end);
      t.energy.add(job.energy);
      if (hybrid_) {
        auto it = std::find_if(t.busy.begin(), t.busy.end(),
                               [&](const auto& entry) { return entry.first == job.resource; });
        if (it == t.busy.end())
          t.busy.emplace_back(job.resource, job.busy);
        else
          it->second += job.busy;
      }
      if (want_trace_) trace(w.ops[i], job);
    }
    std::vector<Picos> twin;
    if (hybrid_) {
      // The twin releases the phase's inputs when the simulation finished them.
      if (p.step > 0) times_[p.first - 1] = times_[w.ops.size() - 1];
      for (std::size_t i = p.first; i < p.last; ++i) {
        Done<Picos>& t = times_[i];
        t.clear();
        for (const auto& [rows, job] : done_of(p, i)) t.emplace_back(rows, job->end);
      }
      twin = twin_latencies(w, p.first, p.last, mapping_, params_, strategy_, times_);
    }
    // Each block's span in this phase, per decode step (one per phase with shared steps).
    std::map<std::pair<std::size_t, std::int64_t>, std::pair<Picos, Picos>> spans;
    for (std::size_t i = p.first; i < p.last; ++i) {
      const Operator& op = w.ops[i];
      const OpTally& t = ops_[i - p.first];
      OpResult& o = sim_.ops[sim_.rows.row_of[i]];
      if (!hybrid_) {
        // The row's operator over its steps (counted once: the analog-only design runs first).
        if (o.steps == 0)
          o.op = op;
        else
          o.op.tokens += op.tokens;
        o.op.kv_tokens = op.kv_tokens;
        o.op.width = op.width;
        o.op.step = op.step;
        ++o.steps;
      }
      Tally row = Tally::of(o, hybrid_);
      take_earliest(row.ready, t.ready);
      take_earliest(row.start, t.start);
      row.end = std::max(row.end, t.end);
      row.input += t.input;
      row.energy.add(t.energy);
      (hybrid_ ? o.hybrid : o.analog_only) += t.end - t.ready;
      if (hybrid_) {
        Picos most[3] = {0, 0, 0};
        for (const auto& [resource, time] : t.busy) {
          Picos& m = most[kind_index(resource->resource_kind())];
          m = std::max(m, time);
        }
        o.tile_busy += most[0];
        o.link_busy += most[1];
        o.pmca_busy += most[2];
        o.hybrid_analytic += twin[i - p.first];
      }
      const auto b = sim_.block_index.find(op.block);
      if (b == sim_.block_index.end()) continue;
      auto [it, fresh] = spans.try_emplace({b->second, op.step}, t.ready, t.end);
      if (!fresh) {
        take_earliest(it->second.first, t.ready);
        it->second.second = std::max(it->second.second, t.end);
      }
    }
    std::vector<Picos>& blocks = hybrid_ ? sim_.block_hybrid : sim_.block_analog;
    for (const auto& [key, span] : spans)
      blocks[key.first] += span.second - std::max<Picos>(span.first, 0);
  }

  void trace(const Operator& op, const Job& job) {
    const char* what =
        job.role == JobRole::Digital ? op_kind_name(op.kind) : job_role_name(job.role);
    TraceEvent e;
    e.lane = job.resource->name();
    e.name = op.block + "." + op.name + " " + what;
    e.hybrid = hybrid_;
    e.start = job.start;
    e.end = job.end;
    e.category = job_role_name(job.role);
    e.op = op.block + "." + op.name;
    e.count = job.count;
    e.bytes = job.bytes;
    e.energy_pj = job.energy.total();
    if (const auto* tile = dynamic_cast<const Tile*>(job.resource)) e.lane_tiles = tile->tiles();
    sim_.trace.push_back(std::move(e));
  }

  const Workload& w_;
  const Mapping& mapping_;
  const PlatformParams& params_;
  const Strategy& strategy_;
  Simulated& sim_;
  bool hybrid_, want_trace_;
  BuiltDesign design_;
  std::vector<std::pair<std::size_t, std::size_t>> blocks_;  // block_phases()
  std::size_t block_ = 0;                                    // the next of blocks_ to build
  Workload steps_;  // shared steps: the operators, set to the step being built or tallied
  std::int64_t step_ = 0;
  std::deque<Phase> phases_;
  std::vector<OpTally> ops_;
  std::vector<Done<Picos>> times_;  // hybrid: when the simulation finished each chunk
};

// Both designs on one floorplan, each in a simulation of its own, phase by phase.
Simulated simulate_designs(const Workload& w, const Mapping& mapping, const PlatformParams& params,
                           const Strategy& strategy, bool want_trace) {
  const Placement placement = place_workload(mapping, params, true);
  Simulated sim;
  sim.rows = rows_of(w);
  sim.ops.resize(sim.rows.first.size());
  for (OpResult& o : sim.ops)
    o.analog_only_ready = o.analog_only_start = o.hybrid_ready = o.hybrid_start = -1;
  sim.block_analog.assign(w.blocks.size(), 0);
  sim.block_hybrid.assign(w.blocks.size(), 0);
  for (std::size_t k = 0; k < w.blocks.size(); ++k) sim.block_index.emplace(w.blocks[k], k);
  // The two designs share no resource, so each runs in a simulation of its own, one after the
  // other, with the same timing as side by side. The analog-only platform's figures are taken
  // when its run has ended, and it is freed before the hybrid one is built; the hybrid platform
  // outlives its jobs for the figures below.
  Picos analog_span = 0;
  {
    SimulationContext context;
    DesignRun run(Design::AnalogOnly, w, mapping, params, strategy, placement, sim, want_trace);
    run_phases(run);
    for (const OpResult& o : sim.ops) analog_span = std::max(analog_span, o.analog_only_end);
    const Platform& analog = *run.design().platform;
    sim.analog_gating = analog.gating(analog_span);
    sim.analog_area = analog.area();
    sim.figures.analog_only_pmcas = analog.pmcas();
  }
  SimulationContext context;
  DesignRun run(Design::Hybrid, w, mapping, params, strategy, placement, sim, want_trace);
  run_phases(run);
  Platform& hybrid = *run.design().platform;
  Picos span = 0;
  for (const OpResult& o : sim.ops) span = std::max(span, o.hybrid_end);
  sim.hybrid_gating = hybrid.gating(span);
  sim.hybrid_area = hybrid.area();
  const std::size_t analog_only_pmcas = sim.figures.analog_only_pmcas;
  sim.figures = platform_figures(w, params, hybrid, span);
  sim.figures.analog_only_pmcas = analog_only_pmcas;
  return sim;
}

// End-to-end and prefill latencies of each design: the last end among its operators.
struct Spans {
  Picos analog_only = 0, hybrid = 0, prefill_analog_only = 0, prefill_hybrid = 0;
  Picos sum_analog_only = 0, sum_hybrid = 0;  // operator latencies summed (leakage shares)
};

Spans spans_of(const Simulated& sim) {
  Spans s;
  for (const OpResult& o : sim.ops) {
    s.analog_only = std::max(s.analog_only, o.analog_only_end);
    s.hybrid = std::max(s.hybrid, o.hybrid_end);
    s.sum_analog_only += o.analog_only;
    s.sum_hybrid += o.hybrid;
    if (!o.op.decode) {
      s.prefill_analog_only = std::max(s.prefill_analog_only, o.analog_only_end);
      s.prefill_hybrid = std::max(s.prefill_hybrid, o.hybrid_end);
    }
  }
  return s;
}

// Leakage of a whole platform over its run, shared among the operators by latency.
double static_share(double total_pj, Picos op_latency, Picos sum) {
  return sum > 0 ? total_pj * static_cast<double>(op_latency) / static_cast<double>(sum) : 0;
}

// Completes each row in place: its mapping, its bottleneck and its share of each platform's
// leakage. Ready and start times stay raw (-1: no job) until clamp_times.
void finish_op_results(const Mapping& mapping, Simulated& sim, const Spans& spans) {
  static const char* kKinds[3] = {"aimc", "transfer", "pmca"};
  static const EnergyComponent kStatic = energy_component("static");
  for (std::size_t r = 0; r < sim.ops.size(); ++r) {
    OpResult& o = sim.ops[r];
    const OpMapping& m = mapping.ops[sim.rows.first[r]];
    o.slot = m.slot;
    o.chunk = m.chunk;
    const LoraChunkCost& cost = m.chunk_cost();
    o.chunk_cost = {cost.duration, cost.utilisation, cost.l1_bytes, cost.spilled};
    if (o.op.kind == OpKind::Linear) {
      o.tiles = m.split.tiles();
      o.row_blocks = m.split.row_blocks();
      o.col_blocks = m.split.col_blocks();
    }
    const Picos busy[3] = {o.tile_busy, o.link_busy, o.pmca_busy};
    o.bottleneck = kKinds[std::max_element(busy, busy + 3) - busy];
    o.analog_only_energy.add(
        kStatic, static_share(sim.analog_gating.leakage_pj, o.analog_only, spans.sum_analog_only));
    o.hybrid_energy.add(kStatic,
                        static_share(sim.hybrid_gating.leakage_pj, o.hybrid, spans.sum_hybrid));
  }
}

// Ready and start times of an operator with no job of a design read 0.
void clamp_times(std::vector<OpResult>& ops) {
  for (OpResult& o : ops)
    for (Picos* t : {&o.analog_only_ready, &o.hybrid_ready, &o.analog_only_start, &o.hybrid_start})
      *t = std::max<Picos>(*t, 0);
}

// A block's latency runs from its first ready input to its last job; a decode block recurs once
// per step, and its steps' spans (summed as the phases ended) add up.
std::vector<BlockResult> block_results(const Workload& w, const Simulated& sim) {
  std::vector<BlockResult> blocks(w.blocks.size());
  for (std::size_t k = 0; k < w.blocks.size(); ++k) {
    blocks[k].name = w.blocks[k];
    blocks[k].analog_only = sim.block_analog[k];
    blocks[k].hybrid = sim.block_hybrid[k];
  }
  // The rows in order, so each block adds its operators' energies in the order it always did.
  for (const OpResult& o : sim.ops) {
    const auto it = sim.block_index.find(o.op.block);
    if (it == sim.block_index.end()) continue;
    BlockResult& b = blocks[it->second];
    b.ops += static_cast<std::size_t>(o.steps);
    if (o.op.kind == OpKind::Linear) b.linear_ops += static_cast<std::size_t>(o.steps);
    b.analog_only_energy.add(o.analog_only_energy);
    b.hybrid_energy.add(o.hybrid_energy);
  }
  return blocks;
}

// Notes on how the run applied that the user should know.
std::vector<std::string> strategy_notes(const Workload& w, const Strategy& strategy,
                                        const std::string& name) {
  std::vector<std::string> notes;
  if (strategy.wavefront() && std::none_of(w.ops.begin(), w.ops.end(),
                                           [](const Operator& op) { return !op.inputs.empty(); }))
    notes.push_back(name + ": " + w.model +
                    " has no operator that feeds another, so there is nothing to pipeline across "
                    "layers; it runs as token-pipelined");
  else if (strategy.wavefront())
    notes.push_back(
        name +
        ": layers overlap as a wavefront, so linears_summed (the linears' spans summed) "
        "counts overlapping time more than once; compare the end-to-end latencies");
  return notes;
}

// Linears faster in the hybrid design than in the analog-only one: said and explained, since the
// hybrid design does more work on the same hardware.
std::vector<std::string> faster_with_lora_notes(const std::vector<OpResult>& ops, Picos analog_only,
                                                Picos hybrid, const std::string& strategy) {
  std::size_t n = 0;
  const OpResult* first = nullptr;
  for (const OpResult& o : ops) {
    if (o.op.kind != OpKind::Linear || o.hybrid >= o.analog_only) continue;
    ++n;
    if (!first) first = &o;
  }
  if (!first) return {};
  // When each design's first chunk of the operator could start.
  const double ready_a = ps_to_ns(first->analog_only_end - first->analog_only) / 1e3;
  const double ready_h = ps_to_ns(first->hybrid_end - first->hybrid) / 1e3;
  return {fmt::format(
      "{}: {} linear(s) are faster in the hybrid design than analog-only{} (first {}.{}: {:.3f} "
      "us against {:.3f} us; its input's first chunk was ready at {:.3f} us hybrid, {:.3f} us "
      "analog-only). A PMCA takes jobs in the order they become ready: where a layer's tiles "
      "deliver every chunk at once (analog-only), every chunk of one digital operator (e.g. the "
      "attention scores) is queued before the first chunk of the next one is ready, so the "
      "following layers start later; in the hybrid design the adapters pace the chunks and the "
      "PMCA works chunk by chunk. A list-scheduling anomaly of the issue order, not of the "
      "hardware",
      strategy, n, hybrid < analog_only ? ", and end to end" : "", first->op.block, first->op.name,
      ps_to_ns(first->hybrid) / 1e3, ps_to_ns(first->analog_only) / 1e3, ready_h, ready_a)};
}

}  // namespace

RunResult simulate(const Config& cfg) {
  return simulate(cfg, build_workload(WorkloadParams::from(cfg)));
}

namespace {

// One run with `tiles_per_pmca` (0: auto) for the platform.tiles_per_pmca key.
RunResult simulate_one(const Config& cfg, Workload workload, std::int64_t tiles_per_pmca) {
  const PlatformParams params = PlatformParams::from(cfg);
  const PipelineParams pipeline = PipelineParams::from(cfg);
  PlatformSizeParams size = PlatformSizeParams::from(cfg);
  size.tiles_per_pmca = tiles_per_pmca;
  // The costs of a LoRA chunk or a digital operator's rows, each computed once per run (a
  // decoder's steps repeat the same shapes).
  const LoraCostMemo lora_memo(params.pmca);
  const DigitalCostMemo digital_memo(params.pmca);
  const auto strategy = StrategyRegistry::instance().create(pipeline.strategy);
  strategy->set_options(
      {pipeline.adapter_start == "xw-first" ? AdapterStart::XwFirst : AdapterStart::Input,
       pipeline.xw_buffer_chunks});
  const Workload& w = workload;
  // Map.
  const Mapping mapping = map_workload(
      w, params,
      pipeline.chunk_tokens > 0 ? std::optional<std::int64_t>(pipeline.chunk_tokens) : std::nullopt,
      *strategy, size.tiles_per_pmca, size.packing == "dense");
  const MappingReport mapped = report_mapping(w, mapping, params, cfg);
  check_resources(w, mapping, mapped, WorkloadParams::from(cfg).memory_limit);
  // Build and simulate both designs, with the analytic twin.
  Simulated sim = simulate_designs(w, mapping, params, *strategy, OutputParams::from(cfg).trace);
  // Collect.
  RunResult r;
  r.strategy = pipeline.strategy;
  r.notes = w.notes;
  for (std::string& note : strategy_notes(w, *strategy, pipeline.strategy))
    r.notes.push_back(std::move(note));
  const Spans spans = spans_of(sim);
  r.analog_only = spans.analog_only;
  r.hybrid = spans.hybrid;
  r.prefill_analog_only = spans.prefill_analog_only;
  r.prefill_hybrid = spans.prefill_hybrid;
  finish_op_results(mapping, sim, spans);
  r.blocks = block_results(w, sim);
  clamp_times(sim.ops);
  r.ops = std::move(sim.ops);
  for (std::string& note : faster_with_lora_notes(r.ops, r.analog_only, r.hybrid, r.strategy))
    r.notes.push_back(std::move(note));
  for (const OpResult& o : r.ops) {
    if (o.op.kind == OpKind::Linear) {
      r.linear_analog_only += o.analog_only;
      r.linear_hybrid += o.hybrid;
    }
    r.analog_only_energy.add(o.analog_only_energy);
    r.hybrid_energy.add(o.hybrid_energy);
  }
  for (BlockResult& b : r.blocks) {
    b.analog_only_share =
        r.analog_only > 0 ? static_cast<double>(b.analog_only) / static_cast<double>(r.analog_only)
                          : 0.0;
    b.hybrid_share =
        r.hybrid > 0 ? static_cast<double>(b.hybrid) / static_cast<double>(r.hybrid) : 0.0;
  }
  r.mapping = mapped;
  r.mapping.pmcas_used = sim.figures.pmcas;
  const PlatformFigures& f = sim.figures;
  r.tiles = f.tiles;
  r.pmcas = f.pmcas;
  r.links = f.links;
  r.analog_only_pmcas = f.analog_only_pmcas;
  r.topology = f.topology;
  r.tile_stats = f.tile_stats;
  r.busiest_links = f.busiest_links;
  r.programming = f.programming;
  r.pmca = f.pmca;
  r.trace = std::move(sim.trace);
  r.pmca_engine = params.pmca.gemm().describe(params.pmca);
  if (r.pmca_engine.empty())
    r.pmca_engine = "GEMMs on the " + std::to_string(params.pmca.cores) + " cores";
  r.pmca_freq_hz = params.pmca.freq_hz;
  r.gating = params.power.gating;
  r.analog_only_gating = sim.analog_gating;
  r.hybrid_gating = sim.hybrid_gating;
  r.analog_only_area = sim.analog_area;
  r.hybrid_area = sim.hybrid_area;
  r.jobs = sim.jobs;
  r.workload = std::move(workload);
  return r;
}

// The platform sized to platform.area_budget: every PMCA count platform.tiles_per_pmca can give
// is simulated (auto, then 1, 2, 4, ... below the largest layer's tiles; only the given one when
// it is not auto), and the fastest hybrid design whose area fits is the result.
RunResult simulate_to_area(const Config& cfg, const Workload& workload,
                           const PlatformSizeParams& size) {
  std::vector<std::int64_t> splits{size.tiles_per_pmca};
  std::vector<RunResult> runs;
  runs.push_back(simulate_one(cfg, workload, size.tiles_per_pmca));
  if (size.tiles_per_pmca == 0) {
    std::int64_t most = 0;
    for (const OpResult& o : runs.front().ops) most = std::max(most, o.tiles);
    for (std::int64_t k = 1; k < most; k *= 2) {
      splits.push_back(k);
      runs.push_back(simulate_one(cfg, workload, k));
    }
  }
  SizingReport sizing;
  sizing.budget_mm2 = size.area_budget_mm2;
  std::size_t best = runs.size(), smallest = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    const double area = r.hybrid_area.total();
    const bool fits = area <= size.area_budget_mm2;
    sizing.candidates.push_back({splits[i], r.tiles, r.pmcas, area, r.hybrid, fits});
    if (area < runs[smallest].hybrid_area.total()) smallest = i;
    if (fits && (best == runs.size() || r.hybrid < runs[best].hybrid)) best = i;
  }
  if (best == runs.size()) {
    const RunResult& s = runs[smallest];
    throw InputError(fmt::format(
        "{}: platform.area_budget: {:g} mm2 is less than the smallest platform for {}: {:.3f} mm2 "
        "({} tiles of {:.4f} mm2 and {} PMCAs of {:.4f} mm2, links {:.3f} mm2); raise the budget, "
        "or make tiles or PMCAs smaller",
        cfg.origin("platform.area_budget"), size.area_budget_mm2, workload.model,
        s.hybrid_area.total(), s.tiles, s.hybrid_area.tile.total(), s.pmcas,
        s.hybrid_area.pmca.total(), s.hybrid_area.links));
  }
  sizing.chosen = best;
  RunResult out = std::move(runs[best]);
  out.sizing = sizing;
  return out;
}

}  // namespace

RunResult simulate(const Config& cfg, Workload workload) {
  const PlatformSizeParams size = PlatformSizeParams::from(cfg);
  if (size.area_budget_mm2 > 0) return simulate_to_area(cfg, workload, size);
  return simulate_one(cfg, std::move(workload), size.tiles_per_pmca);
}

}  // namespace aimcsim
