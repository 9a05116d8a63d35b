// `aimcsim compare`: one workload under several strategies or configs, side by side.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "sim/base/error.hpp"
#include "sim/cli/cli.hpp"
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

struct Variant {
  std::string name;
  std::vector<std::string> overrides;
};

std::vector<Variant> variants_of(const CompareOptions& o) {
  std::vector<Variant> out;
  for (const std::string& v : o.variants) {
    const auto colon = v.find(':');
    if (colon == std::string::npos || colon == 0)
      throw InputError(fmt::format(
          "--variant {}: expected NAME:KEY=VALUE[;KEY=VALUE...], e.g. fast:tile.t_int=128ns", v));
    Variant x{v.substr(0, colon), {}};
    std::string rest = v.substr(colon + 1);
    for (std::size_t pos = 0; pos <= rest.size();) {
      const auto semi = rest.find(';', pos);
      const std::string kv =
          rest.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
      if (!kv.empty()) x.overrides.push_back(kv);
      if (semi == std::string::npos) break;
      pos = semi + 1;
    }
    out.push_back(x);
  }
  if (out.empty()) {
    std::vector<std::string> names = o.strategies;
    if (names.empty() || (names.size() == 1 && names[0] == "all"))
      names = StrategyRegistry::instance().names();
    for (const auto& s : names) out.push_back({s, {"pipeline.strategy=" + s}});
  } else if (!o.strategies.empty()) {
    throw InputError("compare: give either --strategies or --variant, not both");
  }
  return out;
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
    std::vector<Config> configs;
    for (const Variant& v : variants) {  // validate every variant before running any
      std::vector<std::string> ov = o->overrides;
      ov.insert(ov.end(), v.overrides.begin(), v.overrides.end());
      configs.push_back(load_run_config(schema, o->configs, ov));
    }
    std::vector<RunResult> results;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      results.push_back(simulate(configs[i]));
      write_outputs(results.back(), configs[i], o->outdir + "/" + variants[i].name);
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
    // Side by side: one row per block, a column group per variant.
    std::string csv =
        "variant,block,analog_only_ns,hybrid_ns,overhead,analog_only_energy_nj,hybrid_energy_nj\n";
    auto ratio = [](Picos a, Picos b) {
      return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
    };
    std::cout << fmt::format("{:<18}", "hybrid us");
    for (const Variant& v : variants) std::cout << fmt::format(" {:>18}", v.name);
    std::cout << "\n";
    const RunResult& first = results.front();
    for (std::size_t b = 0; b <= first.blocks.size(); ++b) {
      const bool total = b == first.blocks.size();
      std::cout << fmt::format("{:<18}", total ? "total" : first.blocks[b].name);
      for (std::size_t i = 0; i < variants.size(); ++i) {
        const RunResult& r = results[i];
        const Picos a = total ? r.analog_only : r.blocks.at(b).analog_only;
        const Picos h = total ? r.hybrid : r.blocks.at(b).hybrid;
        const double ea =
            total ? r.analog_only_energy.total() : r.blocks.at(b).analog_only_energy.total();
        const double eh = total ? r.hybrid_energy.total() : r.blocks.at(b).hybrid_energy.total();
        std::cout << fmt::format(" {:>10.3f} {:>6.3f}x", ps_to_ns(h) / 1e3, ratio(h, a));
        csv += fmt::format("{},{},{:.3f},{:.3f},{:.6f},{:.6f},{:.6f}\n", variants[i].name,
                           total ? "total" : r.blocks.at(b).name, ps_to_ns(a), ps_to_ns(h),
                           ratio(h, a), ea / 1e3, eh / 1e3);
      }
      std::cout << "\n";
    }
    std::cout << fmt::format("{:<18}", "LoRA overhead");
    for (const RunResult& r : results)
      std::cout << fmt::format(" {:>17.3f}x", ratio(r.linear_hybrid, r.linear_analog_only));
    std::cout << "\n" << fmt::format("{:<18}", "hybrid energy uJ");
    for (const RunResult& r : results)
      std::cout << fmt::format(" {:>18.3f}", r.hybrid_energy.total() / 1e6);
    std::cout << "\n";
    std::filesystem::create_directories(o->outdir);
    write_file_atomic(o->outdir + "/compare.csv", csv);
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(compare, setup_compare);

}  // namespace aimcsim
