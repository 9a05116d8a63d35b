// Sweep files: expansion, rejection before anything runs, and the driver's resume, failure,
// shard and merge behaviour with real worker processes.
#include "sim/sweep/sweep.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "sim/base/error.hpp"
#include "sim/base/sanitizers.hpp"
#include "sim/run/run.hpp"
#include "tests/support/config_helpers.hpp"
#include "tests/support/csv.hpp"
#include "tests/support/process.hpp"
#include "tests/support/scratch_dir.hpp"

namespace aimcsim {
namespace {

namespace fs = std::filesystem;

SweepSpec parse(const std::string& text, const std::string& dir = ".") {
  return parse_sweep(test::schema(), text, "test.yaml", dir);
}

std::vector<std::string> values(const SweepSpec& s, std::size_t i) { return s.points.at(i).values; }

// The message of the InputError that parsing `text` throws, or "" if it parses.
std::string rejection(const std::string& text) {
  return test::error_of([&] { parse(text); });
}

const char* kBase = "base: {workload: {model: 'linear:512x128', seq_len: 320}}\n";

TEST(SweepExpansionTest, GridIsTheCartesianProductWithTheLastKeyFastest) {
  const SweepSpec s =
      parse(std::string(kBase) +
            "grid: {tile.t_int: [128ns, 256ns], pipeline.chunk_tokens: [8, 16, 32]}\n");
  ASSERT_EQ(s.points.size(), 6u);  // 2 x 3
  EXPECT_EQ(s.keys, (std::vector<std::string>{"tile.t_int", "pipeline.chunk_tokens"}));
  EXPECT_EQ(values(s, 0), (std::vector<std::string>{"128ns", "8"}));
  EXPECT_EQ(values(s, 2), (std::vector<std::string>{"128ns", "32"}));
  EXPECT_EQ(values(s, 3), (std::vector<std::string>{"256ns", "8"}));
  EXPECT_EQ(s.points[5].id, "p0005");
  EXPECT_NE(s.points[5].config_yaml.find("t_int: 256ns"), std::string::npos);
  EXPECT_NE(s.points[0].config_hash, s.points[1].config_hash);
  EXPECT_EQ(s.points[0].config_hash, fnv1a64(s.points[0].config_yaml));
}

TEST(SweepExpansionTest, ZipPairsTheListsElementByElement) {
  const SweepSpec s = parse(std::string(kBase) +
                            "zip: {lora.rank: [4, 8, 16], tile.t_int: [128ns, 256ns, 512ns]}\n");
  ASSERT_EQ(s.points.size(), 3u);
  EXPECT_EQ(values(s, 0), (std::vector<std::string>{"4", "128ns"}));
  EXPECT_EQ(values(s, 2), (std::vector<std::string>{"16", "512ns"}));
}

TEST(SweepExpansionTest, PresetKeysAreSweptLikeAnyOther) {
  // Checking a preset's value on its own does not apply the keys the preset sets.
  const SweepSpec s = parse(std::string(kBase) +
                            "grid: {pmca.preset: [ahwa-lora, snitch-cores], tile.preset: "
                            "[hermes-core, alpine]}\n");
  ASSERT_EQ(s.points.size(), 4u);
  EXPECT_EQ(values(s, 0), (std::vector<std::string>{"ahwa-lora", "hermes-core"}));
  EXPECT_NE(s.points[0].config_yaml.find("engine: redmule"), std::string::npos)
      << s.points[0].config_yaml;
  EXPECT_NE(s.points[3].config_yaml.find("engine: cores"), std::string::npos);
  EXPECT_NE(rejection(std::string(kBase) + "grid: {pmca.preset: [ahwa-lora, fast]}\n")
                .find("pmca.preset"),
            std::string::npos);
}

TEST(SweepExpansionTest, PointsListFillsKeysAPointLeavesOutFromItsEffectiveConfig) {
  const SweepSpec s = parse(std::string(kBase) +
                            "points: [{pmca.freq: 666MHz}, {pmca: {freq: 1GHz}, lora.rank: 4}]\n");
  ASSERT_EQ(s.points.size(), 2u);
  EXPECT_EQ(s.keys, (std::vector<std::string>{"pmca.freq", "lora.rank"}));
  EXPECT_EQ(values(s, 0), (std::vector<std::string>{"666MHz", "8"}));  // rank 8 is the default
  EXPECT_EQ(values(s, 1), (std::vector<std::string>{"1GHz", "4"}));
}

TEST(SweepExpansionTest, APointLeavingOutSeveralKeysListsTheValueOfEach) {
  // The second key left out used to read as '' (found by the sweep fuzz target).
  const SweepSpec s = parse(std::string(kBase) +
                            "points: [{tile.t_int: 256ns}, {pmca.freq: 666MHz, lora.rank: 4}]\n");
  EXPECT_EQ(s.keys, (std::vector<std::string>{"tile.t_int", "pmca.freq", "lora.rank"}));
  EXPECT_EQ(values(s, 0), (std::vector<std::string>{"256ns", "1GHz", "8"}));
  EXPECT_EQ(values(s, 1), (std::vector<std::string>{"128ns", "666MHz", "4"}));
  // A key without effect at a point (pwm_lsb under dac encoding) lists the value it keeps.
  const SweepSpec pwm = parse(std::string(kBase) +
                              "points: [{tile.input_encoding: pwm, tile.pwm_lsb: 2ns}, "
                              "{tile.input_encoding: dac}]\n");
  EXPECT_EQ(values(pwm, 1)[0], "dac");
  EXPECT_EQ(values(pwm, 1)[1], "1ns");  // the default
}

TEST(SweepExpansionTest, AxesCombineGridTimesZipTimesPoints) {
  const SweepSpec s = parse(std::string(kBase) +
                            "grid: {tile.t_int: [128ns, 256ns]}\n"
                            "zip: {lora.rank: [4, 8], pipeline.chunk_tokens: [16, 32]}\n"
                            "points: [{pmca.freq: 1GHz}, {pmca.freq: 666MHz}]\n");
  ASSERT_EQ(s.points.size(), 8u);  // 2 x 2 x 2
  EXPECT_EQ(values(s, 0), (std::vector<std::string>{"128ns", "4", "16", "1GHz"}));
  EXPECT_EQ(values(s, 1), (std::vector<std::string>{"128ns", "4", "16", "666MHz"}));
  EXPECT_EQ(values(s, 2), (std::vector<std::string>{"128ns", "8", "32", "1GHz"}));
  EXPECT_EQ(values(s, 7), (std::vector<std::string>{"256ns", "8", "32", "666MHz"}));
}

TEST(SweepExpansionTest, BaseConfigFilesAreReadRelativeToTheSweepFile) {
  const test::ScratchDir dir("sweep_base");
  std::ofstream(dir / "a.yaml") << "workload: {model: 'linear:128x128', seq_len: 64}\n";
  std::ofstream(dir / "b.yaml") << "lora: {rank: 4}\n";
  const SweepSpec s =
      parse("base: [a.yaml, b.yaml]\ngrid: {tile.t_int: [128ns]}\n", dir.path().string());
  ASSERT_EQ(s.points.size(), 1u);
  EXPECT_NE(s.points[0].config_yaml.find("model: linear:128x128"), std::string::npos);
  EXPECT_NE(s.points[0].config_yaml.find("rank: 4"), std::string::npos);
}

TEST(SweepRejectionTest, BadSweepFilesNameTheProblem) {
  const std::string b = kBase;
  EXPECT_NE(rejection(b + "grid: {tile.nonsense: [1]}\n")
                .find("test.yaml:2: grid: unknown key 'tile.nonsense'; keys under 'tile'"),
            std::string::npos);
  EXPECT_NE(rejection(b + "grid: {tile.t_int: []}\n").find("tile.t_int: empty axis"),
            std::string::npos);
  EXPECT_NE(rejection(b + "zip: {lora.rank: [4, 8], tile.t_int: [128ns]}\n")
                .find("zip: lists of unequal length: lora.rank has 2 values, tile.t_int has 1"),
            std::string::npos);
  EXPECT_NE(rejection(b + "grid: {tile.t_int: [128ns, 256]}\n")
                .find("grid: tile.t_int: '256' has no unit"),
            std::string::npos)
      << rejection(b + "grid: {tile.t_int: [128ns, 256]}\n");
  EXPECT_NE(
      rejection(b + "grid: {pipeline.strategy: [fastest]}\n").find("'fastest' is not accepted"),
      std::string::npos);
  EXPECT_NE(rejection(b + "grid: {tile.t_int: 128ns}\n").find("expected a list of values"),
            std::string::npos);
  EXPECT_NE(rejection(b + "points: []\n").find("points: empty list"), std::string::npos);
  EXPECT_NE(rejection(b + "points: [{bogus.key: 1}]\n").find("unknown key 'bogus.key'"),
            std::string::npos);
  EXPECT_NE(rejection(b + "grid: {lora.rank: [4]}\nzip: {lora.rank: [8]}\n")
                .find("lora.rank is already swept by grid"),
            std::string::npos);
  EXPECT_NE(rejection(b + "axes: {lora.rank: [4]}\n").find("unknown section 'axes'"),
            std::string::npos);
  EXPECT_NE(rejection("base: [missing.yaml]\n").find("cannot open config file"), std::string::npos);
  // A value that passes its key's check but not the workload builder: named with its point.
  EXPECT_NE(rejection(b + "grid: {workload.model: ['linear:128x128', 'linear:0x5']}\n")
                .find("point p0001 (workload.model=linear:0x5): workload.model: 'linear:0x5' needs "
                      "positive"),
            std::string::npos);
}

TEST(SweepRejectionTest, ASweepOfTooManyPointsIsRefusedBeforeItIsExpanded) {
  // 10 axes of 10 values: 10^10 points, refused at once instead of exhausting memory.
  std::string grid = "grid:\n";
  for (const char* key :
       {"tile.t_int", "pmca.freq", "lora.rank", "tile.rows", "tile.cols", "pipeline.chunk_tokens",
        "tile.adc_count", "pmca.cores", "interconnect.bandwidth", "pipeline.xw_buffer_chunks"}) {
    grid += std::string("  ") + key + ": [";
    for (int i = 1; i <= 10; ++i) {
      const std::string unit = std::string(key) == "tile.t_int"               ? "ns"
                               : std::string(key) == "pmca.freq"              ? "MHz"
                               : std::string(key) == "interconnect.bandwidth" ? "GB/s"
                                                                              : "";
      grid += (i > 1 ? ", " : "") + std::to_string(i * 8) + unit;
    }
    grid += "]\n";
  }
  const std::string e = rejection(std::string(kBase) + grid);
  EXPECT_NE(e.find("test.yaml: the sweep has 10000000000 points (10 tile.t_int x 10 pmca.freq x "),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("more than the 1000000 a sweep file takes"), std::string::npos) << e;
}

TEST(SweepShardTest, ShardsSplitThePointsRoundRobin) {
  EXPECT_EQ(shard_points(10, 1, 3), (std::vector<std::size_t>{1, 4, 7}));
  EXPECT_EQ(shard_points(2, 2, 3), (std::vector<std::size_t>{}));
  EXPECT_EQ(parse_shard("2/4"), (std::pair<std::size_t, std::size_t>{2, 4}));
  for (const char* bad : {"4/4", "1", "a/2", "1/0", "-1/2", ""})
    EXPECT_THROW(parse_shard(bad), InputError) << bad;
}

// Driver tests: real worker processes of the aimcsim executable.
class SweepRunTest : public ::testing::Test {
 protected:
  SweepOptions options(const std::string& name) const {
    SweepOptions o;
    o.exe = test::aimcsim_exe();
    o.jobs = 2;
    o.outdir = (dir_ / name).string();
    return o;
  }
  // 2 x 3 points, including the reference row of cli_test (t_int 512 ns, chunks of 8).
  SweepSpec spec() const {
    return parse(std::string(kBase) +
                 "grid: {tile.t_int: [128ns, 512ns], pipeline.chunk_tokens: [8, 16, 32]}\n");
  }

 private:
  test::ScratchDir scratch_{"sweep"};

 protected:
  fs::path dir_ = scratch_.path();
};

TEST_F(SweepRunTest, WritesOneRowPerPointWithTheSummaryFigures) {
  const SweepOutcome r = run_sweep(spec(), options("a"));
  EXPECT_EQ(r.selected, 6u);
  EXPECT_EQ(r.ran, 6u);
  EXPECT_EQ(r.failed, 0u);
  std::istringstream csv(test::file_text(dir_ / "a" / "results.csv"));
  std::string header, line;
  std::getline(csv, header);
  // pipeline.chunk_tokens is swept, so its figure column is left out; chunk_tokens_chosen stays.
  EXPECT_EQ(header.rfind("point,status,tile.t_int,pipeline.chunk_tokens,model,strategy,seq_len,"
                         "decode_tokens,chunk_tokens_chosen,capacity_status,analog_only_ns,"
                         "hybrid_ns,overhead,",
                         0),
            0u)
      << header;
  EXPECT_NE(header.find(",reference_analog_only_ns,overhead_vs_reference,"), std::string::npos);
  std::vector<std::string> rows;
  while (std::getline(csv, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 6u);
  // 164506 ns analog-only (run_test), 164762 ns hybrid (strategy_test: the adapters run while
  // the tile works).
  EXPECT_EQ(rows[3].rfind(
                "p0003,ok,512ns,8,linear:512x128,token-pipelined,320,0,8,ok,164506.0,164762.0,", 0),
            0u)
      << rows[3];
  // One linear: the largest overhead of a linear is that linear's, as layers.csv prints it.
  const auto results = test::csv_records(test::file_text(dir_ / "a" / "results.csv"));
  const auto layers =
      test::csv_records(test::file_text(dir_ / "a" / "points" / "p0003" / "layers.csv"));
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(std::stod(results.at(3).at("linears_overhead_max")),
            std::stod(layers[0].at("overhead")));
  EXPECT_GT(std::stod(results.at(3).at("linears_overhead_max")), 1.0);
  const auto manifest = nlohmann::json::parse(test::file_text(dir_ / "a" / "sweep.json"));
  EXPECT_EQ(manifest["points"].size(), 6u);
  EXPECT_EQ(manifest["points"][3]["status"], "ok");
  EXPECT_EQ(manifest["points"][3]["config_hash"], spec().points[3].config_hash);
  EXPECT_EQ(manifest["totals"]["ok"], 6);
  // The same sweep into another folder gives the same bytes.
  run_sweep(spec(), options("b"));
  EXPECT_EQ(test::file_text(dir_ / "a" / "results.csv"),
            test::file_text(dir_ / "b" / "results.csv"));
  EXPECT_EQ(test::file_text(dir_ / "a" / "sweep.json"), test::file_text(dir_ / "b" / "sweep.json"));
}

TEST_F(SweepRunTest, ResumeRedoesPointsWithoutACompletionMarkerOnly) {
  const SweepOptions o = options("a");
  run_sweep(spec(), o);
  const std::string complete = test::file_text(dir_ / "a" / "results.csv");
  const fs::path points = dir_ / "a" / "points";
  const auto untouched = fs::last_write_time(points / "p0000" / "summary.json");
  // A kill mid-run: p0001 finished its files but not its marker; p0004 left a partial temp file
  // and no summary; results.csv is gone.
  fs::remove(points / "p0001" / "status.json");
  fs::remove(points / "p0004" / "status.json");
  fs::remove(points / "p0004" / "summary.json");
  std::ofstream(points / "p0004" / "summary.json.tmp.1") << "{\"trunc";
  fs::remove(dir_ / "a" / "results.csv");
  const SweepOutcome r = run_sweep(spec(), o);
  EXPECT_EQ(r.ran, 2u);
  EXPECT_EQ(r.skipped, 4u);
  EXPECT_EQ(test::file_text(dir_ / "a" / "results.csv"), complete);
  EXPECT_EQ(fs::last_write_time(points / "p0000" / "summary.json"), untouched);
  EXPECT_FALSE(fs::exists(points / "p0004" / "summary.json.tmp.1"));
  // Rerunning a finished sweep runs nothing.
  EXPECT_EQ(run_sweep(spec(), o).ran, 0u);
}

TEST_F(SweepRunTest, ResumeRerunsAPointWhoseResultFilesChanged) {
  SweepOptions o = options("a");
  o.verbose = false;
  run_sweep(spec(), o);
  const std::string complete = test::file_text(dir_ / "a" / "results.csv");
  const fs::path points = dir_ / "a" / "points";
  // After the points finished: a truncated summary, an emptied layers.csv, a summary of {}.
  const std::string summary = test::file_text(points / "p0000" / "summary.json");
  std::ofstream(points / "p0000" / "summary.json") << summary.substr(0, summary.size() / 2);
  std::ofstream(points / "p0002" / "layers.csv", std::ios::trunc);
  std::ofstream(points / "p0005" / "summary.json") << "{}";
  const SweepOutcome r = run_sweep(spec(), o);
  EXPECT_EQ(r.rerun, 3u);  // each found changed and run again, none trusted
  EXPECT_EQ(r.ran, 3u);
  EXPECT_EQ(r.skipped, 3u);
  EXPECT_EQ(test::file_text(dir_ / "a" / "results.csv"), complete);
}

TEST_F(SweepRunTest, AFolderKeepsItsSweepUnlessForced) {
  run_sweep(spec(), options("a"));
  // Another sweep (another grid) into the same folder: refused, naming what it holds.
  const SweepSpec other =
      parse(std::string(kBase) + "grid: {tile.t_int: [256ns], pipeline.chunk_tokens: [8]}\n");
  try {
    run_sweep(other, options("a"));
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("holds another sweep (test.yaml, base hash "),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find(", 6 points); write this one (test.yaml, 1 points) into "
                                         "another folder, or pass --force"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "a" / "points"), {}), 6);  // untouched
  // With force it replaces it: one point, one row.
  SweepOptions force = options("a");
  force.force = true;
  EXPECT_EQ(run_sweep(other, force).ran, 1u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "a" / "points"), {}), 1);
}

TEST_F(SweepRunTest, ASecondSweepIntoALockedFolderRefusesNamingTheHolder) {
  fs::create_directories(dir_ / "a");
  // Another process holds the lock (flock) while this one tries.
  const test::ProcessResult holder = test::run_command(
      "cd " + (dir_ / "a").string() +
      " && (flock -n .lock -c 'echo 4242 otherhost > .lock; sleep 5' > /dev/null 2>&1 &) && "
      "for i in $(seq 100); do grep -q 4242 .lock 2>/dev/null && break; sleep 0.1; done");
  ASSERT_EQ(holder.status, 0);
  try {
    run_sweep(spec(), options("a"));
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("another sweep is writing this folder (pid and host: "
                                         "4242 otherhost"),
              std::string::npos)
        << e.what();
  }
}

// Three points, the second with a 16-byte L1, which cannot hold even one row of the adapters
// and two one-token buffers: its worker fails it with the mapper's message, as `aimcsim run`
// exits 2 with it. Runs them with `o` and checks that only the second failed.
SweepSpec run_with_a_failing_point(const SweepOptions& o) {
  const SweepSpec s = parse(std::string(kBase) + "grid: {pmca.l1_size: [128KiB, 16B, 64KiB]}\n");
  const SweepOutcome r = run_sweep(s, o);
  EXPECT_EQ(r.ran, 3u);
  EXPECT_EQ(r.failed, 1u);
  const auto manifest = nlohmann::json::parse(test::file_text(fs::path(o.outdir) / "sweep.json"));
  EXPECT_EQ(manifest["points"][0]["status"], "ok");
  EXPECT_EQ(manifest["points"][1]["status"], "failed");
  const std::string message = manifest["points"][1]["message"].get<std::string>();
  EXPECT_EQ(message.rfind("aimcsim: error: ", 0), 0u) << message;
  EXPECT_NE(message.find("cannot hold even one row of the rank-8 adapter"), std::string::npos)
      << message;
  EXPECT_EQ(manifest["points"][2]["status"], "ok");
  return s;
}

TEST_F(SweepRunTest, AFailingPointIsRecordedAndTheOthersFinish) {
  const SweepOptions o = options("a");
  const SweepSpec s = run_with_a_failing_point(o);
  const std::string csv = test::file_text(dir_ / "a" / "results.csv");
  EXPECT_NE(csv.find("\np0001,failed,16B,,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\np0002,ok,64KiB,linear:512x128,"), std::string::npos) << csv;
  // A rerun retries the failed point only.
  const SweepOutcome again = run_sweep(s, o);
  EXPECT_EQ(again.ran, 1u);
  EXPECT_EQ(again.skipped, 2u);
}

TEST_F(SweepRunTest, PoolWorkersWriteWhatAProcessPerPointWrites) {
  // No executable: the points run on long-lived workers forked from this process, two of them
  // for six points, so each runs several points in one process.
  SweepOptions pool = options("pool");
  pool.exe.clear();
  EXPECT_EQ(run_sweep(spec(), pool).ran, 6u);
  run_sweep(spec(), options("exec"));
  EXPECT_EQ(test::file_text(dir_ / "pool" / "results.csv"),
            test::file_text(dir_ / "exec" / "results.csv"));
  EXPECT_EQ(test::file_text(dir_ / "pool" / "sweep.json"),
            test::file_text(dir_ / "exec" / "sweep.json"));
  // stderr.log holds the config's warnings, which name the point's file (in its own folder).
  const auto in_exec = [&](std::string text) {
    const std::string from = (dir_ / "pool").string(), to = (dir_ / "exec").string();
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at))
      text.replace(at, from.size(), to);
    return text;
  };
  for (const SweepPoint& p : spec().points)
    for (const char* f :
         {"layers.csv", "ops.csv", "summary.json", "stats.csv", "config.yaml", "stderr.log"})
      EXPECT_EQ(in_exec(test::file_text(dir_ / "pool" / "points" / p.id / f)),
                test::file_text(dir_ / "exec" / "points" / p.id / f))
          << p.id << "/" << f;
}

TEST_F(SweepRunTest, APoolWorkerRecordsAFailingPointAndRunsTheNext) {
  // One worker runs the three points in order and goes on past the failing second one.
  SweepOptions o = options("a");
  o.exe.clear();
  o.jobs = 1;
  run_with_a_failing_point(o);
}

// The pids of this process's children (every thread's), from /proc.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "children");
    for (pid_t pid = 0; in >> pid;) out.push_back(pid);
  }
  return out;
}

TEST_F(SweepRunTest, APoolWorkerKilledMidPointIsRecordedAndReplaced) {
#if defined(AIMCSIM_ASAN)
  // The test forks the pool from a second thread while this one polls /proc, allocating; under
  // AddressSanitizer a child forked then can hang on the sanitizer allocator's lock (the CLI's
  // sweep forks from its only thread). The release suite runs it.
  GTEST_SKIP() << "forks from a multithreaded test process, which AddressSanitizer's allocator "
                  "does not survive";
#endif
  // One worker; the first point (an 8192-token linear layer in chunks of 1: 8192 chunk jobs per
  // design and more) runs long enough to be killed while it runs, the other two are small.
  const SweepSpec s = parse(
      "base: {workload: {model: 'linear:512x128'}}\n"
      "zip: {workload.seq_len: [8192, 320, 320], pipeline.chunk_tokens: [1, 8, 16]}\n");
  SweepOptions o = options("a");
  o.exe.clear();
  o.jobs = 1;
  auto sweep = std::async(std::launch::async, [&] { return run_sweep(s, o); });
  // Once the worker has opened the first point's stderr.log it is running that point: kill it.
  const fs::path log = dir_ / "a" / "points" / "p0000" / "stderr.log";
  bool killed = false;
  std::size_t seen = 0;
  for (int i = 0; i < 30000 && !killed; ++i) {  // up to ~30 s: slow under the sanitizers
    const std::vector<pid_t> kids = children();
    seen = std::max(seen, kids.size());
    if (kids.size() == 1 && fs::exists(log)) killed = ::kill(kids[0], SIGKILL) == 0;
    if (!killed) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(killed) << "children seen at most: " << seen << ", log: " << fs::exists(log);
  const SweepOutcome r = sweep.get();
  EXPECT_EQ(r.ran, 3u);
  EXPECT_EQ(r.failed, 1u);
  const auto manifest = nlohmann::json::parse(test::file_text(dir_ / "a" / "sweep.json"));
  EXPECT_EQ(manifest["points"][0]["status"], "failed");
  EXPECT_EQ(manifest["points"][0]["message"].get<std::string>().rfind("killed by signal 9", 0), 0u)
      << manifest["points"][0];
  // A fresh worker ran the other two.
  EXPECT_EQ(manifest["points"][1]["status"], "ok");
  EXPECT_EQ(manifest["points"][2]["status"], "ok");
}

TEST_F(SweepRunTest, AnInterruptedSweepLeavesNoWorkerBehindAndItsFolderFree) {
#if defined(AIMCSIM_ASAN)
  // As above: a child forked while another thread allocates can hang on the sanitizer
  // allocator's lock (__SANITIZE_ADDRESS__ alone missed clang's builds).
  GTEST_SKIP() << "forks from a multithreaded test process, which AddressSanitizer's allocator "
                  "does not survive";
#endif
  // The process goes on after the sweep (as a Python interpreter does): SIGINT while the first,
  // long point runs stops the sweep, and its worker must be gone, not left holding the lock.
  const SweepSpec s = parse(
      "base: {workload: {model: 'linear:512x128'}}\n"
      "zip: {workload.seq_len: [8192, 320], pipeline.chunk_tokens: [1, 8]}\n");
  SweepOptions o = options("a");
  o.exe.clear();
  o.jobs = 1;
  const pthread_t sweeping = ::pthread_self();
  const fs::path log = dir_ / "a" / "points" / "p0000" / "stderr.log";
  auto interrupt = std::async(std::launch::async, [&] {
    for (int i = 0; i < 30000; ++i) {
      if (children().size() == 1 && fs::exists(log)) return ::pthread_kill(sweeping, SIGINT) == 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  });
  int signal = 0;
  try {
    run_sweep(s, o);
  } catch (const SweepInterrupted& e) {
    signal = e.signal;
  }
  ASSERT_TRUE(interrupt.get());
  EXPECT_EQ(signal, SIGINT);
  EXPECT_EQ(children(), std::vector<pid_t>{});
  const int fd = ::open((dir_ / "a" / ".lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0) << std::strerror(errno);
  ::close(fd);
}

TEST_F(SweepRunTest, AWorkerThatCannotStartIsRecorded) {
  SweepOptions o = options("a");
  o.exe = (dir_ / "no-such-aimcsim").string();
  const SweepOutcome r = run_sweep(spec(), o);
  EXPECT_EQ(r.failed, 6u);
  const auto manifest = nlohmann::json::parse(test::file_text(dir_ / "a" / "sweep.json"));
  EXPECT_NE(manifest["points"][0]["message"].get<std::string>().find("cannot execute"),
            std::string::npos);
}

// A handler of the caller's, to see whether a sweep puts it back.
extern "C" void callers_handler(int) {}

TEST_F(SweepRunTest, TheCallersSignalHandlersAreBackAfterASweepThatFails) {
  // A file-size limit of 256 bytes lets the folder's lock be written (pid and host) but not a
  // point's point.yaml, so the sweep fails with an InputError after it took SIGINT and SIGTERM.
  struct sigaction mine {
  }, old_int{}, old_term{}, now{};
  mine.sa_handler = callers_handler;
  sigemptyset(&mine.sa_mask);
  ::sigaction(SIGINT, &mine, &old_int);
  ::sigaction(SIGTERM, &mine, &old_term);
  const auto old_xfsz = ::signal(SIGXFSZ, SIG_IGN);
  rlimit old_fsize{};
  ::getrlimit(RLIMIT_FSIZE, &old_fsize);
  rlimit small = old_fsize;
  small.rlim_cur = 256;
  ::setrlimit(RLIMIT_FSIZE, &small);
  const std::string error = test::error_of([&] { run_sweep(spec(), options("a")); });
  ::setrlimit(RLIMIT_FSIZE, &old_fsize);
  ::signal(SIGXFSZ, old_xfsz);
  EXPECT_NE(error.find("point.yaml"), std::string::npos) << error;
  ::sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, callers_handler);
  ::sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, callers_handler);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
}

TEST_F(SweepRunTest, ShardsMergedGiveTheRowsOfOneUnshardedRun) {
  run_sweep(spec(), options("whole"));
  std::vector<std::string> shards;
  for (std::size_t i = 0; i < 4; ++i) {  // 6 points over 4 shards: 2, 2, 1, 1
    SweepOptions o = options("shard" + std::to_string(i));
    o.shard_index = i;
    o.shard_count = 4;
    EXPECT_EQ(run_sweep(spec(), o).selected, i < 2 ? 2u : 1u);
    shards.push_back(o.outdir);
  }
  const std::string merged = (dir_ / "merged").string();
  merge_sweeps(shards, merged);
  EXPECT_EQ(test::file_text(merged + "/results.csv"),
            test::file_text(dir_ / "whole" / "results.csv"));
  EXPECT_EQ(test::file_text(merged + "/sweep.json"),
            test::file_text(dir_ / "whole" / "sweep.json"));
  // Folders of different sweeps do not merge.
  SweepOptions other = options("other");
  run_sweep(parse(std::string(kBase) + "grid: {lora.rank: [4]}\n"), other);
  shards.push_back(other.outdir);
  EXPECT_THROW(merge_sweeps(shards, (dir_ / "bad").string()), InputError);
}

// The command line: exit status 2 and nothing written on a bad sweep file.
TEST_F(SweepRunTest, CommandLineRejectsBadSweepFilesWithExitTwo) {
  const auto path = [&](const char* name) { return (dir_ / name).string(); };
  std::ofstream(dir_ / "bad.yaml") << kBase << "zip: {lora.rank: [4, 8], tile.t_int: [128ns]}\n";
  test::ProcessResult r = test::run_aimcsim("sweep " + path("bad.yaml") + " -o " + path("o"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("lists of unequal length"), std::string::npos) << r.output();
  EXPECT_FALSE(fs::exists(dir_ / "o"));
  std::ofstream(dir_ / "good.yaml") << kBase << "grid: {lora.rank: [4, 8]}\n";
  r = test::run_aimcsim("sweep " + path("good.yaml") + " --shard 2/2");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("--shard 2/2"), std::string::npos) << r.output();
  EXPECT_EQ(test::run_aimcsim("sweep --merge " + path("nothing") + " -o " + path("m")).status, 2);
  r = test::run_aimcsim("sweep " + path("good.yaml") + " -j 2 -o " + path("g"));
  EXPECT_EQ(r.status, 0) << r.output();
  EXPECT_TRUE(fs::exists(dir_ / "g" / "points" / "p0001" / "status.json"));
}

// An iso-area sweep: the area budget as an axis (RunTest.AreaBudgetPicksTheFastestSplitThatFits
// derives the areas: 1.4643756 mm2 with one PMCA, 1.8944116 with two, 2.7544836 with four).
TEST_F(SweepRunTest, AreaBudgetIsASweepAxis) {
  const SweepSpec s = parse(
      "base: {workload: {model: 'linear:512x128', seq_len: 64}, tile: {rows: 128, cols: 128, "
      "adc_count: 128}}\ngrid: {platform.area_budget: [1.5mm2, 3mm2]}\n");
  const SweepOutcome r = run_sweep(s, options("iso"));
  EXPECT_EQ(r.failed, 0u);
  const auto rows = test::csv_records(test::file_text(dir_ / "iso" / "results.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("pmcas"), "1");  // only one PMCA fits 1.5 mm2
  EXPECT_NEAR(std::stod(rows[0].at("hybrid_area_mm2")), 1.4643756, 1e-6);
  // With 3 mm2 every split fits, and more PMCAs are never slower here.
  EXPECT_EQ(rows[1].at("pmcas"), "4");
  EXPECT_NEAR(std::stod(rows[1].at("hybrid_area_mm2")), 2.7544836, 1e-6);
  EXPECT_LT(std::stod(rows[1].at("hybrid_ns")), std::stod(rows[0].at("hybrid_ns")));
}

}  // namespace
}  // namespace aimcsim
