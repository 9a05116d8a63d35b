// Design-space search: space files checked before anything runs, and the search on a space small
// enough to enumerate: NSGA-II's front against the exhaustive one, the same bytes under the same
// seed, resuming, the Pareto configs reproducing their runs, and an infeasible space.
#include "sim/explore/explore.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "sim/base/error.hpp"
#include "sim/sweep/sweep.hpp"
#include "tests/support/config_helpers.hpp"
#include "tests/support/csv.hpp"
#include "tests/support/process.hpp"
#include "tests/support/scratch_dir.hpp"

namespace aimcsim {
namespace {

namespace fs = std::filesystem;

ExploreSpace parse(const std::string& text) {
  return parse_space(test::schema(), text, "space.yaml", ".");
}
std::string rejection(const std::string& text) {
  return test::error_of([&] { parse(text); });
}

// 3 x 2 x 4 x 2 = 48 candidates on one 512x128 linear over 64 tokens: more cores or the engine
// cost area and save time, larger tiles save area.
const char* const kSpace =
    "base: {workload: {model: 'linear:512x128', seq_len: 64}}\n"
    "variables:\n"
    "  pmca.cores: {min: 2, max: 8, factor: 2}\n"
    "  pmca.engine: {choices: [cores, redmule]}\n"
    "  pipeline.chunk_tokens: {min: 8, max: 64, factor: 2}\n"
    "  tile.rows: {choices: [256, 512]}\n"
    "objectives: [hybrid_ns, hybrid_energy_nj, hybrid_area_mm2]\n";

TEST(ExploreSpaceTest, DomainsAreChoicesOrRangesSampledAtTheirStepOrFactor) {
  const ExploreSpace s = parse(
      "base: {workload: {model: 'linear:512x128', seq_len: 64}}\n"
      "variables:\n"
      "  tile.rows: {choices: [128, 256, 512]}\n"
      "  pipeline.chunk_tokens: {min: 8, max: 100, factor: 2}\n"
      "  lora.rank: {min: 4, max: 16, step: 4}\n"
      "  pmca.freq: {min: 500MHz, max: 1GHz, step: 250MHz}\n"
      "  pmca.fpu_util: {min: 0.5, max: 0.9, step: 0.2}\n"
      "objectives: [hybrid_ns, hybrid_energy_nj, hybrid_area_mm2]\n"
      "constraints: ['overhead <= 1.5', 'hybrid_area_mm2 <= 50mm2', 'hybrid_ns <= 2us', "
      "'hybrid_energy_nj <= 1mJ', 'kv_cache_fits >= true']\n"
      "budget: 30\nseed: 7\nalgorithm: nsga2\n");
  ASSERT_EQ(s.variables.size(), 5u);
  EXPECT_EQ(s.variables[0].values, (std::vector<std::string>{"128", "256", "512"}));
  EXPECT_EQ(s.variables[1].values, (std::vector<std::string>{"8", "16", "32", "64"}));
  EXPECT_EQ(s.variables[2].values, (std::vector<std::string>{"4", "8", "12", "16"}));
  // A quantity's range is written in its canonical unit; a real one at its step (0.5 + 2 x 0.2
  // prints as 0.9, not 0.9000000000000001).
  EXPECT_EQ(s.variables[3].values,
            (std::vector<std::string>{"500000000Hz", "750000000Hz", "1000000000Hz"}));
  EXPECT_EQ(s.variables[4].values, (std::vector<std::string>{"0.5", "0.7", "0.9"}));
  EXPECT_EQ(s.size(), 3u * 4 * 4 * 3 * 3);
  EXPECT_EQ(s.budget, 30u);
  EXPECT_EQ(s.seed, 7u);
  ASSERT_EQ(s.constraints.size(), 5u);
  EXPECT_TRUE(s.constraints[0].at_most);
  EXPECT_DOUBLE_EQ(s.constraints[0].value, 1.5);
  EXPECT_DOUBLE_EQ(s.constraints[1].value, 50.0);
  EXPECT_DOUBLE_EQ(s.constraints[2].value, 2000.0);  // 2 us in the column's ns
  EXPECT_DOUBLE_EQ(s.constraints[3].value, 1e6);     // 1 mJ in the column's nJ
  EXPECT_FALSE(s.constraints[4].at_most);
  EXPECT_DOUBLE_EQ(s.constraints[4].value, 1.0);
  EXPECT_EQ(candidate_overrides(s, {2, 0, 3, 1, 0}),
            (std::vector<std::string>{"tile.rows=512", "pipeline.chunk_tokens=8", "lora.rank=16",
                                      "pmca.freq=750000000Hz", "pmca.fpu_util=0.5"}));
}

TEST(ExploreSpaceTest, BadSpaceFilesNameTheKeyAndWhatIsAccepted) {
  const std::string base = "base: {workload: {model: 'linear:512x128', seq_len: 64}}\n";
  const std::string objectives = "objectives: [hybrid_ns, hybrid_area_mm2]\n";
  auto vars = [&](const std::string& v) { return base + "variables:\n" + v + objectives; };
  std::string e = rejection(vars("  tile.colz: {choices: [128]}\n"));
  EXPECT_NE(e.find("space.yaml:3: variables: unknown key 'tile.colz'"), std::string::npos) << e;
  EXPECT_NE(e.find("cols"), std::string::npos) << e;
  e = rejection(vars("  tile.rows: {choices: []}\n"));
  EXPECT_NE(e.find("variables: tile.rows: empty domain"), std::string::npos) << e;
  e = rejection(vars("  tile.rows: {min: 512, max: 128, step: 128}\n"));
  EXPECT_NE(e.find("tile.rows: empty domain: min is above max"), std::string::npos) << e;
  e = rejection(vars("  tile.rows: {min: 128, max: 512}\n"));
  EXPECT_NE(e.find("tile.rows: expected a mapping with choices"), std::string::npos) << e;
  e = rejection(vars("  pipeline.strategy: {min: 1, max: 2, step: 1}\n"));
  EXPECT_NE(e.find("pipeline.strategy: a range needs a numeric key"), std::string::npos) << e;
  e = rejection(vars("  tile.rows: {choices: [128, -4]}\n"));
  EXPECT_NE(e.find("variables: tile.rows: "), std::string::npos) << e;
  const std::string one_var = "variables: {tile.rows: {choices: [128, 256]}}\n";
  e = rejection(base + one_var + "objectives: [hybrid_ns, latency]\n");
  EXPECT_NE(e.find("space.yaml:3: objectives: 'latency' is not a statistic; accepted: the "
                   "numeric results.csv columns: "),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("hybrid_area_mm2"), std::string::npos) << e;
  e = rejection(base + one_var + "objectives: [hybrid_ns, strategy]\n");
  EXPECT_NE(e.find("'strategy' is not a numeric statistic"), std::string::npos) << e;
  e = rejection(base + one_var + objectives + "constraints: ['hybrid_area_mm2 <= -1']\n");
  EXPECT_NE(e.find("constraints: 'hybrid_area_mm2 <= -1' is impossible: hybrid_area_mm2 is never "
                   "negative"),
            std::string::npos)
      << e;
  e = rejection(base + one_var + objectives +
                "constraints: ['overhead <= 1.1', 'overhead >= 1.2']\n");
  EXPECT_NE(e.find("'overhead <= 1.1' and 'overhead >= 1.2' are impossible together"),
            std::string::npos)
      << e;
  e = rejection(base + one_var + objectives + "constraints: ['overhead < 1.1']\n");
  EXPECT_NE(e.find("expected 'STATISTIC <= VALUE' or 'STATISTIC >= VALUE'"), std::string::npos)
      << e;
  e = rejection(base + one_var + objectives + "constraints: ['hybrid_ns <= 3mm2']\n");
  EXPECT_NE(e.find("constraints: hybrid_ns: "), std::string::npos) << e;
  e = rejection(base + one_var + objectives + "algorithm: simplex\n");
  EXPECT_NE(e.find("algorithm: 'simplex' is not a search algorithm; accepted: exhaustive"),
            std::string::npos)
      << e;
  e = rejection(base + one_var + objectives + "algorithm: exhaustive\nbudget: 1\n");
  EXPECT_NE(e.find("the space has 2 candidates, more than the budget of 1"), std::string::npos)
      << e;
  e = rejection(base + one_var + "objectives: [hybrid_ns]\n");
  EXPECT_NE(e.find("NSGA-II needs two objectives or more"), std::string::npos) << e;
  e = rejection(base + one_var + objectives + "budjet: 10\n");
  EXPECT_NE(e.find("unknown section 'budjet'; accepted: base, variables"), std::string::npos) << e;
  e = rejection(base + one_var + objectives + "budget: 0\n");
  EXPECT_NE(e.find("budget: '0': expected an integer in [1, 1000000]"), std::string::npos) << e;
}

// A search of kSpace into `dir` with the pool of this process.
ExploreOutcome search(const std::string& algorithm, std::size_t budget, const std::string& dir,
                      const std::string& extra = "") {
  ExploreSpace s = parse(std::string(kSpace) + "algorithm: " + algorithm + "\n" + extra);
  s.budget = budget;
  ExploreOptions o;
  o.jobs = 2;
  o.outdir = dir;
  return run_explore(test::schema(), s, o);
}

std::set<std::string> front_ids(const ExploreOutcome& r) {
  std::set<std::string> ids;
  for (std::size_t i : r.front) ids.insert(r.evaluations[i].id);
  return ids;
}

TEST(ExploreRunTest, Nsga2FindsTheExhaustiveFrontAndRepeatsItsBytesUnderItsSeed) {
  test::ScratchDir tmp("explore");
  const ExploreOutcome all = search("exhaustive", 48, tmp / "all");
  ASSERT_EQ(all.evaluations.size(), 48u);
  EXPECT_EQ(all.failed, 0u);
  EXPECT_EQ(all.stopped, "every candidate of the space was evaluated");
  // The front by hand: every feasible candidate that no other dominates.
  std::set<std::string> truth;
  for (const Evaluation& a : all.evaluations) {
    bool dominated = false;
    for (const Evaluation& b : all.evaluations)
      dominated = dominated || dominates(b.objectives, a.objectives);
    if (!dominated) truth.insert(a.id);
  }
  EXPECT_EQ(front_ids(all), truth);
  ASSERT_GE(truth.size(), 2u);  // the objectives trade off

  const ExploreOutcome ga = search("nsga2", 36, tmp / "ga", "seed: 3\n");
  EXPECT_EQ(ga.evaluations.size(), 36u);
  EXPECT_EQ(ga.stopped, "the budget was spent");
  EXPECT_EQ(front_ids(ga), truth);

  // The same space and seed into another folder: the same bytes.
  const ExploreOutcome again = search("nsga2", 36, tmp / "again", "seed: 3\n");
  EXPECT_EQ(front_ids(again), truth);
  for (const char* f : {"candidates.csv", "pareto.csv", "explore.json"})
    EXPECT_EQ(test::file_text(fs::path(tmp / "ga") / f),
              test::file_text(fs::path(tmp / "again") / f))
        << f;
  // Rerun into its own folder: nothing runs again, the same bytes.
  const std::string before = test::file_text(fs::path(tmp / "ga") / "explore.json");
  const ExploreOutcome resumed = search("nsga2", 36, tmp / "ga", "seed: 3\n");
  EXPECT_EQ(resumed.ran, 0u);
  EXPECT_EQ(test::file_text(fs::path(tmp / "ga") / "explore.json"), before);
}

TEST(ExploreRunTest, OutputsListEveryCandidateAndTheFrontsConfigsReproduceTheirRuns) {
  test::ScratchDir tmp("explore");
  const ExploreOutcome r =
      search("exhaustive", 48, tmp / "out",
             "constraints: ['hybrid_area_mm2 <= 1000mm2', 'overhead <= 1000']\n");
  const std::string text = test::file_text(fs::path(tmp / "out") / "candidates.csv");
  const auto candidates = test::csv_records(text);
  ASSERT_EQ(candidates.size(), 48u);
  EXPECT_EQ(test::parse_csv(text).at(0),
            (std::vector<std::string>{"id", "generation", "status", "pmca.cores", "pmca.engine",
                                      "pipeline.chunk_tokens", "tile.rows", "hybrid_ns",
                                      "hybrid_energy_nj", "hybrid_area_mm2", "overhead",
                                      "violation", "feasible", "evaluated_by", "message"}));
  // 48 candidates in batches of 32: two generations; the first row is the first of the grid.
  EXPECT_EQ(candidates[0].at("generation"), "0");
  EXPECT_EQ(candidates[47].at("generation"), "1");
  EXPECT_EQ(candidates[0].at("pmca.cores"), "2");
  EXPECT_EQ(candidates[0].at("tile.rows"), "256");
  EXPECT_EQ(candidates[1].at("tile.rows"), "512");
  EXPECT_EQ(candidates[47].at("pmca.cores"), "8");
  EXPECT_EQ(candidates[0].at("evaluated_by"), "simulation");
  // Its objectives are its summary's figures.
  const std::string id = candidates[0].at("id");
  const auto summary = nlohmann::json::parse(
      test::file_text(fs::path(tmp / "out") / "points" / id / "summary.json"));
  EXPECT_EQ(candidates[0].at("hybrid_ns"), summary["hybrid_ns"].dump());
  EXPECT_EQ(candidates[0].at("hybrid_area_mm2"), summary["area"]["hybrid"]["total_mm2"].dump());

  const auto pareto = test::csv_records(test::file_text(fs::path(tmp / "out") / "pareto.csv"));
  ASSERT_EQ(pareto.size(), r.front.size());
  ASSERT_FALSE(pareto.empty());
  const auto j = nlohmann::json::parse(test::file_text(fs::path(tmp / "out") / "explore.json"));
  EXPECT_EQ(j["evaluations"], 48);
  EXPECT_EQ(j["algorithm"]["name"], "exhaustive");
  EXPECT_EQ(j["generations"].size(), 2u);
  EXPECT_EQ(j["generations"][1]["front"], r.front.size());
  // The last generation's front against the bounds of all feasible points, which it spans.
  EXPECT_GT(j["generations"][1]["hypervolume"].get<double>(), 0.0);
  EXPECT_LE(j["generations"][0]["hypervolume"].get<double>(),
            j["generations"][1]["hypervolume"].get<double>());
  // `aimcsim run` of a Pareto point's config.yaml writes its run again, byte for byte.
  const std::string pid = pareto[0].at("id");
  const test::ProcessResult run = test::run_aimcsim("run -q " + (tmp / "out/pareto/") + pid +
                                                    "/config.yaml -o " + (tmp / "rerun"));
  ASSERT_EQ(run.status, 0) << run.output();
  for (const char* f : {"summary.json", "layers.csv", "config.yaml"})
    EXPECT_EQ(test::file_text(fs::path(tmp / "rerun") / f),
              test::file_text(fs::path(tmp / "out") / "points" / pid / f))
        << f;
}

TEST(ExploreCliTest, AnInfeasibleSpaceSaysSoWithTheLeastViolatingPoint) {
  test::ScratchDir tmp("explore");
  {
    std::ofstream(tmp / "space.yaml")
        << kSpace << "constraints: ['hybrid_area_mm2 <= 0.001mm2']\nalgorithm: exhaustive\n"
        << "budget: 48\n";
  }
  const test::ProcessResult r =
      test::run_aimcsim("explore " + (tmp / "space.yaml") + " -j 2 -o " + (tmp / "out"));
  EXPECT_EQ(r.status, 1) << r.output();
  EXPECT_NE(r.err.find("no feasible candidate in 48 evaluations"), std::string::npos) << r.err;
  // The least violating candidate, with its area against the bound.
  EXPECT_NE(r.err.find("the least violating is c"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hybrid_area_mm2 = "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(wants hybrid_area_mm2 <= 0.001mm2)"), std::string::npos) << r.err;
  EXPECT_TRUE(test::csv_records(test::file_text(fs::path(tmp / "out") / "pareto.csv")).empty());
}

TEST(ExploreCliTest, BudgetOnTheCommandLineOverridesTheFiles) {
  test::ScratchDir tmp("explore");
  {
    std::ofstream(tmp / "all.yaml") << kSpace << "algorithm: exhaustive\nbudget: 48\n";
    std::ofstream(tmp / "ga.yaml") << kSpace << "algorithm: nsga2\nbudget: 48\n";
  }
  test::ProcessResult r = test::run_aimcsim("explore " + (tmp / "all.yaml") + " --budget 10");
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("--budget 10: exhaustive: the space has 48 candidates, more than the budget "
                       "of 10"),
            std::string::npos)
      << r.err;
  r = test::run_aimcsim("explore -q " + (tmp / "ga.yaml") + " --budget 12 -j 2 -o " + (tmp / "ga"));
  ASSERT_EQ(r.status, 0) << r.output();
  const auto j = nlohmann::json::parse(test::file_text(fs::path(tmp / "ga") / "explore.json"));
  EXPECT_EQ(j["budget"], 12);
  EXPECT_EQ(j["evaluations"], 12);
  EXPECT_EQ(j["stopped"], "the budget was spent");
}

TEST(ExploreCliTest, ABadSpaceFileExitsTwoNamingTheKey) {
  test::ScratchDir tmp("explore");
  {
    std::ofstream(tmp / "space.yaml")
        << "variables: {tile.rows: {choices: [128, 256]}}\nobjectives: [hybrid_ns, area]\n";
  }
  const test::ProcessResult r = test::run_aimcsim("explore " + (tmp / "space.yaml"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("space.yaml:2: objectives: 'area' is not a statistic"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(tmp / "runs"));
}

}  // namespace
}  // namespace aimcsim
