#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace aimcsim {

// One design point of a sweep: its id (the name of its folder), the value of every swept key,
// and its full effective config with that config's hash.
struct SweepPoint {
  std::string id;
  std::vector<std::string> values;  // one per SweepSpec::keys, as written in the sweep file
  std::string config_yaml;          // effective config, every key filled in
  std::string config_hash;          // fnv1a64 of config_yaml, 16 hex digits
};

// A parsed and validated sweep file: the base config, the swept keys (grid keys, then zip keys,
// then point keys, in order of first appearance) and the expanded points, grid x zip x points,
// with the last grid key varying fastest.
struct SweepSpec {
  std::string name;       // the sweep file's name, without its folder
  std::string base_hash;  // hash of the base config documents
  std::vector<std::string> keys;
  std::vector<SweepPoint> points;
};

// The most points a sweep file may expand to: checking each takes about a millisecond and
// running each tens of milliseconds, so more is a mistake (an axis too many); split the study
// into several sweep files instead.
inline constexpr std::size_t kMaxSweepPoints = 1000000;

// Parses a sweep document. `base_dir` resolves the base's config file paths. Every key, value and
// point config is checked against `schema` and the workload is built for each point; bad input
// throws InputError naming the file, the axis or point and what is accepted, as does a sweep of
// more than kMaxSweepPoints points (before it is expanded). Nothing runs.
SweepSpec parse_sweep(const Schema& schema, const std::string& text, const std::string& name,
                      const std::string& base_dir);
SweepSpec load_sweep(const Schema& schema, const std::string& path);

// "I/N" (0 <= I < N) to {I, N}; throws InputError otherwise.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text);
// Indices of the points of shard `index` of `count`: round robin, so every shard gets a similar
// mix of the grid.
std::vector<std::size_t> shard_points(std::size_t total, std::size_t index, std::size_t count);

// How to run a sweep: the aimcsim executable that runs one point, parallel workers, the output
// folder, the shard, and whether to draw a progress line on stderr.
struct SweepOptions {
  // Empty, or this very program: the points run on a pool of `jobs` long-lived workers forked
  // from this process (no start-up per point). Another executable: one `exe run` per point.
  std::string exe;
  std::size_t jobs = 1;
  std::string outdir = "sweep-out";
  std::size_t shard_index = 0, shard_count = 1;
  bool progress = false;
  bool strict = false;  // each point runs with --strict
  bool force = false;   // replace another sweep held in outdir
  bool verbose = true;  // say on stderr which finished points run again (files changed)
};

// What a sweep did: points of its shard, ones that ran now, ones skipped as already finished,
// and the failures (of this shard, after the run).
struct SweepOutcome {
  std::size_t selected = 0, ran = 0, skipped = 0, failed = 0;
  std::size_t rerun = 0;  // finished points whose result files changed since: run again
};

// A sweep stopped by SIGINT or SIGTERM: the signal and a one-line message of what finished and
// how to resume.
struct SweepInterrupted : std::runtime_error {
  SweepInterrupted(int sig, const std::string& message)
      : std::runtime_error(message), signal(sig) {}
  int signal;
};

// Runs the points of the chosen shard (at most `jobs` at a time, on the pool or one `exe run`
// process each, as SweepOptions::exe says) into OUTDIR/points/<id>/: a point writes what
// `aimcsim run` would, and one that fails or crashes its worker is recorded as failed while the
// others go on; a point whose status.json says ok for the same
// config hash is skipped. Then writes OUTDIR/results.csv and OUTDIR/sweep.json from the point
// folders. Each file is written to a temporary name and renamed into place.
SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options);

// Runs the given points of `spec` as run_sweep does, on the pool (or one `exe run` each) into
// OUTDIR/points/<id>/, skipping those whose status.json says ok for the same config hash, but
// neither takes the folder's lock nor writes results.csv or sweep.json: for a caller that holds
// the lock and writes its own summary of the points (aimcsim explore). SIGINT and SIGTERM throw
// SweepInterrupted ("stopped by SIGINT"); what finished is kept. `failed` counts the given points
// not ok after the run.
SweepOutcome run_sweep_points(const SweepSpec& spec, const std::vector<std::size_t>& points,
                              const SweepOptions& options);

// A point folder's state: "ok" (finished for this config hash, its result files unchanged),
// "failed" (with the message) or "missing".
struct SweepPointStatus {
  std::string status;
  std::string message;
};
SweepPointStatus sweep_point_status(const std::string& dir, const std::string& config_hash);

// The figures results.csv gives each finished point, by column name (the summary's figures, then
// the layers.csv aggregates; not the reference columns, which depend on the other points), and
// their values read from a finished point's folder, in that order ("" where the run has none,
// such as the decode figures of a run without decode tokens).
std::vector<std::string> point_figure_columns();
std::vector<std::string> read_point_figures(const std::string& dir);

// An advisory lock on OUTDIR/.lock while a sweep (or a search) writes the folder, holding
// "pid host"; a second one into the folder refuses (InputError) naming the holder instead of
// deleting its work. `holder_kind` names the first in that message ("sweep").
class FolderLock {
 public:
  explicit FolderLock(const std::string& outdir, const std::string& holder_kind = "sweep");
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

// Joins the folders of a sweep's shards into `outdir`: copies each finished or failed point
// folder, then writes results.csv and sweep.json as one unsharded run would. Throws InputError
// when the folders come from different sweeps.
void merge_sweeps(const std::vector<std::string>& shard_dirs, const std::string& outdir);

// Rebuilds OUTDIR/results.csv and OUTDIR/sweep.json from the point folders of `spec`. Returns the
// number of failed points.
std::size_t write_sweep_results(const SweepSpec& spec, const std::string& outdir);

// FNV-1a, 64 bit, as 16 hex digits: the config hash recorded in sweep.json and status.json.
std::string fnv1a64(const std::string& text);

}  // namespace aimcsim
