// `aimcsim run`: one simulation of the hybrid design and the analog-only baseline.

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "sim/cli/cli.hpp"
#include "sim/report/report.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {
namespace {

struct RunOptions {
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::string outdir = "out";
};

Command::Action setup_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "simulate a workload on the hybrid AIMC + PMCA platform and on the analog-only baseline");
  cmd->add_option("configs", o->configs,
                  "YAML config files, merged in order (none: the embedded default, MobileBERT)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-p,--param", o->overrides,
                  "override one key, KEY=VALUE (repeatable), e.g. -p tile.t_int=256ns")
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", o->outdir,
                  "output folder for layers.csv, summary.json, config.yaml")
      ->capture_default_str();
  return [o] {
    const Schema schema = build_schema();
    const Config cfg = load_run_config(schema, o->configs, o->overrides);
    const FolderRun run = run_to_folder(cfg, o->outdir, cli_options().strict);
    if (!cli_options().quiet) print_table(std::cout, run.result);
    say_outputs(o->outdir, run.files);
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(run, setup_run);

}  // namespace aimcsim
