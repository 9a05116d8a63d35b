#include "sim/report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "aimcsim/version.hpp"
#include "sim/error.hpp"

namespace aimcsim {

namespace {

std::string ns(Picos ps) { return fmt::format("{:.3f}", ps_to_ns(ps)); }
double ns_value(Picos ps) { return ps_to_ns(ps); }
double ratio(Picos a, Picos b) { return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b); }

nlohmann::ordered_json energy_json(const EnergyBreakdown& e) {
  nlohmann::ordered_json j;
  j["total_nj"] = e.total() / 1e3;
  nlohmann::ordered_json parts = nlohmann::ordered_json::object();
  for (const auto& [name, pj] : e.items()) parts[name + "_nj"] = pj / 1e3;
  j["components"] = parts;
  return j;
}

// The hybrid design's PMCAs, summed over all of them.
nlohmann::ordered_json pmca_json(const PmcaStats& s) {
  nlohmann::ordered_json j;
  j["engine"] = s.engine;
  j["chunks"] = s.chunks;
  j["spilled_chunks"] = s.spilled_chunks;
  j["busy_ns"] = ns_value(s.busy);
  j["utilisation"] = s.utilisation();
  j["cycles"] = {{"total", s.cycles}, {"compute", s.compute_cycles}, {"stall", s.stall_cycles},
                 {"dma_wait", s.dma_wait_cycles}, {"overhead", s.overhead_cycles}};
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
      "pmca_busy_ns,hybrid_analytic_ns,pmca_chunk_ns,pmca_util,pmca_l1_bytes,pmca_l1_spill\n";
  for (const OpResult& o : r.ops) {
    out += fmt::format("{},{},{},{},{},{},{},{},{:.6f},{},{:.6f},{:.6f},{},{},{},{},{},{},{:.4f},{},{}\n",
                       o.op.block, o.op.name, o.op.in, o.op.out, o.op.tokens, o.chunk, ns(o.analog_only),
                       ns(o.hybrid), o.overhead(), o.bottleneck, o.analog_only_energy.total() / 1e3,
                       o.hybrid_energy.total() / 1e3, o.op.rank, ns(o.tile_busy), ns(o.link_busy),
                       ns(o.pmca_busy), ns(o.hybrid_analytic), ns(o.chunk_cost.duration),
                       o.chunk_cost.utilisation, o.chunk_cost.l1_bytes, o.chunk_cost.spilled ? "true" : "false");
  }
  return out;
}

std::string summary_json(const RunResult& r, const Config& cfg) {
  nlohmann::ordered_json j;
  j["aimcsim_version"] = kVersion;
  j["model"] = r.workload.model;
  j["seq_len"] = r.workload.seq_len;
  j["strategy"] = r.strategy;
  j["chunk_tokens"] = cfg.integer_or_auto("pipeline.chunk_tokens") ? nlohmann::ordered_json(*cfg.integer_or_auto("pipeline.chunk_tokens"))
                                                                    : nlohmann::ordered_json("auto");
  j["analog_only_ns"] = ns_value(r.analog_only);
  j["hybrid_ns"] = ns_value(r.hybrid);
  j["overhead"] = ratio(r.hybrid, r.analog_only);
  std::map<std::string, int> bottlenecks;
  for (const auto& o : r.ops) ++bottlenecks[o.bottleneck];
  j["bottleneck_counts"] = bottlenecks;
  j["energy"]["analog_only"] = energy_json(r.analog_only_energy);
  j["energy"]["hybrid"] = energy_json(r.hybrid_energy);
  j["energy"]["overhead"] = r.analog_only_energy.total() > 0 ? r.hybrid_energy.total() / r.analog_only_energy.total() : 0;
  const double tokens = static_cast<double>(r.workload.seq_len);
  j["throughput"]["analog_only_tokens_per_s"] = r.analog_only > 0 ? tokens / (ps_to_ns(r.analog_only) * 1e-9) : 0;
  j["throughput"]["hybrid_tokens_per_s"] = r.hybrid > 0 ? tokens / (ps_to_ns(r.hybrid) * 1e-9) : 0;
  j["platform"]["tiles"] = r.tiles;
  j["platform"]["pmcas"] = r.pmcas;
  j["platform"]["links"] = r.links;
  j["workload"]["linear_ops"] = r.workload.ops.size();
  j["workload"]["analog_weights"] = r.workload.analog_weights();
  j["workload"]["lora_params"] = r.workload.lora_params();
  j["pmca"] = pmca_json(r.pmca);
  nlohmann::ordered_json blocks = nlohmann::ordered_json::array();
  for (const BlockResult& b : r.blocks) {
    nlohmann::ordered_json x;
    x["block"] = b.name;
    x["linear_ops"] = b.ops;
    x["analog_only_ns"] = ns_value(b.analog_only);
    x["hybrid_ns"] = ns_value(b.hybrid);
    x["overhead"] = ratio(b.hybrid, b.analog_only);
    x["analog_only_energy_nj"] = b.analog_only_energy.total() / 1e3;
    x["hybrid_energy_nj"] = b.hybrid_energy.total() / 1e3;
    blocks.push_back(x);
  }
  j["blocks"] = blocks;
  return j.dump(2) + "\n";
}

void print_table(std::ostream& os, const RunResult& r) {
  os << fmt::format("aimcsim {}: {} (seq_len {}), strategy {}, {} linear ops on {} tiles + {} PMCAs\n",
                    kVersion, r.workload.model, r.workload.seq_len, r.strategy, r.workload.ops.size(), r.tiles,
                    r.pmcas);
  os << fmt::format("{:<12} {:>4} {:>16} {:>14} {:>9} {:>16} {:>14}\n", "block", "ops", "analog-only us",
                    "hybrid us", "overhead", "analog-only uJ", "hybrid uJ");
  auto row = [&](const std::string& name, std::size_t ops, Picos a, Picos h, double ea, double eh) {
    os << fmt::format("{:<12} {:>4} {:>16.3f} {:>14.3f} {:>8.3f}x {:>16.3f} {:>14.3f}\n", name, ops,
                      ps_to_ns(a) / 1e3, ps_to_ns(h) / 1e3, ratio(h, a), ea / 1e6, eh / 1e6);
  };
  for (const BlockResult& b : r.blocks)
    row(b.name, b.ops, b.analog_only, b.hybrid, b.analog_only_energy.total(), b.hybrid_energy.total());
  row("total", r.ops.size(), r.analog_only, r.hybrid, r.analog_only_energy.total(), r.hybrid_energy.total());
}

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(fmt::format("{}: cannot write (check the output folder, -o)", tmp));
    out << content;
    out.flush();
    if (!out) throw InputError(fmt::format("{}: write failed", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot rename into place: {}", path, ec.message()));
}

void write_outputs(const RunResult& r, const Config& cfg, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create output folder: {}", dir, ec.message()));
  write_file_atomic(dir + "/layers.csv", layers_csv(r));
  write_file_atomic(dir + "/summary.json", summary_json(r, cfg));
  write_file_atomic(dir + "/config.yaml",
                    fmt::format("# Effective aimcsim {} config; `aimcsim run config.yaml` reproduces this run.\n{}",
                                kVersion, cfg.to_yaml()));
}

}  // namespace aimcsim
