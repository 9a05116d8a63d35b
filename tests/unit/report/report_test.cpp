// The report writers (sim/report/report.hpp, trace.hpp) on one small run: linear:512x128 over 16
// tokens in chunks of 8, token-pipelined, on the default platform. By hand:
//   Tile: one MVM streams in 512 x 8 bit / 256 bit = 16 ns, integrates and converts in
//   128 + 2 ns, post-processes in 2 ns and streams out 128 x 16 bit / 256 bit = 8 ns: 156 ns,
//   then one per 130 ns (the slowest stage). 8 MVMs end at 156 + 7 x 130 = 1066 ns, 16 at
//   156 + 15 x 130 = 2106 ns: the analog-only latency.
//   Link: 8 tokens x 256 B = 2048 B in 10 + 64 = 74 ns. PMCA: 3247 ns a chunk of 8.
//   Hybrid: chunk 0 reaches the PMCA at 1066 + 74 = 1140 ns and ends at 4387 ns; chunk 1 arrives
//   at 2106 + 74 = 2180 ns, waits for the PMCA and ends at 4387 + 3247 = 7634 ns.
//   Energy, pJ: 16 MVMs x 10506.6496 = 168106.3936 (run_test); the link 0.1 pJ/bit x 8 x 4096 B
//   = 3276.8; the PMCA 2 x (kCoresFmaPj x 41984 lane ops + 0.5 x 98560 L1 bytes) (run_test);
//   leakage 1 mW x 2106 ns (analog-only, no PMCA) and (1 + 2) mW x 7634 ns = 22902 (hybrid).
#include "sim/report/report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/base/error.hpp"
#include "sim/report/trace.hpp"
#include "tests/support/calibration.hpp"
#include "tests/support/config_helpers.hpp"
#include "tests/support/csv.hpp"
#include "tests/support/scratch_dir.hpp"

namespace aimcsim {
namespace {

using nlohmann::json;
using test::csv_records;
using test::error_of;
using test::file_text;
using test::load_config;
using test::parse_csv;
using test::ScratchDir;

constexpr double kMvmEnergyPj = 16 * 10506.6496;
constexpr double kAnalogEnergyPj = kMvmEnergyPj + 1 * 2106;
constexpr double kPmcaChunkPj = test::kCoresFmaPj * 41984 + 0.5 * 98560;
constexpr double kHybridEnergyPj = kMvmEnergyPj + 3276.8 + 2 * kPmcaChunkPj + 3 * 7634;

const char* const kSmallRun =
    "workload:\n  model: linear:512x128\n  seq_len: 16\npipeline:\n  chunk_tokens: 8\n"
    "  adapter_start: xw-first\n  xw_buffer_chunks: 0\n";

Config small_config(bool trace = false) {
  return load_config(kSmallRun, {trace ? "output.trace=true" : "output.trace=false"});
}

// The run, simulated once per process for each setting of output.trace.
const RunResult& small_run(bool trace = false) {
  static const RunResult plain = simulate(small_config(false));
  static const RunResult traced = simulate(small_config(true));
  return trace ? traced : plain;
}

double number(const std::string& s) { return std::stod(s); }

// ps as the writers print ns: three decimals.
void expect_ns(const std::string& field, Picos ps, const std::string& what) {
  EXPECT_NEAR(number(field), ps_to_ns(ps), 5e-4) << what;
}

// Every leaf of a summary: objects by key, lists of groups by index; a list of strings (notes)
// is one leaf.
void flatten(const json& j, const std::string& prefix, std::map<std::string, json>& out) {
  const bool group_list =
      j.is_array() && std::any_of(j.begin(), j.end(), [](const json& e) { return e.is_object(); });
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (group_list) {
    for (std::size_t i = 0; i < j.size(); ++i) flatten(j[i], prefix + "." + std::to_string(i), out);
  } else {
    EXPECT_EQ(out.count(prefix), 0u) << prefix << " twice";
    out[prefix] = j;
  }
}

// The text stats.csv gives a summary value.
std::string stat_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const json& s : v) out += (out.empty() ? "" : "; ") + s.get<std::string>();
    return out;
  }
  return v.dump();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::set<std::string> files_in(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.insert(e.path().filename().string());
  return out;
}

TEST(ReportTest, RunMatchesTheHandDerivedTimes) {
  // What the writers below print, checked once against the arithmetic above.
  const RunResult& r = small_run();
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(r.ops[0].analog_only, ns_to_ps(2106));
  EXPECT_EQ(r.ops[0].hybrid, ns_to_ps(7634));
  EXPECT_EQ(r.ops[0].pmca_busy, 2 * ns_to_ps(3247));
  EXPECT_NEAR(r.hybrid_energy.total(), kHybridEnergyPj, 1e-6);
  EXPECT_NEAR(r.analog_only_energy.total(), kAnalogEnergyPj, 1e-6);
}

// The timing columns ops.csv and layers.csv share: per design ready, start, end, span; then the
// overhead and the analytic twin's span.
std::vector<std::string> timing_columns() {
  std::vector<std::string> out;
  for (const char* d : {"analog_only", "hybrid"})
    for (const char* f : {"ready", "start", "end", "span"})
      out.push_back(std::string(d) + "_" + f + "_ns");
  out.push_back("overhead");
  out.push_back("hybrid_analytic_span_ns");
  return out;
}

TEST(ReportTest, LayersCsvHasOneRowPerLinearWithItsResult) {
  const RunResult& r = small_run();
  const std::string text = layers_csv(r);
  const auto rows = parse_csv(text);
  ASSERT_EQ(rows.size(), 2u);  // the header and the one linear
  std::vector<std::string> header{"block",  "op",   "in_features", "out_features",
                                  "tokens", "rank", "chunk_tokens"};
  for (const std::string& c : timing_columns()) header.push_back(c);
  for (const char* c : {"twin_differs",
                        "hybrid_tile_busy_ns",
                        "hybrid_transfer_busy_ns",
                        "hybrid_pmca_busy_ns",
                        "bottleneck",
                        "pmca_chunk_ns",
                        "pmca_util",
                        "pmca_l1_needed_bytes",
                        "pmca_l1_spill",
                        "tiles",
                        "row_blocks",
                        "col_blocks",
                        "input_transfer_ns",
                        "analog_only_input_transfer_ns",
                        "analog_only_energy_nj",
                        "hybrid_energy_nj",
                        "hybrid_aimc_energy_nj",
                        "hybrid_transfer_energy_nj",
                        "hybrid_pmca_energy_nj",
                        "hybrid_static_energy_nj"})
    header.push_back(c);
  EXPECT_EQ(rows[0], header);
  const auto rec = csv_records(text).at(0);
  const OpResult& o = r.ops[0];
  EXPECT_EQ(rec.at("block"), "linear");
  EXPECT_EQ(rec.at("op"), "linear_512x128");
  EXPECT_EQ(rec.at("in_features"), "512");
  EXPECT_EQ(rec.at("out_features"), "128");
  EXPECT_EQ(rec.at("tokens"), "16");
  EXPECT_EQ(rec.at("chunk_tokens"), "8");
  EXPECT_EQ(rec.at("rank"), "8");
  // The only operator: ready and started at 0 in both designs, so its end is its span.
  for (const char* d : {"analog_only", "hybrid"}) {
    EXPECT_EQ(rec.at(std::string(d) + "_ready_ns"), "0.000") << d;
    EXPECT_EQ(rec.at(std::string(d) + "_start_ns"), "0.000") << d;
  }
  EXPECT_EQ(rec.at("analog_only_end_ns"), "2106.000");
  EXPECT_EQ(rec.at("analog_only_span_ns"), "2106.000");
  EXPECT_EQ(rec.at("hybrid_end_ns"), "7634.000");
  EXPECT_EQ(rec.at("hybrid_span_ns"), "7634.000");
  EXPECT_NEAR(number(rec.at("overhead")), 7634.0 / 2106.0, 5e-7);
  EXPECT_EQ(rec.at("bottleneck"), "pmca");  // 6494 ns of PMCA against 2106 ns of tile
  EXPECT_EQ(rec.at("bottleneck"), o.bottleneck);
  EXPECT_NEAR(number(rec.at("analog_only_energy_nj")), kAnalogEnergyPj / 1e3, 5e-7);
  EXPECT_NEAR(number(rec.at("hybrid_energy_nj")), kHybridEnergyPj / 1e3, 5e-7);
  expect_ns(rec.at("hybrid_tile_busy_ns"), o.tile_busy, "hybrid_tile_busy_ns");
  expect_ns(rec.at("hybrid_transfer_busy_ns"), o.link_busy, "hybrid_transfer_busy_ns");
  EXPECT_EQ(rec.at("hybrid_pmca_busy_ns"), "6494.000");  // 2 chunks x 3247 ns
  expect_ns(rec.at("hybrid_analytic_span_ns"), o.hybrid_analytic, "hybrid_analytic_span_ns");
  EXPECT_EQ(rec.at("pmca_chunk_ns"), "3247.000");
  EXPECT_NEAR(number(rec.at("pmca_util")), o.chunk_cost.utilisation, 5e-5);
  EXPECT_EQ(rec.at("pmca_l1_needed_bytes"), std::to_string(o.chunk_cost.l1_bytes));
  EXPECT_EQ(rec.at("pmca_l1_spill"), "false");
  EXPECT_EQ(rec.at("tiles"), "1");
  EXPECT_EQ(rec.at("row_blocks"), "1");
  EXPECT_EQ(rec.at("col_blocks"), "1");
  EXPECT_EQ(rec.at("input_transfer_ns"), "0.000");  // p2p: the input is in place
  EXPECT_EQ(rec.at("analog_only_input_transfer_ns"), "0.000");
  EXPECT_NEAR(number(rec.at("hybrid_aimc_energy_nj")), kMvmEnergyPj / 1e3, 5e-7);
  EXPECT_NEAR(number(rec.at("hybrid_transfer_energy_nj")), 3276.8 / 1e3, 5e-7);
  EXPECT_NEAR(number(rec.at("hybrid_pmca_energy_nj")), 2 * kPmcaChunkPj / 1e3, 5e-7);
  EXPECT_NEAR(number(rec.at("hybrid_static_energy_nj")), 3 * 7634 / 1e3, 5e-7);
  EXPECT_EQ(rec.at("twin_differs"), o.twin_differs() ? "true" : "false");
}

TEST(ReportTest, OpsCsvHasOneRowPerOperatorWithItsSlot) {
  // linear a (512 -> 128), a norm of its output, linear b (128 -> 64) of the norm's: the norm
  // runs on a's PMCA (slot 0), b has slot 1.
  Workload w;
  w.model = "hand-built";
  w.family = "linear";
  w.seq_len = 16;
  w.blocks = {"layer.0"};
  Operator a;
  a.block = "layer.0";
  a.name = "a";
  a.kind = OpKind::Linear;
  a.tokens = 16;
  a.in = 512;
  a.out = 128;
  a.rank = 8;
  Operator norm;
  norm.block = "layer.0";
  norm.name = "norm";
  norm.kind = OpKind::Norm;
  norm.variant = "layernorm";
  norm.tokens = 16;
  norm.width = 128;
  norm.inputs = {0};
  Operator b = a;
  b.name = "b";
  b.in = 128;
  b.out = 64;
  b.inputs = {1};
  w.ops = {a, norm, b};
  const RunResult r = simulate(small_config(), w);
  const std::string text = ops_csv(r);
  const auto rows = parse_csv(text);
  ASSERT_EQ(rows.size(), 1u + 3u);
  std::vector<std::string> header{"block", "op", "kind", "variant", "tokens", "pmca_slot"};
  for (const std::string& c : timing_columns()) header.push_back(c);
  for (const char* c : {"hybrid_tile_busy_ns", "hybrid_transfer_busy_ns", "hybrid_pmca_busy_ns",
                        "analog_only_energy_nj", "hybrid_energy_nj"})
    header.push_back(c);
  EXPECT_EQ(rows[0], header);
  const auto recs = csv_records(text);
  const std::vector<std::string> names{"a", "norm", "b"}, kinds{"linear", "norm", "linear"},
      slots{"0", "0", "1"};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(names[i]);
    const OpResult& o = r.ops[i];
    const auto& rec = recs[i];
    EXPECT_EQ(rec.at("block"), "layer.0");
    EXPECT_EQ(rec.at("op"), names[i]);
    EXPECT_EQ(rec.at("kind"), kinds[i]);
    EXPECT_EQ(rec.at("variant"), i == 1 ? "layernorm" : "");
    EXPECT_EQ(rec.at("tokens"), "16");
    EXPECT_EQ(rec.at("pmca_slot"), slots[i]);
    expect_ns(rec.at("analog_only_ready_ns"), o.analog_only_ready, "analog_only_ready_ns");
    expect_ns(rec.at("analog_only_start_ns"), o.analog_only_start, "analog_only_start_ns");
    expect_ns(rec.at("analog_only_end_ns"), o.analog_only_end, "analog_only_end_ns");
    expect_ns(rec.at("analog_only_span_ns"), o.analog_only, "analog_only_span_ns");
    expect_ns(rec.at("hybrid_ready_ns"), o.hybrid_ready, "hybrid_ready_ns");
    expect_ns(rec.at("hybrid_start_ns"), o.hybrid_start, "hybrid_start_ns");
    expect_ns(rec.at("hybrid_end_ns"), o.hybrid_end, "hybrid_end_ns");
    expect_ns(rec.at("hybrid_span_ns"), o.hybrid, "hybrid_span_ns");
    // The span runs from ready to end; the first job starts in between.
    EXPECT_EQ(o.hybrid, o.hybrid_end - o.hybrid_ready);
    EXPECT_LE(o.hybrid_ready, o.hybrid_start);
    EXPECT_LE(o.hybrid_start, o.hybrid_end);
    EXPECT_NEAR(number(rec.at("overhead")), o.overhead(), 5e-7);
    expect_ns(rec.at("hybrid_analytic_span_ns"), o.hybrid_analytic, "hybrid_analytic_span_ns");
    expect_ns(rec.at("hybrid_pmca_busy_ns"), o.pmca_busy, "hybrid_pmca_busy_ns");
    EXPECT_LE(o.pmca_busy, o.hybrid);  // the busiest PMCA within the span
    EXPECT_NEAR(number(rec.at("analog_only_energy_nj")), o.analog_only_energy.total() / 1e3, 5e-7);
    EXPECT_NEAR(number(rec.at("hybrid_energy_nj")), o.hybrid_energy.total() / 1e3, 5e-7);
  }
  // a's row is the single-linear run's: 2106 ns analog-only (it starts at 0 in both).
  EXPECT_EQ(recs[0].at("analog_only_span_ns"), "2106.000");
}

TEST(ReportTest, SummaryJsonCarriesTheDocumentedKeysWithTheRunsValues) {
  const RunResult& r = small_run();
  const Config cfg = small_config();
  const json s = json::parse(summary_json(r, cfg));
  EXPECT_EQ(s.at("model"), "linear:512x128");
  EXPECT_EQ(s.at("family"), "linear");
  EXPECT_EQ(s.at("seq_len"), 16);
  EXPECT_EQ(s.at("decode_tokens"), 0);
  EXPECT_FALSE(s.contains("decode"));  // only decoders report their decode phase
  EXPECT_EQ(s.at("strategy"), "token-pipelined");
  EXPECT_EQ(s.at("chunk_tokens"), 8);
  EXPECT_DOUBLE_EQ(s.at("analog_only_ns").get<double>(), 2106.0);
  EXPECT_DOUBLE_EQ(s.at("hybrid_ns").get<double>(), 7634.0);
  // Ratios print at 12 significant digits: 7634 / 2106 = 3.62488129155.
  EXPECT_EQ(s.at("overhead").dump(), "3.62488129155");
  EXPECT_EQ(s.at("status"), "ok");
  EXPECT_TRUE(s.at("capacity_violations").empty());
  // One linear: the linears' spans summed are the end-to-end latencies.
  EXPECT_DOUBLE_EQ(s.at("linears_summed").at("analog_only_ns").get<double>(), 2106.0);
  EXPECT_DOUBLE_EQ(s.at("linears_summed").at("hybrid_ns").get<double>(), 7634.0);
  EXPECT_EQ(s.at("linears_summed").at("overhead").dump(), "3.62488129155");
  // Its chunk is the one configured.
  EXPECT_EQ(s.at("chunk").at("chosen_tokens"), 8);
  EXPECT_EQ(s.at("chunk").at("min_tokens"), 8);
  EXPECT_EQ(s.at("chunk").at("max_tokens"), 8);
  // 12 significant digits of 1291.72... nJ: within 1e-8 nJ.
  EXPECT_NEAR(s.at("energy").at("hybrid").at("total_nj").get<double>(), kHybridEnergyPj / 1e3,
              1e-8);
  EXPECT_NEAR(s.at("energy").at("hybrid").at("total_nj").get<double>(),
              r.hybrid_energy.total() / 1e3, 1e-8);
  EXPECT_NEAR(s.at("energy").at("analog_only").at("total_nj").get<double>(), kAnalogEnergyPj / 1e3,
              1e-9);
  EXPECT_NEAR(s.at("energy").at("hybrid").at("components").at("static_nj").get<double>(),
              3 * 7634 / 1e3, 1e-9);
  EXPECT_EQ(s.at("pmca").at("chunks"), 2);
  EXPECT_EQ(s.at("pmca").at("cycles").at("total"), 2 * 3247);
  EXPECT_EQ(s.at("pmca").at("cycles").at("total"), r.pmca.cycles);
  EXPECT_DOUBLE_EQ(s.at("pmca").at("busy_ns").get<double>(), 2 * 3247.0);
  EXPECT_EQ(s.at("mapping").at("tiles_used"), 1);
  EXPECT_EQ(s.at("mapping").at("tile_budget"), "auto");
  EXPECT_EQ(s.at("mapping").at("pmcas_used"), 1);
  EXPECT_EQ(s.at("mapping").at("pmca_l1_spilled_linears"), 0);
  EXPECT_EQ(s.at("platform").at("tiles"), 1);
  EXPECT_EQ(s.at("platform").at("pmcas"), 1);
  EXPECT_EQ(s.at("platform").at("links"), 1);
  EXPECT_EQ(s.at("platform").at("analog_only_pmcas"), 0);  // no digital operator to run
  EXPECT_EQ(s.at("platform").at("topology"), "p2p");
  EXPECT_EQ(s.at("workload").at("ops"), 1);
  EXPECT_EQ(s.at("workload").at("analog_weights"), 512 * 128);
  EXPECT_EQ(s.at("workload").at("lora_params"), 8 * (512 + 128));
  // Programming one 512x512 tile: 512 rows x 512/32 column groups x 30 iterations of
  // 125 + 250 + 512 + 256 = 1143 ns = 245760 x 1143 ns.
  EXPECT_DOUBLE_EQ(s.at("programming").at("one_tile_ns").get<double>(), 245760.0 * 1143);
  EXPECT_DOUBLE_EQ(s.at("programming").at("one_tile_ns").get<double>(),
                   ps_to_ns(r.programming.one_tile));
  // The adapter, 5120 FP16 values = 10240 bytes, over one link: 10 + 10240 B / 32 GB/s = 330 ns.
  EXPECT_EQ(s.at("programming").at("lora_bytes"), 10240);
  EXPECT_DOUBLE_EQ(s.at("programming").at("lora_load_link_ns").get<double>(), 330.0);
  ASSERT_EQ(s.at("blocks").size(), 1u);
  EXPECT_EQ(s.at("blocks")[0].at("block"), "linear");
  EXPECT_DOUBLE_EQ(s.at("blocks")[0].at("hybrid_span_ns").get<double>(), 7634.0);
  EXPECT_DOUBLE_EQ(s.at("blocks")[0].at("hybrid_share").get<double>(), 1.0);  // the only block
  EXPECT_EQ(s.at("interconnect").at("busiest_links").size(), 1u);  // the layer's p2p link
  EXPECT_EQ(s.at("interconnect").at("busiest_links")[0].at("bytes"), 16 * 256);
}

// The energy split, area and efficiency of the small run (models/README.md#energy-and-leakage,
// #area). Static is the leakage: 1 mW x 2106 ns analog-only, 3 mW x 7634 ns hybrid; dynamic the
// rest. Area: one 512 x 512 tile, 1.775016 mm2 (RunTest.AreaSumsTheUnitsTheDesignBuilds); the
// hybrid adds a cores-only PMCA, 0.430036 mm2, and two links of 0.01 mm2.
TEST(ReportTest, SummaryJsonSplitsEnergyAndReportsArea) {
  const json s = json::parse(summary_json(small_run(), small_config()));
  const json& split = s.at("energy").at("split");
  const json& h = split.at("hybrid");
  EXPECT_NEAR(h.at("static_nj").get<double>(), 3 * 7634 / 1e3, 1e-9);
  EXPECT_NEAR(h.at("dynamic_nj").get<double>(), (kHybridEnergyPj - 3 * 7634) / 1e3, 1e-8);
  EXPECT_NEAR(h.at("leakage_nj").get<double>(), 3 * 7634 / 1e3, 1e-9);
  EXPECT_EQ(h.at("wake_nj").get<double>(), 0.0);
  // Dynamic: 168106.39 + 3276.8 + 2 x 548719.15 pJ = 1.27 uJ against 22.9 nJ of leakage.
  EXPECT_EQ(h.at("dominant"), "dynamic");
  EXPECT_NEAR(h.at("static_share").get<double>(), 3 * 7634 / kHybridEnergyPj, 1e-12);
  EXPECT_NEAR(split.at("analog_only").at("static_nj").get<double>(), 2106 / 1e3, 1e-9);
  EXPECT_NEAR(split.at("static_overhead").get<double>(), 3 * 7634 / 2106.0, 1e-10);
  EXPECT_EQ(split.at("gating"), false);
  const json& area = s.at("area");
  EXPECT_NEAR(area.at("tile").at("total_mm2").get<double>(), 1.775016, 1e-6);
  EXPECT_NEAR(area.at("pmca").at("total_mm2").get<double>(), 0.430036, 1e-6);
  EXPECT_NEAR(area.at("hybrid").at("total_mm2").get<double>(), 1.775016 + 0.430036 + 0.02, 1e-6);
  EXPECT_NEAR(area.at("analog_only").at("total_mm2").get<double>(), 1.775016, 1e-6);
  // 2 x 16 x 512 x 128 ops in 7634 ns: 0.27469 TOPS over 2.225052 mm2; 16 tokens.
  const json& eff = s.at("efficiency").at("hybrid");
  const double ops = 2.0 * 16 * 512 * 128;
  EXPECT_NEAR(eff.at("tops").get<double>(), ops / 7634e-9 / 1e12, 1e-9);
  EXPECT_NEAR(eff.at("tops_per_mm2").get<double>(), ops / 7634e-9 / 1e12 / 2.225052, 1e-6);
  EXPECT_NEAR(eff.at("tokens_per_s_per_mm2").get<double>(), 16 / 7634e-9 / 2.225052, 1e-1);
  EXPECT_NEAR(eff.at("energy_per_token_nj").get<double>(), kHybridEnergyPj / 16 / 1e3, 1e-9);
  // The table's header says the same.
  std::ostringstream table;
  print_table(table, small_run());
  EXPECT_NE(table.str().find("area: 2.225 mm2 hybrid (1 tiles x 1.7750 + 1 PMCAs x 0.4300"),
            std::string::npos)
      << table.str();
  EXPECT_NE(table.str().find("(dynamic dominates"), std::string::npos) << table.str();
}

TEST(ReportTest, SummaryJsonSaysAutoForAnAutoChunk) {
  const Config cfg = load_config("workload:\n  model: linear:512x128\n  seq_len: 16\n");
  const json s = json::parse(summary_json(simulate(cfg), cfg));
  EXPECT_EQ(s.at("chunk_tokens"), "auto");
  // The chunk auto chose (the same for the one linear) is reported beside it.
  EXPECT_GT(s.at("chunk").at("chosen_tokens").get<int>(), 0);
  EXPECT_EQ(s.at("chunk").at("chosen_tokens"), s.at("chunk").at("min_tokens"));
  EXPECT_EQ(s.at("chunk").at("chosen_tokens"), s.at("chunk").at("max_tokens"));
}

TEST(ReportTest, StatsCsvHasOneRowPerSummaryStatisticWithItsValueAndUnit) {
  const RunResult& r = small_run();
  const Config cfg = small_config();
  std::map<std::string, json> leaves;
  flatten(json::parse(summary_json(r, cfg)), "", leaves);
  const std::string text = stats_csv(r, cfg);
  const auto rows = parse_csv(text);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"stat", "value", "unit", "description"}));
  std::set<std::string> seen;
  for (const auto& rec : csv_records(text)) {
    const std::string& name = rec.at("stat");
    EXPECT_TRUE(seen.insert(name).second) << name << " twice";
    const auto it = leaves.find(name);
    if (it == leaves.end()) {
      ADD_FAILURE() << name << " is not in summary.json";
      continue;
    }
    EXPECT_EQ(rec.at("value"), stat_text(it->second)) << name;
    EXPECT_FALSE(rec.at("description").empty()) << name;
    if (ends_with(name, "_ns")) {
      EXPECT_EQ(rec.at("unit"), "ns") << name;
    }
    if (ends_with(name, "_nj")) {
      EXPECT_EQ(rec.at("unit"), "nJ") << name;
    }
    if (ends_with(name, "_bytes")) {
      EXPECT_EQ(rec.at("unit"), "B") << name;
    }
  }
  for (const auto& [name, value] : leaves)
    EXPECT_EQ(seen.count(name), 1u) << name << " is missing from stats.csv";
  // A few by name: the cycle count has its unit, the PMCA's L1 bytes theirs.
  EXPECT_EQ(seen.count("pmca.cycles.total"), 1u);
  EXPECT_EQ(seen.count("blocks.0.hybrid_span_ns"), 1u);
  EXPECT_EQ(seen.count("mapping.pmca_l1_needed_max_bytes"), 1u);
  // No name holds a dot of its own: every dotted path leads through groups.
  EXPECT_EQ(seen.count("energy.hybrid.components.pmca_compute_nj"), 1u);
}

TEST(ReportTest, TraceJsonHasOneCompleteEventPerJobInItsDesignsProcess) {
  const RunResult& r = small_run(true);
  // Analog-only: the tile in 2 chunks. Hybrid: per chunk an MVM batch, a transfer and a LoRA
  // chunk: 2 + 2 x 3 = 8 jobs.
  ASSERT_EQ(r.trace.size(), 8u);
  EXPECT_TRUE(small_run(false).trace.empty());  // kept only with output.trace
  const json t = json::parse(trace_json(r));
  ASSERT_TRUE(t.at("traceEvents").is_array());
  std::vector<json> complete;
  std::map<int, std::string> process;
  for (const json& e : t.at("traceEvents")) {
    if (e.at("ph") == "X") complete.push_back(e);
    if (e.at("ph") == "M" && e.at("name") == "process_name")
      process[e.at("pid").get<int>()] = e.at("args").at("name").get<std::string>();
  }
  EXPECT_EQ(process, (std::map<int, std::string>{{1, "hybrid"}, {2, "analog-only"}}));
  ASSERT_EQ(complete.size(), r.trace.size());
  std::size_t hybrid = 0;
  for (std::size_t i = 0; i < complete.size(); ++i) {
    const TraceEvent& job = r.trace[i];
    SCOPED_TRACE(job.name);
    EXPECT_EQ(complete[i].at("pid"), job.hybrid ? 1 : 2);
    EXPECT_EQ(complete[i].at("name"), job.name);
    // Microseconds with picosecond precision.
    EXPECT_NEAR(complete[i].at("ts").get<double>(), static_cast<double>(job.start) / 1e6, 1e-9);
    EXPECT_NEAR(complete[i].at("dur").get<double>(), static_cast<double>(job.end - job.start) / 1e6,
                1e-9);
    hybrid += job.hybrid;
  }
  EXPECT_EQ(hybrid, 6u);
  // Every complete event follows the Trace Event Format and carries its role and payload.
  std::map<std::string, int> categories;
  for (std::size_t i = 0; i < complete.size(); ++i) {
    const json& e = complete[i];
    for (const char* field : {"name", "cat", "ph", "pid", "tid", "ts", "dur", "args"})
      EXPECT_TRUE(e.contains(field)) << field;
    EXPECT_GE(e.at("dur").get<double>(), 0.0);
    EXPECT_EQ(e.at("args").at("op"), "linear.linear_512x128");
    EXPECT_EQ(e.at("args").at("count"), r.trace[i].count);
    EXPECT_EQ(e.at("args").at("bytes"), r.trace[i].bytes);
    ++categories[e.at("cat").get<std::string>()];
  }
  // Analog-only: 2 MVM batches; hybrid: 2 MVM batches, 2 transfers of X W, 2 LoRA chunks.
  EXPECT_EQ(categories, (std::map<std::string, int>{{"mvm", 4}, {"xw", 2}, {"lora", 2}}));
  // Lanes are named by their resource and what they served; the tile lane says its tile count.
  std::set<std::string> lanes;
  for (const json& e : t.at("traceEvents"))
    if (e.at("ph") == "M" && e.at("name") == "thread_name")
      lanes.insert(e.at("args").at("name").get<std::string>());
  EXPECT_EQ(lanes.count("hybrid_tile0 (1 tile): linear.linear_512x128"), 1u);
  EXPECT_EQ(lanes.count("analog_only_tile0 (1 tile): linear.linear_512x128"), 1u);
  // The hybrid transfers in flight: chunk 0's X W, then chunk 1's, never both at once (one
  // link): the counter steps 1, 0, 1, 0.
  std::vector<int> counter;
  for (const json& e : t.at("traceEvents"))
    if (e.at("ph") == "C" && e.at("pid") == 1)
      counter.push_back(e.at("args").at("transfers").get<int>());
  EXPECT_EQ(counter, (std::vector<int>{1, 0, 1, 0}));
  // The hybrid design's last job is chunk 1's LoRA, [4387, 7634] ns.
  Picos last_end = 0;
  for (const TraceEvent& e : r.trace)
    if (e.hybrid) last_end = std::max(last_end, e.end);
  EXPECT_EQ(last_end, ns_to_ps(7634));
}

TEST(ReportTest, WriteOutputsWritesEveryReportAndNoTemporaryFile) {
  ScratchDir dir("report");
  const std::filesystem::path out = dir.path() / "run";  // created by write_outputs
  const RunResult& r = small_run(true);
  const Config cfg = small_config(true);
  write_outputs(r, cfg, out.string());
  EXPECT_EQ(files_in(out), (std::set<std::string>{"config.yaml", "layers.csv", "ops.csv",
                                                  "stats.csv", "summary.json", "trace.json"}));
  EXPECT_EQ(file_text(out / "layers.csv"), layers_csv(r));
  EXPECT_EQ(file_text(out / "ops.csv"), ops_csv(r));
  EXPECT_EQ(file_text(out / "summary.json"), summary_json(r, cfg));
  EXPECT_EQ(file_text(out / "stats.csv"), stats_csv(r, cfg));
  EXPECT_EQ(file_text(out / "trace.json"), trace_json(r));
  const std::string yaml = file_text(out / "config.yaml");
  EXPECT_EQ(yaml.rfind("# Effective aimcsim ", 0), 0u) << yaml.substr(0, 80);
  // config.yaml reproduces the run.
  const Config again = load_config(yaml, {}, "config.yaml");
  EXPECT_EQ(summary_json(simulate(again), again), summary_json(r, cfg));
}

TEST(ReportTest, WriteOutputsWritesNoTraceWithoutOutputTrace) {
  ScratchDir dir("report");
  write_outputs(small_run(false), small_config(false), dir.path().string());
  EXPECT_EQ(files_in(dir.path()), (std::set<std::string>{"config.yaml", "layers.csv", "ops.csv",
                                                         "stats.csv", "summary.json"}));
}

TEST(ReportTest, SecondRunOfTheSameConfigWritesIdenticalFiles) {
  ScratchDir dir("report");
  const Config cfg = small_config(true);
  write_outputs(simulate(cfg), cfg, dir / "first");
  write_outputs(simulate(cfg), cfg, dir / "second");
  const std::set<std::string> names = files_in(dir.path() / "first");
  ASSERT_EQ(names.size(), 6u);
  EXPECT_EQ(files_in(dir.path() / "second"), names);
  for (const std::string& name : names)
    EXPECT_EQ(file_text(dir.path() / "first" / name), file_text(dir.path() / "second" / name))
        << name;
}

TEST(ReportTest, WriteOutputsIntoAPathUnderAFileIsAnInputErrorNamingIt) {
  ScratchDir dir("report");
  const std::string blocker = dir / "file";
  write_file_atomic(blocker, "not a folder\n");
  const std::string target = blocker + "/run";
  const std::string error = error_of([&] { write_outputs(small_run(), small_config(), target); });
  EXPECT_NE(error.find(target), std::string::npos) << error;
  EXPECT_NE(error.find("cannot create output folder"), std::string::npos) << error;
  EXPECT_EQ(files_in(dir.path()), (std::set<std::string>{"file"}));
}

}  // namespace
}  // namespace aimcsim
