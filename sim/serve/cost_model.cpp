#include "sim/serve/cost_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/base/error.hpp"
#include "sim/run/run.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {
namespace {

double dynamic_pj(const EnergyBreakdown& e) { return e.total() - e.get("static"); }

DesignCosts costs_of(const RunResult& r) {
  DesignCosts c;
  const Picos tile_busy = static_cast<Picos>(
      std::llround(r.tile_stats.utilisation_mean * static_cast<double>(r.hybrid)));
  c.hybrid = {r.hybrid, dynamic_pj(r.hybrid_energy), tile_busy,
              r.pmcas > 0 ? r.pmca.busy / static_cast<Picos>(r.pmcas) : 0};
  // The analog-only design runs the same MVMs and, on its PMCAs, only the digital operators.
  c.analog_only = {
      r.analog_only, dynamic_pj(r.analog_only_energy), tile_busy,
      r.analog_only_pmcas > 0 ? r.pmca.digital_busy / static_cast<Picos>(r.analog_only_pmcas) : 0};
  return c;
}

PassCost between(const PassCost& a, const PassCost& b, double f) {
  const auto mix = [f](double x, double y) { return x + (y - x) * f; };
  PassCost c;
  c.latency = static_cast<Picos>(
      std::llround(mix(static_cast<double>(a.latency), static_cast<double>(b.latency))));
  c.energy_pj = mix(a.energy_pj, b.energy_pj);
  c.tile_busy = static_cast<Picos>(
      std::llround(mix(static_cast<double>(a.tile_busy), static_cast<double>(b.tile_busy))));
  c.pmca_busy = static_cast<Picos>(
      std::llround(mix(static_cast<double>(a.pmca_busy), static_cast<double>(b.pmca_busy))));
  return c;
}

// The model's decode step alone: the prompt's operators left out (their results, the KV
// cache, are taken as in place), every operator of the step carrying `batch` tokens, each query
// attending to all of its own request's keys.
Workload decode_step_of(const Workload& w, std::int64_t batch) {
  Workload out;
  out.model = w.model;
  out.family = w.family;
  out.seq_len = w.seq_len;
  out.decode_tokens = w.decode_tokens;
  out.kv_cache_values = w.kv_cache_values;
  out.idle_linears = w.idle_linears;
  out.routing = w.routing;
  out.experts = w.experts;
  out.experts_per_token = w.experts_per_token;
  for (const std::string& b : w.blocks)
    if (b.rfind("decode/", 0) == 0) out.blocks.push_back(b);
  std::vector<std::int64_t> index(w.ops.size(), -1);
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    if (!w.ops[i].decode) continue;
    Operator o = w.ops[i];
    o.tokens *= batch;
    if (o.kind == OpKind::Matmul || o.kind == OpKind::Softmax) o.causal = false;
    std::vector<std::size_t> inputs;
    for (std::size_t in : o.inputs)
      if (index[in] >= 0) inputs.push_back(static_cast<std::size_t>(index[in]));
    o.inputs = inputs;
    index[i] = static_cast<std::int64_t>(out.ops.size());
    out.ops.push_back(std::move(o));
  }
  for (Workload::ExpertLoad e : w.expert_load) {
    e.prompt_tokens = 0;
    e.decode_tokens *= batch;
    out.expert_load.push_back(e);
  }
  return out;
}

bool power_of_two(std::int64_t x) { return x > 0 && (x & (x - 1)) == 0; }
std::int64_t floor_pow2(std::int64_t x) {
  std::int64_t p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}

}  // namespace

CostModel::CostModel(const Config& cfg, const std::string& grid)
    : schema_(build_schema()), yaml_(cfg.to_yaml()), pow2_(grid == "pow2") {
  const Config base = with({"workload.decode_tokens=0"});
  const WorkloadParams wp = WorkloadParams::from(base);
  model_ = wp.model;
  try {
    WorkloadParams one = wp;
    one.decode_tokens = 1;
    build_workload(one);
    decoder_ = true;
  } catch (const InputError&) {
    decoder_ = false;
  }
  rank_ = wp.rank;
  // Programming and leakage from a run of the configured prompt.
  const RunResult r = simulate(base);
  ++simulations_;
  pmcas_ = static_cast<std::int64_t>(r.pmcas);
  program_time_ = r.programming.all_tiles_parallel;
  program_energy_pj_ = r.programming.energy_pj;
  const auto mw = [](double pj, Picos span) {
    return span > 0 ? pj / static_cast<double>(span) * 1e3 : 0.0;
  };
  leak_hybrid_mw_ = mw(r.hybrid_gating.ungated_pj, r.hybrid);
  leak_analog_mw_ = mw(r.analog_only_gating.ungated_pj, r.analog_only);
  prefill_points_[{wp.seq_len, rank_}] = costs_of(r);
}

std::int64_t CostModel::adapter_bytes(std::int64_t rank) {
  rank = rank_of(rank);
  if (!sizes_.count(rank)) adapter_share(rank);
  return sizes_.at(rank).first;
}

std::int64_t CostModel::adapter_share(std::int64_t rank) {
  rank = rank_of(rank);
  const auto at = sizes_.find(rank);
  if (at != sizes_.end()) return at->second.second;
  std::vector<std::string> o = rank_override(rank);
  o.push_back("workload.decode_tokens=0");
  const Config cfg = with(o);
  const std::int64_t elem = PmcaParams::from(cfg).elem_bytes;
  std::int64_t bytes = 0, share = 0;
  const Workload w = build_workload(WorkloadParams::from(cfg));
  for (const Operator* op : w.weights()) {
    const std::int64_t b = op->rank * (op->in + op->out) * elem;
    bytes += b;
    share = std::max(share, b);
  }
  sizes_[rank] = {bytes, share};
  return share;
}

std::vector<std::string> CostModel::rank_override(std::int64_t rank) const {
  if (rank == rank_) return {};
  return {fmt::format("lora.rank={}", rank)};
}

Config CostModel::with(const std::vector<std::string>& overrides) const {
  return Config::load(schema_, {{"serve config", yaml_}}, overrides);
}

DesignCosts CostModel::simulate_prefill(std::int64_t prompt, std::int64_t rank) {
  const auto at = prefill_points_.find({prompt, rank});
  if (at != prefill_points_.end()) return at->second;
  std::vector<std::string> o = rank_override(rank);
  o.push_back(fmt::format("workload.seq_len={}", prompt));
  o.push_back("workload.decode_tokens=0");
  const RunResult r = simulate(with(o));
  ++simulations_;
  return prefill_points_[{prompt, rank}] = costs_of(r);
}

DesignCosts CostModel::simulate_step(std::int64_t batch, std::int64_t groups, std::int64_t context,
                                     std::int64_t rank) {
  const StepKey key{batch, groups, context, rank};
  const auto at = step_points_.find(key);
  if (at != step_points_.end()) return at->second;
  std::vector<std::string> overrides = rank_override(rank);
  overrides.push_back(fmt::format("workload.seq_len={}", context));
  overrides.push_back("workload.decode_tokens=1");
  if (groups > 1)
    overrides.push_back(
        fmt::format("pipeline.chunk_tokens={}", std::max<std::int64_t>(1, batch / groups)));
  const Config cfg = with(overrides);
  const RunResult r =
      simulate(cfg, decode_step_of(build_workload(WorkloadParams::from(cfg)), batch));
  ++simulations_;
  return step_points_[key] = costs_of(r);
}

DesignCosts CostModel::prefill(std::int64_t prompt, std::int64_t rank) {
  rank = rank_of(rank);
  const auto at = prefills_.find({prompt, rank});
  if (at != prefills_.end()) return at->second;
  DesignCosts c;
  if (!pow2_ || power_of_two(prompt)) {
    c = simulate_prefill(prompt, rank);
  } else {
    const std::int64_t lo = floor_pow2(prompt);
    const double f = static_cast<double>(prompt - lo) / static_cast<double>(lo);
    const DesignCosts a = simulate_prefill(lo, rank);
    try {
      const DesignCosts b = simulate_prefill(2 * lo, rank);
      c = {between(a.hybrid, b.hybrid, f), between(a.analog_only, b.analog_only, f)};
    } catch (const InputError&) {
      c = simulate_prefill(prompt, rank);  // the next power of two cannot be simulated (limits)
    }
  }
  return prefills_[{prompt, rank}] = c;
}

DesignCosts CostModel::step(std::int64_t batch, std::int64_t groups, std::int64_t context,
                            std::int64_t rank) {
  rank = rank_of(rank);
  const StepKey key{batch, groups, context, rank};
  const auto at = steps_.find(key);
  if (at != steps_.end()) return at->second;
  DesignCosts c;
  if (!pow2_ || power_of_two(context)) {
    c = simulate_step(batch, groups, context, rank);
  } else {
    const std::int64_t lo = floor_pow2(context);
    const double f = static_cast<double>(context - lo) / static_cast<double>(lo);
    const DesignCosts a = simulate_step(batch, groups, lo, rank);
    try {
      const DesignCosts b = simulate_step(batch, groups, 2 * lo, rank);
      c = {between(a.hybrid, b.hybrid, f), between(a.analog_only, b.analog_only, f)};
    } catch (const InputError&) {
      c = simulate_step(batch, groups, context, rank);  // as for prefill()
    }
  }
  return steps_[key] = c;
}

}  // namespace aimcsim
