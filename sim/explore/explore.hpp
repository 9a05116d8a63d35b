#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "sim/explore/search.hpp"
#include "sim/explore/space.hpp"

namespace aimcsim {

// How to run a search: the aimcsim executable and workers (as a sweep's), the output folder and
// whether to draw a progress line on stderr.
struct ExploreOptions {
  std::string exe;  // empty or this program: the sweep's pool of forked workers
  std::size_t jobs = 1;
  std::string outdir = "explore-out";
  bool progress = false;
};

// What a search found: every evaluation in order, the Pareto front (indices into `evaluations`,
// feasible and non-dominated, ordered by objectives) and, when no candidate is feasible, the one
// that misses the constraints least.
struct ExploreOutcome {
  std::vector<Evaluation> evaluations;
  std::vector<std::size_t> front;
  std::size_t ran = 0;     // candidates simulated by this run (the others were in OUTDIR)
  std::size_t failed = 0;  // candidates whose config was rejected or whose run failed
  std::size_t feasible = 0;
  long least_violating = -1;  // index into `evaluations`, when none is feasible
  std::string stopped;        // why the search ended
};

// Searches `space` with its algorithm. Each candidate is the base config with its variables'
// values, simulated in OUTDIR/points/c<config hash>/ on the sweep's worker pool (a failure is
// recorded there and the candidate counts as infeasible); a candidate whose folder holds a
// finished run of the same config is read, not run again, so a search stopped and rerun
// resumes. Every candidate is confirmed by the full simulation (the analytic twin does not
// screen them). Writes OUTDIR/candidates.csv, pareto.csv, pareto/<id>/config.yaml and
// explore.json. Throws SweepInterrupted when SIGINT or SIGTERM stop it.
ExploreOutcome run_explore(const Schema& schema, const ExploreSpace& space,
                           const ExploreOptions& options);

}  // namespace aimcsim
