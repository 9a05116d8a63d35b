// `aimcsim explore`: searches a design space for the Pareto front of the chosen statistics under
// constraints.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "sim/base/error.hpp"
#include "sim/cli/cli.hpp"
#include "sim/explore/explore.hpp"
#include "sim/run/run.hpp"
#include "sim/sweep/sweep.hpp"

namespace aimcsim {
namespace {

struct ExploreCommandOptions {
  std::string space_file;
  std::size_t jobs = 0;
  std::string outdir;
  std::size_t budget = 0;
};

Command::Action setup_explore(CLI::App& app) {
  auto o = std::make_shared<ExploreCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "explore",
      "search a design space (base config x variables) for the Pareto front of the objectives "
      "under the constraints");
  cmd->add_option("space_file", o->space_file,
                  "space YAML: base, variables, objectives, constraints, budget, seed, algorithm")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-j,--jobs", o->jobs, "worker processes at a time (default: one per core)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("-o,--output", o->outdir,
                  "output folder: candidates.csv, pareto.csv, pareto/<id>/config.yaml, "
                  "explore.json, points/<id>/ (default: runs/<space file name>)");
  cmd->add_option("--budget", o->budget,
                  "evaluations (distinct candidates), over the file's budget")
      ->check(CLI::Range(1, 1000000));
  return [o] {
    const Schema schema = build_schema();
    ExploreSpace space = load_space(schema, o->space_file);
    if (o->budget) {
      space.budget = o->budget;
      const std::string problem = SearchRegistry::instance().create(space.algorithm)->check(space);
      if (!problem.empty())
        throw InputError(fmt::format("--budget {}: {}: {}", o->budget, space.algorithm, problem));
    }
    ExploreOptions options;
    options.exe = self_executable();
    options.jobs = o->jobs ? o->jobs : std::max(1u, std::thread::hardware_concurrency());
    options.outdir = o->outdir.empty()
                         ? "runs/" + std::filesystem::path(o->space_file).stem().string()
                         : o->outdir;
    options.progress = ::isatty(2) != 0 && !cli_options().quiet;
    ExploreOutcome r;
    try {
      r = run_explore(schema, space, options);
    } catch (const SweepInterrupted& e) {
      std::cerr << fmt::format(
          "aimcsim: explore {}: the candidates that finished are kept in {}/points; run the same "
          "command again to resume\n",
          e.what(), options.outdir);
      return 128 + e.signal;
    }
    if (!cli_options().quiet)
      std::cout << fmt::format(
          "explore: {} candidates evaluated ({} simulated now, {} failed, {} feasible; {}), "
          "{} on the Pareto front; wrote {}/pareto.csv\n",
          r.evaluations.size(), r.ran, r.failed, r.feasible, r.stopped, r.front.size(),
          options.outdir);
    if (r.feasible == 0) {
      std::string least = "every candidate failed; see candidates.csv's message column";
      if (r.least_violating >= 0) {
        const Evaluation& e = r.evaluations[static_cast<std::size_t>(r.least_violating)];
        std::string values, missed;
        for (const std::string& kv : candidate_overrides(space, e.candidate))
          values += (values.empty() ? "" : ", ") + kv;
        for (std::size_t i = 0; i < space.constraints.size(); ++i)
          missed += fmt::format("{}{} = {} (wants {})", missed.empty() ? "" : ", ",
                                space.constraints[i].statistic.name, e.constraint_texts[i],
                                space.constraints[i].text);
        least = fmt::format("the least violating is {} ({}): {}", e.id, values, missed);
      }
      std::cerr << fmt::format(
          "aimcsim: no feasible candidate in {} evaluations: the constraints exclude every point "
          "the search tried; {}\n",
          r.evaluations.size(), least);
      return 1;
    }
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(explore, setup_explore);

}  // namespace aimcsim
