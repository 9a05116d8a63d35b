// `aimcsim validate`: published single-component figures run through aimcsim's own models.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

#include "models/aimc/tile_model.hpp"
#include "models/riscv/pmca_model.hpp"
#include "sim/base/files.hpp"
#include "sim/cli/cli.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {
namespace {

// How a simulated value is held against the published one.
enum class Check {
  Within,   // |simulated - published| <= tolerance % of published
  AtLeast,  // simulated >= published (a published lower bound, "> 90 %")
  Between,  // published <= simulated <= published_high (a published range)
};

// One published figure and what aimcsim's models give for it. A *set* figure is fixed by a
// parameter chosen from it (a tautology: `set_by` names the parameter); a *derived* one comes
// out of the model. A known gap is reported with its tolerance, which is not enforced.
struct Figure {
  std::string id;      // stable name of the row (tests and scripts use it)
  std::string figure;  // what is compared
  std::string anchor;  // section of models/README.md
  std::string paper;   // the source, as models/README.md numbers it
  std::string unit;
  double published = 0, published_high = 0;
  Check check = Check::Within;
  double tolerance_pct = 0;  // Check::Within only
  bool derived = false;
  std::string set_by;
  bool known_gap = false;
  std::string how;  // how the simulated value is obtained
  double simulated = 0;

  // Distance from the published figure in % of it: signed for Within, 0 inside a bound or range
  // and the distance to the nearer end outside it.
  double error_pct() const {
    if (check == Check::Within) return 100.0 * (simulated - published) / published;
    if (simulated < published) return 100.0 * (simulated - published) / published;
    if (check == Check::Between && simulated > published_high)
      return 100.0 * (simulated - published_high) / published_high;
    return 0;
  }
  bool passes() const {
    if (check == Check::Within) return std::abs(error_pct()) <= tolerance_pct + 1e-9;
    return error_pct() == 0;
  }
  std::string status() const {
    if (known_gap) return "known gap";
    return passes() ? "ok" : "FAIL";
  }
  std::string published_text() const {
    if (check == Check::AtLeast) return fmt::format(">= {:.4g}", published);
    if (check == Check::Between) return fmt::format("{:.4g}-{:.4g}", published, published_high);
    return fmt::format("{:.4g}", published);
  }
  std::string tolerance_text() const {
    if (check == Check::Within) return fmt::format("{:g} %", tolerance_pct);
    return check == Check::AtLeast ? "bound" : "range";
  }
  std::string kind() const { return derived ? "derived" : "set"; }
};

Figure make_figure(std::string id, std::string figure, std::string anchor, std::string paper,
                   std::string unit, double published) {
  Figure f;
  f.id = std::move(id);
  f.figure = std::move(figure);
  f.anchor = std::move(anchor);
  f.paper = std::move(paper);
  f.unit = std::move(unit);
  f.published = published;
  return f;
}

// The configurations the rows run: the embedded default job with the row's keys, then the
// user's -p overrides (to see which published figures a change of parameters breaks).
class Models {
 public:
  explicit Models(std::vector<std::string> user)
      : schema_(build_schema()), user_(std::move(user)) {}
  TileParams tile(std::vector<std::string> keys) const { return TileParams::from(config(keys)); }
  PmcaParams pmca(std::vector<std::string> keys) const { return PmcaParams::from(config(keys)); }

 private:
  Config config(std::vector<std::string> keys) const {
    keys.insert(keys.end(), user_.begin(), user_.end());
    return load_run_config(schema_, {}, keys);
  }
  Schema schema_;
  std::vector<std::string> user_;
};

double ops(const TileParams& p) { return 2.0 * static_cast<double>(p.rows * p.cols); }
MvmStages full_mvm(const TileParams& p) { return mvm_stages(p, p.rows, p.cols); }
// Operations per second of one tile in steady state, in TOPS.
double tops(const TileParams& p) {
  return ops(p) / ps_to_ns(full_mvm(p).period(p.pipelined())) / 1e3;
}
// Dynamic energy of one full MVM, pJ, with post-processing or only the analog part.
double mvm_pj(const TileParams& p) { return mvm_energy(p, p.rows, p.cols).total(); }
double analog_pj(const TileParams& p, std::int64_t rows, std::int64_t cols) {
  const EnergyBreakdown e = mvm_energy(p, rows, cols);
  return e.get("aimc.dac") + e.get("aimc.array") + e.get("aimc.adc");
}

constexpr const char* kLeGallo = "[2] Le Gallo et al., Nat. Electron. 2023, Table 1";
constexpr const char* kKhaddam = "[3] Khaddam-Aljameh et al., JSSC 2022";
constexpr const char* kGarofalo = "[4] Garofalo et al., JETCAS 2022";
constexpr const char* kKlein = "[6] Klein et al., IEEE TC 2022";
constexpr const char* kMesh = "[7] Jain et al., TVLSI 2022; [8] Burr et al., IEDM 2023";
constexpr const char* kTortorella = "[11] Tortorella et al., DATE 2022";
constexpr const char* kSnitch = "[1] Li et al., arXiv 2411.17367; [9] Zaruba et al., IEEE TC 2021";
constexpr const char* kAhwa = "[1] Li et al., arXiv 2411.17367";

// The IMA of Garofalo et al.: a HERMES core behind one streamer port at the PULP cluster's
// 500 MHz, and a long batch of MVMs on it.
constexpr std::int64_t kLongBatch = 1000;
const std::vector<std::string> kGarofaloIma = {"tile.preset=hermes-core", "tile.io_ports=shared",
                                               "tile.io_freq=500MHz"};

std::vector<Figure> pmca_figures(const Models& m) {
  std::vector<Figure> rows;
  {
    const PmcaParams p = m.pmca({"pmca.engine=redmule"});
    const KernelCost c = gemm_cost(p, 512, 512, 512);
    Figure f = make_figure("redmule-macs-per-cycle", "RedMulE MAC/cycle on a large GEMM",
                           "redmule-engine", kTortorella, "MAC/cycle", 31.6);
    f.tolerance_pct = 1;
    f.set_by = "pmca.redmule.util = 0.988";
    f.how = "gemm_cost, pmca.engine=redmule, FP16 512 x 512 x 512: MACs / cycles";
    f.simulated = static_cast<double>(c.lane_ops) / static_cast<double>(c.cycles);
    rows.push_back(f);
  }
  {
    const PmcaParams p = m.pmca({"pmca.engine=cores"});
    Figure f =
        make_figure("snitch-fpu-utilisation", "Snitch FPU utilisation, dense GEMM on the cores",
                    "pmca-cluster", kSnitch, "%", 90);
    f.tolerance_pct = 2;
    f.set_by = "pmca.fpu_util = 0.9";
    f.how = "gemm_cost on the 8 cores, FP16 512 x 512 x 512: lane ops / (16 lanes x cycles)";
    f.simulated = 100.0 * gemm_cost(p, 512, 512, 512).utilisation();
    rows.push_back(f);
  }
  {
    const PmcaParams cores = m.pmca({"pmca.engine=cores"});
    const PmcaParams engine = m.pmca({"pmca.engine=redmule"});
    Figure f = make_figure("redmule-vs-cores-energy",
                           "RedMulE's energy efficiency over software on the 8 cores",
                           "energy-calibration", kTortorella, "x", 4.65);
    f.tolerance_pct = 1;
    f.set_by = "pmca.e_fma_fp16 = auto (4.65x the engine's dynamic energy per MAC)";
    f.how = "gemm_cost, FP16 512 x 512 x 512: dynamic energy on the cores / on RedMulE";
    f.simulated = gemm_cost(cores, 512, 512, 512).energy.total() /
                  gemm_cost(engine, 512, 512, 512).energy.total();
    rows.push_back(f);
    const PmcaArea a = pmca_area(engine);
    Figure share = make_figure("redmule-area-share", "RedMulE's share of an 8-core cluster's area",
                               "area", kTortorella, "%", 14);
    share.tolerance_pct = 2;
    share.set_by = "pmca.redmule.area = 0.07mm2, pmca.area_* (the other 0.43 mm2)";
    share.how = "pmca_area, pmca.engine=redmule: engine / cluster";
    share.simulated = 100.0 * a.engine / a.total();
    rows.push_back(share);
  }
  return rows;
}

std::vector<Figure> hermes_figures(const Models& m) {
  std::vector<Figure> rows;
  const TileParams p = m.tile({"tile.preset=hermes-core"});
  const MvmStages s = full_mvm(p);
  Figure latency =
      make_figure("hermes-core-mvm-ns", "HERMES core: one MVM (integration + conversion)",
                  "hermes-core", kKhaddam, "ns", 130);
  latency.tolerance_pct = 1;
  latency.set_by = "tile.t_adc = 130 - 128 ns";
  latency.how = "mvm_stages, 256 x 256: 8-bit PWM at 1 ns/LSB (128 ns) + one ADC round";
  latency.simulated = ps_to_ns(s.analog());
  rows.push_back(latency);

  Figure rate = make_figure("hermes-core-tops", "HERMES core throughput, pipelined", "hermes-core",
                            kKhaddam, "TOPS", 1.008);
  rate.tolerance_pct = 1;
  rate.derived = true;
  rate.how =
      "131072 ops / pipelined period (slowest stage; post-processing overlapped at 5 outputs "
      "per cycle, assumed)";
  rate.simulated = tops(p);
  rows.push_back(rate);

  // The preset takes the core's energy as it runs in the chip, 0.86 uJ / 64 [Le Gallo], so the
  // default calibration and the preset agree; the core paper's 10.5 TOPS/W stays a known gap.
  Figure energy = make_figure("hermes-core-mvm-nj", "HERMES core energy per MVM (in the chip)",
                              "hermes-core", kLeGallo, "nJ", 860.0 / 64);
  energy.tolerance_pct = 1;
  energy.set_by =
      "tile.e_dac_per_row, tile.e_cell, tile.e_adc, tile.e_post (the default's scaled by 0.9846)";
  energy.how = "mvm_energy, 256 x 256, post-processing included";
  energy.simulated = mvm_pj(p) / 1e3;
  rows.push_back(energy);

  Figure density = make_figure("hermes-core-tops-per-mm2", "HERMES core density", "area", kKhaddam,
                               "TOPS/mm2", 1.59);
  density.tolerance_pct = 1;
  density.set_by = "tile.area_cell, tile.area_adc, tile.area_periphery (0.634 mm2 at 14 nm)";
  density.how = "131072 ops / pipelined period / tile_area, 256 x 256, 256 ADCs";
  density.simulated = tops(p) / tile_area(p).total();
  rows.push_back(density);

  Figure efficiency = make_figure("hermes-core-tops-per-w", "HERMES core efficiency", "hermes-core",
                                  kKhaddam, "TOPS/W", 10.5);
  efficiency.tolerance_pct = 1;
  efficiency.set_by = energy.set_by;
  efficiency.known_gap = true;
  efficiency.how =
      "131072 ops / mvm_energy, post-processing included (the preset takes the chip's 13.44 nJ "
      "per core MVM, not the core paper's 12.48 nJ)";
  efficiency.simulated = ops(p) / mvm_pj(p);
  rows.push_back(efficiency);

  Figure chip_eff = make_figure("hermes-chip-1phase-tops-per-w", "HERMES chip efficiency, 1-phase",
                                "computed-against-published", kLeGallo, "TOPS/W", 9.76);
  chip_eff.tolerance_pct = 1;
  chip_eff.derived = true;
  chip_eff.how = "64 x 131072 ops / (64 x mvm_energy of hermes-core)";
  chip_eff.simulated = ops(p) / mvm_pj(p);
  rows.push_back(chip_eff);

  // The chip: 64 cores working in parallel, repeating at one core's pipelined period; a
  // multi-phase MVM integrates and converts once per phase, and post-processes once.
  const double chip_ops = 64 * ops(p);
  const struct {
    const char* id;
    int phases;
    double ns, tops;
  } modes[] = {{"1phase", 1, 133, 63.1}, {"4phase", 4, 520, 16.1}};
  for (const auto& mode : modes) {
    MvmStages phased = s;
    phased.integrate *= mode.phases;
    phased.convert *= mode.phases;
    const double ns = ps_to_ns(phased.period(true));
    Figure t = make_figure(fmt::format("hermes-chip-{}-mvm-ns", mode.id),
                           fmt::format("HERMES chip: MVM on all 64 cores, {}-phase", mode.phases),
                           "computed-against-published", kLeGallo, "ns", mode.ns);
    t.tolerance_pct = 3;
    t.derived = true;
    t.how = fmt::format(
        "64 hermes-core tiles in parallel: the pipelined period of one, with {} integration + "
        "conversion phases",
        mode.phases);
    t.simulated = ns;
    rows.push_back(t);
    Figure r = make_figure(fmt::format("hermes-chip-{}-tops", mode.id),
                           fmt::format("HERMES chip throughput, {}-phase", mode.phases),
                           "computed-against-published", kLeGallo, "TOPS", mode.tops);
    r.tolerance_pct = 3;
    r.derived = true;
    r.how = fmt::format("64 x 131072 ops / {:g} ns", ns);
    r.simulated = chip_ops / ns / 1e3;
    rows.push_back(r);
  }
  return rows;
}

std::vector<Figure> tile_figures(const Models& m) {
  std::vector<Figure> rows;
  {
    const TileParams p = m.tile({"tile.preset=ahwa-lora-512"});
    Figure f = make_figure("ahwa-lora-512-integration-ns", "AHWA-LoRA tile integration time",
                           "ahwa-lora-512-the-default", kAhwa, "ns", 128);
    f.tolerance_pct = 1;
    f.set_by = "tile.t_int = 128ns";
    f.how = "mvm_stages, 512 x 512: integration";
    f.simulated = ps_to_ns(full_mvm(p).integrate);
    rows.push_back(f);
    Figure e = make_figure("ahwa-lora-512-calibration-nj",
                           "default tile: energy of a 256 x 256 MVM, without post", "aimc-tile",
                           kLeGallo, "nJ", 860.0 / 64);
    e.tolerance_pct = 1;
    e.set_by = "tile.e_dac_per_row, tile.e_cell, tile.e_adc";
    e.how = "mvm_energy, 256 x 256: aimc.dac + aimc.array + aimc.adc";
    e.simulated = analog_pj(p, 256, 256) / 1e3;
    rows.push_back(e);
  }
  {
    const TileParams p = m.tile({"tile.preset=alpine"});
    Figure f = make_figure("alpine-mvm-ns", "ALPINE tile: one MVM every 100 ns, pipelined",
                           "alpine", kKlein, "ns", 100);
    f.tolerance_pct = 1;
    f.derived = true;
    f.how = "pipelined period of mvm_stages, 256 x 256: 8-bit streams at 4 GB/s each way";
    f.simulated = ps_to_ns(full_mvm(p).period(p.pipelined()));
    rows.push_back(f);
    Figure e = make_figure("alpine-tops-per-w", "ALPINE tile efficiency", "alpine", kKlein,
                           "TOPS/W", 12.8);
    e.tolerance_pct = 1;
    e.set_by =
        "tile.e_dac_per_row, tile.e_cell, tile.e_adc, tile.e_post (10.24 nJ, the default's "
        "scaled by 0.7503)";
    e.how = "131072 ops / mvm_energy, post-processing included";
    e.simulated = ops(p) / mvm_pj(p);
    rows.push_back(e);
  }
  {
    const TileParams p = m.tile({"tile.preset=mesh-projected"});
    Figure f =
        make_figure("mesh-projected-integration-ns", "projected 2-D mesh tile integration time",
                    "mesh-projected", kMesh, "ns", 40);
    f.tolerance_pct = 1;
    f.set_by = "tile.t_int = 40ns";
    f.how = "mvm_stages, 512 x 512: integration";
    f.simulated = ps_to_ns(full_mvm(p).integrate);
    rows.push_back(f);
    Figure e = make_figure("mesh-projected-tops-per-w", "projected 2-D mesh tile efficiency",
                           "mesh-projected", kMesh, "TOPS/W", 100);
    e.tolerance_pct = 1;
    e.set_by =
        "tile.e_dac_per_row, tile.e_cell, tile.e_adc, tile.e_post (5.24 nJ, the default's scaled "
        "by 0.1542)";
    e.how = "524288 ops / mvm_energy, post-processing included";
    e.simulated = ops(p) / mvm_pj(p);
    rows.push_back(e);
  }
  {
    const TileParams p = m.tile(kGarofaloIma);
    const MvmStages s = full_mvm(p);
    TilePipeline pipe(true);
    const Picos end = pipe.run(0, kLongBatch, s).end;
    Figure f = make_figure("garofalo-pipelined-peak",
                           "pipelined IMA: share of peak over a long batch of MVMs", "aimc-tile",
                           kGarofalo, "%", 90);
    f.check = Check::AtLeast;
    f.derived = true;
    f.how = fmt::format(
        "hermes-core, one shared port at 500 MHz, {} MVMs pipelined: {} x integration + "
        "conversion / the batch's time",
        kLongBatch, kLongBatch);
    f.simulated = 100.0 * static_cast<double>(kLongBatch * s.analog()) / static_cast<double>(end);
    rows.push_back(f);
    Figure q = make_figure("garofalo-sequential-stream-share",
                           "sequential IMA: stream phases' share of cycles", "aimc-tile", kGarofalo,
                           "%", 8);
    q.check = Check::Between;
    q.published_high = 40;
    q.derived = true;
    q.how = "hermes-core, one shared port at 500 MHz: (stream-in + stream-out) / one MVM";
    q.simulated =
        100.0 * static_cast<double>(s.stream_in + s.stream_out) / static_cast<double>(s.total());
    rows.push_back(q);
  }
  return rows;
}

std::vector<Figure> all_figures(const Models& m) {
  std::vector<Figure> rows;
  for (const auto& part : {pmca_figures, hermes_figures, tile_figures}) {
    std::vector<Figure> more = part(m);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  return rows;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string source(const Figure& f) { return "models/README.md#" + f.anchor + "; " + f.paper; }

std::string table_csv(const std::vector<Figure>& rows) {
  std::ostringstream os;
  os << "id,figure,source,published,published_high,simulated,unit,error_pct,check,tolerance_pct,"
        "kind,set_by,status,how\n";
  for (const Figure& f : rows) {
    const char* check = f.check == Check::Within    ? "within"
                        : f.check == Check::AtLeast ? "at_least"
                                                    : "between";
    os << fmt::format(
        "{},{},{},{:g},{},{:.6g},{},{:.3f},{},{},{},{},{},{}\n", f.id, csv_field(f.figure),
        csv_field(source(f)), f.published,
        f.check == Check::Between ? fmt::format("{:g}", f.published_high) : std::string(),
        f.simulated, f.unit, f.error_pct(), check,
        f.check == Check::Within ? fmt::format("{:g}", f.tolerance_pct) : std::string(), f.kind(),
        csv_field(f.set_by), f.status(), csv_field(f.how));
  }
  return os.str();
}

std::string table_md(const std::vector<Figure>& rows) {
  std::ostringstream os;
  os << "| id | figure | source | published | simulated | error | tolerance | kind | status |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
  for (const Figure& f : rows)
    os << fmt::format(
        "| `{}` | {} | [{}](../../models/README.md#{}); {} | {} {} | {:.4g} {} | "
        "{:+.2f} % | {} | {} | {} |\n",
        f.id, f.figure, f.anchor, f.anchor, f.paper, f.published_text(), f.unit, f.simulated,
        f.unit, f.error_pct(), f.tolerance_text(), f.derived ? "derived" : "set: " + f.set_by,
        f.status());
  return os.str();
}

void print_table(std::ostream& os, const std::vector<Figure>& rows) {
  os << fmt::format("{:<58} {:<32} {:>9} {:>9} {:<9} {:>8} {:>6}  {:<8} {}\n", "figure", "source",
                    "published", "simulated", "unit", "error", "tol", "kind", "status");
  for (const Figure& f : rows) {
    const std::string paper = f.paper.substr(0, f.paper.find(' '));
    os << fmt::format("{:<58} {:<32} {:>9} {:>9.4g} {:<9} {:>+7.2f}% {:>6}  {:<8} {}\n",
                      f.figure.substr(0, 58), "#" + f.anchor + " " + paper, f.published_text(),
                      f.simulated, f.unit, f.error_pct(), f.tolerance_text(), f.kind(), f.status());
  }
}

struct ValidateOptions {
  std::vector<std::string> overrides;
  std::string csv, outdir;
};

Command::Action setup_validate(CLI::App& app) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "run published single-component figures through aimcsim's models; exit 1 when a figure "
      "that is not a known gap is outside its tolerance");
  cmd->add_option("-p,--param", o->overrides,
                  "override one key in every row's configuration, KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--csv", o->csv, "write the table as CSV to this file");
  cmd->add_option("-o,--output", o->outdir, "write table.csv and table.md to this folder");
  return [o] {
    const std::vector<Figure> rows = all_figures(Models(o->overrides));
    print_table(std::cout, rows);
    if (!o->csv.empty()) write_file_atomic(o->csv, table_csv(rows));
    if (!o->outdir.empty()) {
      std::filesystem::create_directories(o->outdir);
      write_file_atomic(o->outdir + "/table.csv", table_csv(rows));
      write_file_atomic(o->outdir + "/table.md", table_md(rows));
    }
    int failed = 0;
    for (const Figure& f : rows) {
      if (f.known_gap || f.passes()) continue;
      ++failed;
      std::cerr << fmt::format(
          "aimcsim: validate: {} is outside its tolerance: {:.4g} {} against {} {} ({:+.2f} %, "
          "tolerance {}; {})\n",
          f.id, f.simulated, f.unit, f.published_text(), f.unit, f.error_pct(), f.tolerance_text(),
          source(f));
    }
    const std::size_t gaps = static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [](const Figure& f) { return f.known_gap; }));
    std::cout << fmt::format("{} figures: {} within tolerance, {} outside, {} known gaps\n",
                             rows.size(), rows.size() - gaps - failed, failed, gaps);
    return failed > 0 ? 1 : 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(validate, setup_validate);

}  // namespace aimcsim
