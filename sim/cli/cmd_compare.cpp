// `aimcsim compare`: one workload under several strategies or configs, side by side.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "sim/base/error.hpp"
#include "sim/cli/cli.hpp"
#include "sim/cli/variant.hpp"
#include "sim/report/report.hpp"
#include "sim/run/run.hpp"
#include "sim/schedule/strategy.hpp"

namespace aimcsim {
namespace {

struct CompareOptions {
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::vector<std::string> strategies;
  std::vector<std::string> variants;  // NAME:KEY=VALUE[;KEY=VALUE...]
  std::string outdir = "out-compare";
};

std::vector<Variant> variants_of(const CompareOptions& o) {
  std::vector<Variant> out = parse_variants(o.variants);
  if (out.empty()) {
    std::vector<std::string> names = o.strategies;
    const std::vector<std::string> known = StrategyRegistry::instance().names();
    if (names.empty() || (names.size() == 1 && names[0] == "all")) names = known;
    for (const std::string& s : names)
      if (std::find(known.begin(), known.end(), s) == known.end()) {
        std::string accepted = "all";
        for (const std::string& k : known) accepted += ", " + k;
        throw InputError(
            fmt::format("-s/--strategies {}: not a strategy; accepted: {}", s, accepted));
      }
    for (const auto& s : names) out.push_back({s, {"pipeline.strategy=" + s}});
  } else if (!o.strategies.empty()) {
    throw InputError("compare: give either --strategies or --variant, not both");
  }
  return out;
}

// Loads every variant's config (the shared overrides, then its own) before running any, so
// that a bad variant fails at once. The configs refer to `schema`, which must outlive them.
std::vector<Config> variant_configs(const Schema& schema, const CompareOptions& o,
                                    const std::vector<Variant>& variants) {
  std::vector<Config> configs;
  for (const Variant& v : variants) {
    std::vector<std::string> ov = o.overrides;
    ov.insert(ov.end(), v.overrides.begin(), v.overrides.end());
    configs.push_back(load_run_config(schema, o.configs, ov));
  }
  return configs;
}

// Simulates each variant and writes its reports into OUTDIR/<variant>; throws InputError when
// two variants run different workloads.
std::vector<RunResult> run_variants(const CompareOptions& o, const std::vector<Variant>& variants,
                                    const std::vector<Config>& configs) {
  std::vector<RunResult> results;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    results.push_back(simulate(configs[i]));
    if (cli_options().strict || OutputParams::from(configs[i]).strict)
      require_capacity(results.back());
    for (const std::string& v : capacity_violations(results.back()))
      spdlog::warn("{}: over capacity: {}", variants[i].name, v);
    write_outputs(results.back(), configs[i], o.outdir + "/" + variants[i].name);
  }
  for (std::size_t i = 1; i < results.size(); ++i) {
    std::vector<std::string> a, b;
    for (const auto& x : results[0].blocks) a.push_back(x.name);
    for (const auto& x : results[i].blocks) b.push_back(x.name);
    if (a != b)
      throw InputError(
          fmt::format("compare: variants {} and {} run different workloads ({} and {}); compare "
                      "variants of one workload",
                      variants[0].name, variants[i].name, results[0].workload.model,
                      results[i].workload.model));
  }
  return results;
}

// a / b, or 0 when b is 0.
double ratio(Picos a, Picos b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

// The figures of one block (or, past the last block, of the whole run) of one variant.
struct BlockFigures {
  std::string name;
  Picos analog_only, hybrid;
  double analog_only_energy, hybrid_energy;
};

BlockFigures block_figures(const RunResult& r, std::size_t b) {
  if (b == r.blocks.size())
    return {"end to end", r.analog_only, r.hybrid, r.analog_only_energy.total(),
            r.hybrid_energy.total()};
  const auto& x = r.blocks.at(b);
  return {x.name, x.analog_only, x.hybrid, x.analog_only_energy.total(), x.hybrid_energy.total()};
}

// The common reference of a comparison: the variant whose analog-only design is fastest end to
// end (the first of equals). Each variant schedules its own analog-only baseline (a strategy
// pipelines the analog-only design too), so overheads against their own baselines do not compare
// across variants; against the reference they do.
std::size_t reference_variant(const std::vector<RunResult>& results) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < results.size(); ++i)
    if (results[i].analog_only < results[best].analog_only) best = i;
  return best;
}

// Prints the variants side by side on stdout: per block the hybrid span and its overhead against
// the variant's own analog-only span; end to end each variant's own baseline, and the overhead
// against the common reference; then the linears' spans summed and the hybrid energy.
void print_table(const std::vector<Variant>& variants, const std::vector<RunResult>& results) {
  const std::size_t ref = reference_variant(results);
  std::cout << fmt::format("{:<22}", "hybrid span us");
  for (const Variant& v : variants) std::cout << fmt::format(" {:>18}", v.name);
  std::cout << "\n";
  for (std::size_t b = 0; b <= results.front().blocks.size(); ++b) {
    std::cout << fmt::format("{:<22}", block_figures(results.front(), b).name);
    for (const RunResult& r : results) {
      const BlockFigures f = block_figures(r, b);
      std::cout << fmt::format(" {:>10.3f} {:>6.3f}x", ps_to_ns(f.hybrid) / 1e3,
                               ratio(f.hybrid, f.analog_only));
    }
    std::cout << "\n";
  }
  std::cout << fmt::format("{:<22}", "own analog-only us");
  for (const RunResult& r : results)
    std::cout << fmt::format(" {:>18.3f}", ps_to_ns(r.analog_only) / 1e3);
  std::cout << "\n" << fmt::format("{:<22}", "overhead vs reference");
  for (const RunResult& r : results)
    std::cout << fmt::format(" {:>17.3f}x", ratio(r.hybrid, results[ref].analog_only));
  std::cout << "\n" << fmt::format("{:<22}", "linears summed");
  for (const RunResult& r : results)
    std::cout << fmt::format(" {:>17.3f}x", ratio(r.linear_hybrid, r.linear_analog_only));
  std::cout << "\n" << fmt::format("{:<22}", "hybrid energy uJ");
  for (const RunResult& r : results)
    std::cout << fmt::format(" {:>18.3f}", r.hybrid_energy.total() / 1e6);
  std::cout << "\n" << fmt::format("{:<22}", "status");
  for (const RunResult& r : results)
    std::cout << fmt::format(" {:>18}", capacity_violations(r).empty() ? "ok" : "OVER CAPACITY");
  std::cout << "\n"
            << fmt::format(
                   "(per block: the hybrid span and its overhead against the variant's own "
                   "analog-only span; reference: {}, the fastest analog-only schedule, {:.3f} "
                   "us)\n",
                   variants[ref].name, ps_to_ns(results[ref].analog_only) / 1e3);
}

// compare.csv: one row per block and variant, blocks in order, then end to end. Spans and their
// overhead against the variant's own analog-only design, then against the common reference (the
// reference variant's analog-only span of the same block).
std::string compare_csv(const std::vector<Variant>& variants,
                        const std::vector<RunResult>& results) {
  const std::size_t ref = reference_variant(results);
  std::string csv =
      "variant,status,block,analog_only_span_ns,hybrid_span_ns,overhead,reference,"
      "reference_analog_only_span_ns,overhead_vs_reference,analog_only_energy_nj,"
      "hybrid_energy_nj\n";
  for (std::size_t b = 0; b <= results.front().blocks.size(); ++b) {
    const BlockFigures r = block_figures(results[ref], b);
    for (std::size_t i = 0; i < variants.size(); ++i) {
      const BlockFigures f = block_figures(results[i], b);
      csv += fmt::format(
          "{},{},{},{:.3f},{:.3f},{:.6f},{},{:.3f},{:.6f},{:.6f},{:.6f}\n", variants[i].name,
          capacity_violations(results[i]).empty() ? "ok" : "over_capacity", f.name,
          ps_to_ns(f.analog_only), ps_to_ns(f.hybrid), ratio(f.hybrid, f.analog_only),
          variants[ref].name, ps_to_ns(r.analog_only), ratio(f.hybrid, r.analog_only),
          f.analog_only_energy / 1e3, f.hybrid_energy / 1e3);
    }
  }
  return csv;
}

Command::Action setup_compare(CLI::App& app) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "run one workload under several strategies (default: all) or config variants, side by side");
  cmd->add_option("configs", o->configs,
                  "YAML config files, merged in order (none: the embedded default)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-p,--param", o->overrides,
                  "override one key for every variant, KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("-s,--strategies", o->strategies, "strategies to compare, or all")
      ->delimiter(',');
  cmd->add_option(
         "--variant", o->variants,
         "a named variant NAME:KEY=VALUE[;KEY=VALUE...] (repeatable), instead of strategies")
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", o->outdir,
                  "output folder for compare.csv and each variant's reports")
      ->capture_default_str();
  return [o] {
    const Schema schema = build_schema();
    const std::vector<Variant> variants = variants_of(*o);
    const std::vector<Config> configs = variant_configs(schema, *o, variants);
    const std::vector<RunResult> results = run_variants(*o, variants, configs);
    if (!cli_options().quiet) print_table(variants, results);
    std::filesystem::create_directories(o->outdir);
    write_file_atomic(o->outdir + "/compare.csv", compare_csv(variants, results));
    std::vector<std::string> files{"compare.csv"};
    for (const Variant& v : variants) files.push_back(v.name + "/");
    say_outputs(o->outdir, files);
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(compare, setup_compare);

}  // namespace aimcsim
