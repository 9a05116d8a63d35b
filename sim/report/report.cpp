#include "sim/report/report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/version.hpp"
#include "sim/report/trace.hpp"

namespace aimcsim {

namespace {

std::string ns(Picos ps) { return fmt::format("{:.3f}", ps_to_ns(ps)); }
double ns_value(Picos ps) { return ps_to_ns(ps); }
double ratio(Picos a, Picos b) {
  return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b);
}

nlohmann::ordered_json energy_json(const EnergyBreakdown& e) {
  nlohmann::ordered_json j;
  j["total_nj"] = e.total() / 1e3;
  nlohmann::ordered_json parts = nlohmann::ordered_json::object();
  for (const auto& [name, pj] : e.items()) parts[name + "_nj"] = pj / 1e3;
  j["components"] = parts;
  return j;
}

// Energy of the components whose names start with `prefix`, pJ.
double prefix_total(const EnergyBreakdown& e, const std::string& prefix) {
  double sum = 0;
  for (const auto& [name, pj] : e.items())
    if (name.compare(0, prefix.size(), prefix) == 0) sum += pj;
  return sum;
}

// The hybrid design's PMCAs, summed over all of them.
nlohmann::ordered_json pmca_json(const PmcaStats& s) {
  nlohmann::ordered_json j;
  j["engine"] = s.engine;
  j["chunks"] = s.chunks;
  j["spilled_chunks"] = s.spilled_chunks;
  j["busy_ns"] = ns_value(s.busy);
  j["utilisation"] = s.utilisation();
  j["cycles"] = {{"total", s.cycles},
                 {"compute", s.compute_cycles},
                 {"stall", s.stall_cycles},
                 {"dma_wait", s.dma_wait_cycles},
                 {"overhead", s.overhead_cycles}};
  j["kernel_cycles"] = s.kernel_cycles;
  j["l1_peak_bytes"] = s.l1_peak_bytes;
  j["dma_bytes"] = s.dma_bytes;
  j["dynamic_energy_nj"] = s.energy.total() / 1e3;
  return j;
}

}  // namespace

std::string layers_csv(const RunResult& r) {
  std::string out =
      "layer,op,in_features,out_features,tokens,chunk_tokens,analog_only_ns,hybrid_ns,overhead,"
      "bottleneck,analog_only_energy_nj,hybrid_energy_nj,rank,tile_busy_ns,transfer_busy_ns,"
      "pmca_busy_ns,hybrid_analytic_ns,pmca_chunk_ns,pmca_util,pmca_l1_bytes,pmca_l1_spill,tiles,"
      "row_blocks,"
      "col_blocks,input_transfer_ns,analog_only_input_transfer_ns,hybrid_aimc_energy_nj,"
      "hybrid_transfer_energy_nj,hybrid_pmca_energy_nj,hybrid_static_energy_nj,twin_differs\n";
  for (const OpResult& o : r.ops) {
    if (o.op.kind != OpKind::Linear) continue;
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{:.6f},{},{:.6f},{:.6f},{},{},{},{},{},{},{:.4f},{},{},",
        o.op.block, o.op.name, o.op.in, o.op.out, o.op.tokens, o.chunk, ns(o.analog_only),
        ns(o.hybrid), o.overhead(), o.bottleneck, o.analog_only_energy.total() / 1e3,
        o.hybrid_energy.total() / 1e3, o.op.rank, ns(o.tile_busy), ns(o.link_busy), ns(o.pmca_busy),
        ns(o.hybrid_analytic), ns(o.chunk_cost.duration), o.chunk_cost.utilisation,
        o.chunk_cost.l1_bytes, o.chunk_cost.spilled ? "true" : "false");
    out += fmt::format(
        "{},{},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{}\n", o.tiles, o.row_blocks, o.col_blocks,
        ns(o.input_transfer), ns(o.analog_only_input_transfer),
        prefix_total(o.hybrid_energy, "aimc.") / 1e3, prefix_total(o.hybrid_energy, "link") / 1e3,
        prefix_total(o.hybrid_energy, "pmca.") / 1e3, prefix_total(o.hybrid_energy, "static") / 1e3,
        o.twin_differs() ? "true" : "false");
  }
  return out;
}

std::string ops_csv(const RunResult& r) {
  std::string out =
      "block,op,kind,variant,tokens,pmca_slot,analog_only_ns,hybrid_ns,overhead,analog_only_end_ns,"
      "hybrid_end_ns,"
      "hybrid_analytic_ns,analog_only_energy_nj,hybrid_energy_nj\n";
  for (const OpResult& o : r.ops) {
    out += fmt::format("{},{},{},{},{},{},{},{},{:.6f},{},{},{},{:.6f},{:.6f}\n", o.op.block,
                       o.op.name, op_kind_name(o.op.kind), o.op.variant, o.op.tokens, o.slot,
                       ns(o.analog_only), ns(o.hybrid), o.overhead(), ns(o.analog_only_end),
                       ns(o.hybrid_end), ns(o.hybrid_analytic), o.analog_only_energy.total() / 1e3,
                       o.hybrid_energy.total() / 1e3);
  }
  return out;
}

std::string summary_json(const RunResult& r, const Config& cfg) {
  nlohmann::ordered_json j;
  j["aimcsim_version"] = kVersion;
  j["model"] = r.workload.model;
  j["family"] = r.workload.family;
  j["seq_len"] = r.workload.seq_len;
  j["decode_tokens"] = r.workload.decode_tokens;
  j["strategy"] = r.strategy;
  j["chunk_tokens"] = cfg.integer_or_auto("pipeline.chunk_tokens")
                          ? nlohmann::ordered_json(*cfg.integer_or_auto("pipeline.chunk_tokens"))
                          : nlohmann::ordered_json("auto");
  j["notes"] = r.notes;
  j["analog_only_ns"] = ns_value(r.analog_only);
  j["hybrid_ns"] = ns_value(r.hybrid);
  j["overhead"] = ratio(r.hybrid, r.analog_only);
  // The static linears alone: what the adapters cost, apart from attention and the other
  // digital operators that both designs run on the PMCAs.
  j["lora"]["analog_only_ns"] = ns_value(r.linear_analog_only);
  j["lora"]["hybrid_ns"] = ns_value(r.linear_hybrid);
  j["lora"]["overhead"] = ratio(r.linear_hybrid, r.linear_analog_only);
  if (r.workload.decode_tokens > 0) {
    j["decode"]["prefill_analog_only_ns"] = ns_value(r.prefill_analog_only);
    j["decode"]["prefill_hybrid_ns"] = ns_value(r.prefill_hybrid);
    const double steps = static_cast<double>(r.workload.decode_tokens);
    j["decode"]["per_token_analog_only_ns"] =
        ns_value(r.analog_only - r.prefill_analog_only) / steps;
    j["decode"]["per_token_hybrid_ns"] = ns_value(r.hybrid - r.prefill_hybrid) / steps;
    j["decode"]["kv_cache_bytes"] = r.mapping.kv_cache_bytes;
    j["decode"]["kv_cache_layer_bytes"] = r.mapping.kv_cache_layer_bytes;
    j["decode"]["kv_cache_capacity_bytes"] = r.mapping.kv_cache_capacity_bytes;
    j["decode"]["kv_cache_fits"] =
        r.mapping.kv_cache_layer_bytes <= r.mapping.kv_cache_capacity_bytes;
  }
  std::map<std::string, int> bottlenecks;
  std::size_t differs = 0;
  for (const auto& o : r.ops) {
    if (o.op.kind == OpKind::Linear) ++bottlenecks[o.bottleneck];
    differs += o.twin_differs();
  }
  j["bottleneck_counts"] = bottlenecks;
  j["analytic_twin"]["ops_differing_over_5pct"] = differs;
  j["energy"]["analog_only"] = energy_json(r.analog_only_energy);
  j["energy"]["hybrid"] = energy_json(r.hybrid_energy);
  j["energy"]["overhead"] =
      r.analog_only_energy.total() > 0 ? r.hybrid_energy.total() / r.analog_only_energy.total() : 0;
  const double tokens = static_cast<double>(r.workload.seq_len + r.workload.decode_tokens);
  auto per_s = [&](Picos t) { return t > 0 ? tokens / (ps_to_ns(t) * 1e-9) : 0.0; };
  auto per_j = [&](const EnergyBreakdown& e) {
    return e.total() > 0 ? tokens / (e.total() * 1e-12) : 0.0;
  };
  j["throughput"]["analog_only_tokens_per_s"] = per_s(r.analog_only);
  j["throughput"]["hybrid_tokens_per_s"] = per_s(r.hybrid);
  j["throughput"]["analog_only_tokens_per_j"] = per_j(r.analog_only_energy);
  j["throughput"]["hybrid_tokens_per_j"] = per_j(r.hybrid_energy);
  j["platform"]["tiles"] = r.tiles;
  j["platform"]["pmcas"] = r.pmcas;
  j["platform"]["links"] = r.links;
  j["platform"]["analog_only_pmcas"] = r.analog_only_pmcas;
  j["workload"]["operators"] = r.workload.ops.size();
  j["workload"]["linear_ops"] = r.workload.linear_count();
  j["workload"]["analog_weights"] = r.workload.analog_weights();
  j["workload"]["lora_params"] = r.workload.lora_params();
  j["pmca"] = pmca_json(r.pmca);
  nlohmann::ordered_json blocks = nlohmann::ordered_json::array();
  for (const BlockResult& b : r.blocks) {
    nlohmann::ordered_json x;
    x["block"] = b.name;
    x["operators"] = b.ops;
    x["linear_ops"] = b.linear_ops;
    x["analog_only_ns"] = ns_value(b.analog_only);
    x["hybrid_ns"] = ns_value(b.hybrid);
    x["overhead"] = ratio(b.hybrid, b.analog_only);
    x["analog_only_energy_nj"] = b.analog_only_energy.total() / 1e3;
    x["hybrid_energy_nj"] = b.hybrid_energy.total() / 1e3;
    blocks.push_back(x);
  }
  j["blocks"] = blocks;

  std::int64_t max_tiles = 0;
  for (const auto& o : r.ops) max_tiles = std::max(max_tiles, o.tiles);
  j["platform"]["max_tiles_per_layer"] = max_tiles;
  j["platform"]["topology"] = r.topology;

  nlohmann::ordered_json ts;
  ts["tiles"] = r.tiles;
  ts["mvms"] = r.tile_stats.mvms;
  ts["utilisation_mean"] = r.tile_stats.utilisation_mean;
  ts["utilisation_max"] = r.tile_stats.utilisation_max;
  ts["energy"] = energy_json(r.tile_stats.energy);
  j["tile_stats"] = ts;

  nlohmann::ordered_json links = nlohmann::ordered_json::array();
  for (const LinkReport& l : r.busiest_links) {
    nlohmann::ordered_json x;
    x["link"] = l.name;
    x["bytes"] = l.bytes;
    x["busy_ns"] = ns_value(l.busy);
    x["utilisation"] = l.utilisation;
    x["energy_nj"] = l.energy_pj / 1e3;
    links.push_back(x);
  }
  j["interconnect"]["topology"] = r.topology;
  j["interconnect"]["links_used"] = r.links;
  j["interconnect"]["busiest_links"] = links;

  j["mapping"]["tile_budget"] = r.mapping.tile_budget > 0
                                    ? nlohmann::ordered_json(r.mapping.tile_budget)
                                    : nlohmann::ordered_json("auto");
  j["mapping"]["tiles_used"] = r.mapping.tiles_needed;
  j["mapping"]["array_utilisation"] = r.mapping.array_utilisation;
  j["mapping"]["pmcas_used"] = r.pmcas;
  j["mapping"]["l1_peak_bytes"] = r.mapping.l1_peak_bytes;
  j["mapping"]["l1_spilled_layers"] = r.mapping.spilled_layers;

  const ProgrammingReport& p = r.programming;
  nlohmann::ordered_json pj;
  pj["one_tile_ns"] = ns_value(p.one_tile);
  pj["all_tiles_sequential_ns"] = ns_value(p.all_tiles_sequential);
  pj["all_tiles_parallel_ns"] = ns_value(p.all_tiles_parallel);
  pj["all_tiles_energy_nj"] = p.energy_pj / 1e3;
  pj["lora_bytes"] = p.lora_bytes;
  pj["lora_load_link_ns"] = ns_value(p.lora_over_link);
  pj["lora_load_dma_parallel_ns"] = ns_value(p.lora_by_dma);
  pj["lora_load_energy_nj"] = p.lora_energy_pj / 1e3;
  pj["reprogram_over_lora_load"] = ratio(p.all_tiles_parallel, p.lora_over_link);
  j["programming"] = pj;
  return j.dump(2) + "\n";
}

void print_table(std::ostream& os, const RunResult& r) {
  os << fmt::format(
      "aimcsim {}: {} (seq_len {}{}), strategy {}, {} operators ({} linear) on {} tiles + {} "
      "PMCAs\n",
      kVersion, r.workload.model, r.workload.seq_len,
      r.workload.decode_tokens ? fmt::format(", {} decode tokens", r.workload.decode_tokens) : "",
      r.strategy, r.workload.ops.size(), r.workload.linear_count(), r.tiles, r.pmcas);
  os << fmt::format("{:<18} {:>5} {:>16} {:>14} {:>9} {:>16} {:>14}\n", "block", "ops",
                    "analog-only us", "hybrid us", "overhead", "analog-only uJ", "hybrid uJ");
  auto row = [&](const std::string& name, std::size_t ops, Picos a, Picos h, double ea, double eh) {
    os << fmt::format("{:<18} {:>5} {:>16.3f} {:>14.3f} {:>8.3f}x {:>16.3f} {:>14.3f}\n", name, ops,
                      ps_to_ns(a) / 1e3, ps_to_ns(h) / 1e3, ratio(h, a), ea / 1e6, eh / 1e6);
  };
  // Decode steps repeat every block; the table folds them into one row per block.
  std::size_t shown = 0;
  for (const BlockResult& b : r.blocks) {
    if (++shown > 40 && &b != &r.blocks.back()) {
      if (shown == 41) os << fmt::format("{:<18} (more blocks in summary.json)\n", "...");
      continue;
    }
    row(b.name, b.ops, b.analog_only, b.hybrid, b.analog_only_energy.total(),
        b.hybrid_energy.total());
  }
  row("total", r.ops.size(), r.analog_only, r.hybrid, r.analog_only_energy.total(),
      r.hybrid_energy.total());
  std::size_t linear_ops = 0;
  for (const OpResult& o : r.ops) linear_ops += o.op.kind == OpKind::Linear;
  os << fmt::format(
      "{:<18} {:>5} {:>16.3f} {:>14.3f} {:>8.3f}x   (linears' latencies summed: the LoRA "
      "overhead)\n",
      "linears", linear_ops, ps_to_ns(r.linear_analog_only) / 1e3, ps_to_ns(r.linear_hybrid) / 1e3,
      ratio(r.linear_hybrid, r.linear_analog_only));
}

void write_outputs(const RunResult& r, const Config& cfg, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create output folder: {}", dir, ec.message()));
  write_file_atomic(dir + "/layers.csv", layers_csv(r));
  write_file_atomic(dir + "/ops.csv", ops_csv(r));
  if (!r.trace.empty()) write_file_atomic(dir + "/trace.json", trace_json(r));
  write_file_atomic(dir + "/summary.json", summary_json(r, cfg));
  write_file_atomic(
      dir + "/config.yaml",
      fmt::format(
          "# Effective aimcsim {} config; `aimcsim run config.yaml` reproduces this run.\n{}",
          kVersion, cfg.to_yaml()));
}

}  // namespace aimcsim
