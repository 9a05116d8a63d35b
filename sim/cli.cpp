#include "sim/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "aimcsim/version.hpp"
#include "platform/embedded_config.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/report.hpp"
#include "sim/run.hpp"

namespace aimcsim {
namespace {

struct RunOptions {
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::string outdir = "out";
  bool quiet = false;
};

Config load_config(const Schema& schema, const RunOptions& o) {
  if (o.configs.empty())
    return Config::load(schema, {{"embedded default config", embedded_default_config()}}, o.overrides);
  return Config::load_files(schema, o.configs, o.overrides);
}

int do_run(const RunOptions& o) {
  const Schema schema = build_schema();
  const Config cfg = load_config(schema, o);
  const RunResult r = simulate(cfg);
  write_outputs(r, cfg, o.outdir);
  if (!o.quiet) print_table(std::cout, r);
  spdlog::info("wrote {}/layers.csv, {}/summary.json, {}/config.yaml", o.outdir, o.outdir, o.outdir);
  return 0;
}

int do_params() {
  const Schema schema = build_schema();
  for (const ParamSpec& p : schema.params()) {
    std::cout << fmt::format("{:<30} {:<16} {}\n{:<30} {:<16} accepts {}\n", p.key,
                             p.required ? "(required)" : p.default_value, p.description, "", "", p.accepted());
  }
  return 0;
}

}  // namespace

int cli_main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_st("aimcsim");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("aimcsim: %v");
  spdlog::set_level(spdlog::level::warn);

  CLI::App app{"aimcsim: cycle-approximate simulator of AIMC tiles + RISC-V clusters running LoRA "
               "adapters for transformer inference",
               "aimcsim"};
  app.set_version_flag("--version", std::string("aimcsim ") + kVersion);
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "log detail on stderr")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));

  RunOptions run;
  CLI::App* run_cmd = app.add_subcommand(
      "run", "simulate a workload on the hybrid AIMC + PMCA platform and on the analog-only baseline");
  run_cmd->add_option("configs", run.configs,
                      "YAML config files, merged in order (none: the embedded default, MobileBERT)")
      ->check(CLI::ExistingFile);
  run_cmd->add_option("-p,--param", run.overrides, "override one key, KEY=VALUE (repeatable), e.g. -p tile.t_int=256ns")
      ->allow_extra_args(false);
  run_cmd->add_option("-o,--output", run.outdir, "output folder for layers.csv, summary.json, config.yaml")
      ->capture_default_str();
  run_cmd->add_flag("-q,--quiet", run.quiet, "do not print the per-block table");

  app.add_subcommand("params", "list every configuration key with its default, range and meaning");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    if (run_cmd->parsed()) return do_run(run);
    return do_params();
  } catch (const InputError& e) {
    std::cerr << "aimcsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "aimcsim: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace aimcsim
