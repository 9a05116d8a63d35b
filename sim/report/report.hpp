#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/base/files.hpp"
#include "sim/base/stats.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {

// layers.csv: one row per static linear operator.
std::string layers_csv(const RunResult& r);
// ops.csv: one row per operator of the graph (linears, attention, norms, ...).
std::string ops_csv(const RunResult& r);
// experts.csv of a Mixture-of-Experts run: per MoE layer and expert, the tokens routed to it
// in the prompt and in the decode steps.
std::string experts_csv(const Workload& w);
// What the run needs and the platform does not have (a KV cache larger than its L2), each with
// how to make it fit; empty when everything fits. summary.json's status is over_capacity when
// there is one, and `--strict` makes it an error.
std::vector<std::string> capacity_violations(const RunResult& r);
// Throws InputError listing the capacity violations, if there are any.
void require_capacity(const RunResult& r);
// Every statistic of a run, registered by the parts that own them, as one tree.
void report_run(const RunResult& r, const Config& cfg, StatGroup& root);
// summary.json: the tree's values (totals, energy by component, per-block totals, platform and
// workload sizes, ...).
std::string summary_json(const RunResult& r, const Config& cfg);
// stats.csv: the same tree flattened, one row per statistic: dotted name, value, unit and
// description.
std::string stats_csv(const RunResult& r, const Config& cfg);
// The short table printed on stdout: one row per transformer block and the totals.
void print_table(std::ostream& os, const RunResult& r);

// Writes layers.csv, ops.csv, summary.json, stats.csv, config.yaml and, when the run has them,
// experts.csv and trace.json into `dir` (created if needed), and removes those two when it has
// not (an earlier run's). Each file is written to a temporary name and renamed, so an
// interrupted run never leaves a partial file. Returns the names of the files written.
std::vector<std::string> write_outputs(const RunResult& r, const Config& cfg,
                                       const std::string& dir);

// `aimcsim run`'s work for one config: simulates it, checks its capacity under `strict` or
// output.strict (InputError when over), writes its outputs into `dir` and prints its notes and
// capacity violations on stderr ("aimcsim: ..."). Returns the result and the files written.
struct FolderRun {
  RunResult result;
  std::vector<std::string> files;
};
FolderRun run_to_folder(const Config& cfg, const std::string& dir, bool strict);

}  // namespace aimcsim
