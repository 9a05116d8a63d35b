// `aimcsim sweep`: runs every point of a sweep file in parallel worker processes, or merges the
// folders of a sharded sweep.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "sim/base/error.hpp"
#include "sim/cli/cli.hpp"
#include "sim/run/run.hpp"
#include "sim/sweep/sweep.hpp"

namespace aimcsim {
namespace {

struct SweepCommandOptions {
  std::string sweep_file;
  std::size_t jobs = 0;
  std::string outdir;
  std::string shard;
  std::vector<std::string> merge;
  bool dry_run = false;
  bool force = false;
};

Command::Action setup_sweep(CLI::App& app) {
  auto o = std::make_shared<SweepCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "run every point of a sweep file (base config x grid x zip x points) in parallel processes");
  cmd->add_option("sweep_file", o->sweep_file, "sweep YAML: base, grid, zip, points")
      ->check(CLI::ExistingFile);
  cmd->add_option("-j,--jobs", o->jobs, "worker processes at a time (default: one per core)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option(
      "-o,--output", o->outdir,
      "output folder: results.csv, sweep.json, points/<id>/ (default: runs/<sweep file name>)");
  cmd->add_option("--shard", o->shard,
                  "run only slice I of N (0 <= I < N, points I, I+N, ...), e.g. --shard 0/4");
  cmd->add_flag("--dry-run", o->dry_run, "check the sweep file and list its points; run nothing");
  cmd->add_flag("--force", o->force,
                "replace the other sweep the output folder holds (its points are deleted)");
  cmd->add_option("--merge", o->merge, "join these shard folders into -o OUTDIR instead of running")
      ->excludes("sweep_file")
      ->excludes("--shard");
  return [o] {
    if (!o->merge.empty()) {
      if (o->outdir.empty())
        throw InputError("--merge: give the merged output folder with -o OUTDIR");
      merge_sweeps(o->merge, o->outdir);
      std::cout << fmt::format("sweep: merged {} folders into {}/results.csv\n", o->merge.size(),
                               o->outdir);
      return 0;
    }
    if (o->sweep_file.empty())
      throw InputError("sweep: give a sweep file (or --merge SHARD_DIR... -o OUTDIR)");
    const Schema schema = build_schema();
    const SweepSpec spec = load_sweep(schema, o->sweep_file);
    if (o->dry_run) {
      std::cout << "point";
      for (const auto& k : spec.keys) std::cout << "," << k;
      std::cout << ",config_hash\n";
      for (const SweepPoint& p : spec.points) {
        std::cout << p.id;
        for (const auto& v : p.values) std::cout << "," << v;
        std::cout << "," << p.config_hash << "\n";
      }
      return 0;
    }
    SweepOptions options;
    options.exe = self_executable();
    options.jobs = o->jobs ? o->jobs : std::max(1u, std::thread::hardware_concurrency());
    options.outdir = o->outdir.empty()
                         ? "runs/" + std::filesystem::path(o->sweep_file).stem().string()
                         : o->outdir;
    if (!o->shard.empty())
      std::tie(options.shard_index, options.shard_count) = parse_shard(o->shard);
    options.progress = ::isatty(2) != 0 && !cli_options().quiet;
    options.strict = cli_options().strict;
    options.force = o->force;
    options.verbose = !cli_options().quiet;
    SweepOutcome r;
    try {
      r = run_sweep(spec, options);
    } catch (const SweepInterrupted& e) {
      std::cerr << "aimcsim: " << e.what() << "\n";
      return 128 + e.signal;
    }
    if (!cli_options().quiet)
      std::cout << fmt::format(
          "sweep: {} of {} points{}: {} ran, {} already done, {} failed; wrote {}/results.csv\n",
          r.selected, spec.points.size(),
          options.shard_count > 1
              ? fmt::format(" (shard {}/{})", options.shard_index, options.shard_count)
              : "",
          r.ran, r.skipped, r.failed, options.outdir);
    if (r.failed) {
      std::cerr << fmt::format(
          "aimcsim: {} point(s) failed; see {}/sweep.json and points/<id>/stderr.log\n", r.failed,
          options.outdir);
      return 1;
    }
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(sweep, setup_sweep);

}  // namespace aimcsim
