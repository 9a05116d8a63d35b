// The engine (sim/engine): dependencies, in-order issue per operator, the issue window, retire
// order, busy time and the errors run_jobs reports, driven by scripted stub resources whose rows
// give each job's duration and check when it is issued. Times are in picoseconds.
#include "sim/engine/engine.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/scripted_resource.hpp"
#include "tests/support/systemc_errors.hpp"

namespace aimcsim {
namespace {

using test::add_job;
using test::job_label;
using test::ScriptedResource;
using Mode = ScriptedResource::Mode;
constexpr Picos kAny = ScriptedResource::kAny;

// Each test elaborates in a SimulationContext of its own, declared before the resources so that
// they are destroyed first.

void expect_times(const Job& job, Picos ready, Picos start, Picos end) {
  EXPECT_EQ(job.ready, ready) << job_label(job);
  EXPECT_EQ(job.start, start) << job_label(job);
  EXPECT_EQ(job.end, end) << job_label(job);
}

TEST(EngineTest, ChainOfDependentJobsOnTwoResourcesAddsUpTheirTimes) {
  SimulationContext context;
  JobGraph graph;
  // tile: t0 100, t1 50; link: l0 30 (12 bytes), l1 20 (8 bytes); t0 -> l0 -> t1 -> l1.
  //   t0 [0, 100]; l0 ready at 100: [100, 130]; t1 ready at 130: [130, 180];
  //   l1 ready at 180: [180, 200]. The chain ends at 100 + 30 + 50 + 20 = 200.
  ScriptedResource tile("tile", {{"t0", 0, 100}, {"t1", 130, 50}});
  ScriptedResource link("link", {{"l0", 100, 30, kAny, 12}, {"l1", 180, 20, kAny, 8}});
  Job& t0 = add_job(graph, tile, 0, "t0");
  Job& l0 = add_job(graph, link, 0, "l0", 12);
  Job& t1 = add_job(graph, tile, 1, "t1");
  Job& l1 = add_job(graph, link, 1, "l1", 8);
  graph.depend(t0, l0);
  graph.depend(l0, t1);
  graph.depend(t1, l1);
  run_jobs(graph);
  tile.expect_script_done();
  link.expect_script_done();
  expect_times(t0, 0, 0, 100);
  expect_times(l0, 100, 100, 130);
  expect_times(t1, 130, 130, 180);
  expect_times(l1, 180, 180, 200);
  EXPECT_EQ(tile.busy_ps(), 100 + 50);
  EXPECT_EQ(link.busy_ps(), 30 + 20);
  EXPECT_EQ(tile.jobs_done(), 2u);
  EXPECT_EQ(link.jobs_done(), 2u);
  EXPECT_EQ(sc_core::sc_time_stamp().value(), 200u);  // the last retirement
}

TEST(EngineTest, JobsOfOneOperatorIssueInOrder) {
  SimulationContext context;
  JobGraph graph;
  // On `pmca`, a and b serve operator 0, enqueued a then b. a waits for `gate` (ends at 50); b has
  // no predecessor and is ready at 0, but may not pass a: both issue at 50. The stub runs one job
  // at a time: a [50, 60], b [60, 75].
  ScriptedResource gate_res("gate_res", {{"gate", 0, 50}});
  ScriptedResource pmca("pmca", {{"a", 50, 10}, {"b", 50, 15}});
  Job& gate = add_job(graph, gate_res, 9, "gate");
  Job& a = add_job(graph, pmca, 0, "a");
  Job& b = add_job(graph, pmca, 0, "b");
  graph.depend(gate, a);
  run_jobs(graph);
  pmca.expect_script_done();
  EXPECT_EQ(pmca.issue_order(), (std::vector<std::string>{"a", "b"}));
  expect_times(a, 50, 50, 60);
  expect_times(b, 0, 60, 75);  // ready from the start, issued behind a
}

TEST(EngineTest, AReadyJobOfAnotherOperatorOvertakesABlockedOne) {
  SimulationContext context;
  JobGraph graph;
  // Queue on `pmca`: a (operator 0, waits for gate, which ends at 50), b (operator 0, ready),
  // c (operator 1, ready). c does not wait for operator 0: issued at 0, [0, 20]. a and b issue
  // at 50 in their order: a [50, 60], b [60, 75].
  ScriptedResource gate_res("gate_res", {{"gate", 0, 50}});
  ScriptedResource pmca("pmca", {{"c", 0, 20}, {"a", 50, 10}, {"b", 50, 15}});
  Job& gate = add_job(graph, gate_res, 9, "gate");
  Job& a = add_job(graph, pmca, 0, "a");
  Job& b = add_job(graph, pmca, 0, "b");
  Job& c = add_job(graph, pmca, 1, "c");
  graph.depend(gate, a);
  run_jobs(graph);
  pmca.expect_script_done();
  EXPECT_EQ(pmca.issue_order(), (std::vector<std::string>{"c", "a", "b"}));
  expect_times(c, 0, 0, 20);
  expect_times(a, 50, 50, 60);
  expect_times(b, 0, 60, 75);
}

// `gated` jobs of distinct operators, each waiting for one gate job that ends at 100, queued on
// a resource ahead of one `late` job of yet another operator that is ready at 0. The script
// expects `late` issued at `expected`: first when 0, else behind the gated jobs. Returns when
// `late` started.
Picos late_issue(std::size_t gated, Picos expected) {
  SimulationContext context;
  JobGraph graph;
  ScriptedResource gate_res("gate_res", {{"gate", 0, 100}});
  // Gated jobs issue when the gate retires at 100, in queue order, and last 1 ps each on a
  // resource that overlaps them.
  std::vector<ScriptedResource::Row> rows;
  if (expected == 0) rows.push_back({"late", 0, 1});
  for (std::size_t i = 0; i < gated; ++i) rows.push_back({"gated", 100, 1});
  if (expected != 0) rows.push_back({"late", expected, 1});
  ScriptedResource res("res", rows, Mode::Overlapping);
  Job& gate = add_job(graph, gate_res, gated + 1, "gate");
  for (std::size_t i = 0; i < gated; ++i) graph.depend(gate, add_job(graph, res, i, "gated"));
  Job& late = add_job(graph, res, gated, "late");
  run_jobs(graph);
  res.expect_script_done();
  EXPECT_EQ(late.ready, 0);
  EXPECT_EQ(late.end, late.start + 1);
  return late.start;
}

TEST(EngineTest, AReadyJobBeyondTheIssueWindowWaitsUntilTheWindowMoves) {
  ASSERT_EQ(Resource::kIssueWindow, 256u);
  // 255 gated jobs: `late` is the 256th queued job, inside the window, and issues at 0.
  EXPECT_EQ(late_issue(255, 0), 0);
  // 256 gated jobs fill the window: `late` (the 257th) is not looked at until the gated jobs
  // leave the queue when the gate retires at 100; it issues right behind them, at 100.
  EXPECT_EQ(late_issue(256, 100), 100);
}

// On one resource that overlaps its jobs: `before` jobs of distinct operators that wait for a
// gate ending at 100, then `ready` jobs of one more operator that are ready at 0, then `after`
// gated jobs, then `late` (yet another operator, ready at 0). Returns when `late` started; the
// script expects `expected` (0 or 100).
Picos late_behind_issued_jobs(std::size_t before, std::size_t ready, std::size_t after,
                              Picos expected) {
  SimulationContext context;
  JobGraph graph;
  ScriptedResource gate_res("gate_res", {{"gate", 0, 100}});
  // At 0 the `ready` jobs issue in queue order (each has only gated jobs of other operators
  // ahead of it), then `late` when it is inside the window; at 100 the gated jobs issue in queue
  // order, then `late` when it was not.
  std::vector<ScriptedResource::Row> rows;
  for (std::size_t i = 0; i < ready; ++i) rows.push_back({"ready", 0, 1});
  if (expected == 0) rows.push_back({"late", 0, 1});
  for (std::size_t i = 0; i < before + after; ++i) rows.push_back({"gated", 100, 1});
  if (expected != 0) rows.push_back({"late", expected, 1});
  ScriptedResource res("res", rows, Mode::Overlapping);
  Job& gate = add_job(graph, gate_res, 1 << 20, "gate");
  std::size_t op = 0;
  for (std::size_t i = 0; i < before; ++i) graph.depend(gate, add_job(graph, res, op++, "gated"));
  const std::size_t ready_op = op++;
  for (std::size_t i = 0; i < ready; ++i) add_job(graph, res, ready_op, "ready");
  for (std::size_t i = 0; i < after; ++i) graph.depend(gate, add_job(graph, res, op++, "gated"));
  Job& late = add_job(graph, res, op, "late");
  run_jobs(graph);
  res.expect_script_done();
  return late.start;
}

TEST(EngineTest, IssuedJobsLeaveTheIssueWindowInTheSamePass) {
  // 200 gated + 100 ready + 55 gated jobs are queued ahead of `late`. The 100 ready jobs issue
  // at 0 and leave the queue, so 200 + 55 = 255 jobs that have not issued are ahead of `late`:
  // inside the window of 256, it issues at 0 too, although it is the 356th job queued.
  EXPECT_EQ(late_behind_issued_jobs(200, 100, 55, 0), 0);
  // One more gated job: 256 ahead, the window ends before `late`; it issues when the gate
  // retires at 100, behind the 257 gated jobs.
  EXPECT_EQ(late_behind_issued_jobs(200, 100, 56, 100), 100);
}

TEST(EngineTest, AJobReadyBeforeAnEarlierJobOfItsOperatorWaitsForIt) {
  SimulationContext context;
  JobGraph graph;
  // Operator 0 on `pmca`: a (ready), b (waits for gate, which ends at 40), c (ready). a issues
  // at 0 [0, 10]; c is ready at 0 but may not pass b: both issue at 40 in their order,
  // b [40, 45], c [45, 52] on the scripted resource, which runs one job at a time.
  ScriptedResource gate_res("gate_res", {{"gate", 0, 40}});
  ScriptedResource pmca("pmca", {{"a", 0, 10}, {"b", 40, 5}, {"c", 40, 7}});
  Job& gate = add_job(graph, gate_res, 9, "gate");
  Job& a = add_job(graph, pmca, 0, "a");
  Job& b = add_job(graph, pmca, 0, "b");
  Job& c = add_job(graph, pmca, 0, "c");
  graph.depend(gate, b);
  run_jobs(graph);
  pmca.expect_script_done();
  expect_times(a, 0, 0, 10);
  expect_times(b, 40, 40, 45);
  expect_times(c, 0, 45, 52);
}

// `src` overlaps its jobs and issues `first` (operator 0) and `second` (operator 1) at 0, in the
// order `first_issued_first` says; both end at 30. Each has one successor on a resource of its
// own, which journals when it issues. Returns the journal.
std::vector<std::string> successors_of_a_tie(bool first_issued_first) {
  SimulationContext context;
  JobGraph graph;
  std::vector<ScriptedResource::Row> rows = {{"first", 0, 30}, {"second", 0, kAny, 30}};
  if (!first_issued_first) std::swap(rows[0], rows[1]);
  ScriptedResource src("src", rows, Mode::Overlapping);
  ScriptedResource dst_a("dst_a", {{"after_first", 30, 5}});
  ScriptedResource dst_b("dst_b", {{"after_second", 30, 5}});
  Job* first = nullptr;
  Job* second = nullptr;
  if (first_issued_first) {
    first = &add_job(graph, src, 0, "first");
    second = &add_job(graph, src, 1, "second");
  } else {
    second = &add_job(graph, src, 1, "second");
    first = &add_job(graph, src, 0, "first");
  }
  Job& after_first = add_job(graph, dst_a, 0, "after_first");
  Job& after_second = add_job(graph, dst_b, 0, "after_second");
  graph.depend(*first, after_first);
  graph.depend(*second, after_second);
  std::vector<std::string> journal;
  dst_a.log_to(&journal);
  dst_b.log_to(&journal);
  run_jobs(graph);
  src.expect_script_done();
  // Both retire at 30, in one pass: their successors are ready at 30 and run [30, 35].
  expect_times(*first, 0, 0, 30);
  expect_times(*second, 0, 0, 30);
  expect_times(after_first, 30, 30, 35);
  expect_times(after_second, 30, 30, 35);
  EXPECT_EQ(src.jobs_done(), 2u);
  return journal;
}

TEST(EngineTest, JobsEndingTogetherRetireInOnePassAndReadyTheirSuccessorsThen) {
  EXPECT_EQ(successors_of_a_tie(true).size(), 2u);
  EXPECT_EQ(successors_of_a_tie(false).size(), 2u);
}

TEST(EngineTest, SuccessorsOfJobsEndingTogetherIssueInRetireOrder) {
  // In-flight jobs that end together retire in issue order, and their successors become ready
  // in that order: the successors' resources should issue in it too.
  EXPECT_EQ(successors_of_a_tie(true), (std::vector<std::string>{"after_first", "after_second"}));
  EXPECT_EQ(successors_of_a_tie(false), (std::vector<std::string>{"after_second", "after_first"}));
}

TEST(EngineTest, BusyTimeCountsOverlappingJobsOnce) {
  SimulationContext context;
  JobGraph graph;
  // An overlapping resource answers four jobs issued at 0 with forced starts:
  //   a [0, 100]   busy 100
  //   b [50, 150]  overlaps a until 100: busy 150 - 100 = 50
  //   c [20, 80]   inside a: busy 0
  //   d [200, 250] after a gap: busy 50
  // Busy 100 + 50 + 0 + 50 = 200 ps, not the 310 ps the jobs last in sum.
  ScriptedResource res("res",
                       {{"a", 0, 100, kAny, kAny, 0},
                        {"b", 0, 100, kAny, kAny, 50},
                        {"c", 0, 60, kAny, kAny, 20},
                        {"d", 0, 50, kAny, kAny, 200}},
                       Mode::Overlapping);
  Job& a = add_job(graph, res, 0, "a");
  Job& b = add_job(graph, res, 1, "b");
  Job& c = add_job(graph, res, 2, "c");
  Job& d = add_job(graph, res, 3, "d");
  run_jobs(graph);
  res.expect_script_done();
  expect_times(b, 0, 50, 150);
  expect_times(c, 0, 20, 80);
  EXPECT_EQ(a.busy, 100);
  EXPECT_EQ(b.busy, 50);
  EXPECT_EQ(c.busy, 0);
  EXPECT_EQ(d.busy, 50);
  EXPECT_EQ(res.busy_ps(), 200);
}

TEST(EngineTest, DependencyCycleMakesRunJobsThrow) {
  SimulationContext context;
  JobGraph graph;
  // a waits for b and b for a: neither is ever ready. c, independent, still runs [0, 10].
  ScriptedResource res("res", {{"c", 0, 10}});
  Job& a = add_job(graph, res, 0, "a");
  Job& b = add_job(graph, res, 1, "b");
  Job& c = add_job(graph, res, 2, "c");
  graph.depend(a, b);
  graph.depend(b, a);
  try {
    run_jobs(graph);
    FAIL() << "run_jobs returned";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("dependency cycle"), std::string::npos) << e.what();
  }
  res.expect_script_done();
  EXPECT_EQ(a.end, -1);
  EXPECT_EQ(b.end, -1);
  expect_times(c, 0, 0, 10);
}

// The engine's check throws std::logic_error inside the resource's SystemC method; the engine
// stops the kernel and run_jobs rethrows it with its type, so SystemC reports no error.
void expect_backwards_timing(JobGraph& graph) {
  test::SystemCErrors errors;
  try {
    run_jobs(graph);
    ADD_FAILURE() << "run_jobs returned";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("res: job timing goes backwards"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(errors.messages().empty());
}

TEST(EngineTest, StartBeforeTheIssueTimeThrows) {
  SimulationContext context;
  JobGraph graph;
  // b is issued at 50, when a retires; its row claims it started at 40.
  ScriptedResource res("res", {{"a", 0, 50}, {"b", 50, 10, kAny, kAny, 40}});
  Job& a = add_job(graph, res, 0, "a");
  Job& b = add_job(graph, res, 1, "b");
  graph.depend(a, b);
  expect_backwards_timing(graph);
  expect_times(a, 0, 0, 50);
  EXPECT_EQ(b.end, -1);  // not recorded
}

TEST(EngineTest, EndBeforeTheStartThrows) {
  SimulationContext context;
  JobGraph graph;
  // Issued at 0, the job claims to start at 20 and end at 10.
  ScriptedResource res("res", {{"a", 0, kAny, 10, kAny, 20}});
  Job& a = add_job(graph, res, 0, "a");
  expect_backwards_timing(graph);
  EXPECT_EQ(a.end, -1);
}

// Power gating: a PMCA gated after 50 ps idle wakes in 20 ps at 7 pJ. Its leakage is 2 mW.
//   p0 ready at 0 on an idle-since-0 unit: no gap, [0, 10].
//   t0 on the tile [0, 200]; p1 after it, ready at 200: idle 10 -> 200 = 190 > 50, gated
//   140 ps; issued at 200 + 20 = 220, [220, 230], its energy has the 7 pJ wake.
//   t1 after p1 on the tile [230, 260]; p2 after it, ready at 260: idle 30 <= 50, no wake.
//   Over a run of 1000 ps the last idle stretch is gated from 270 + 50 to 1000: 680 ps.
TEST(EngineTest, GatedResourceWakesOnTheCriticalPathAndStopsLeaking) {
  SimulationContext context;
  JobGraph graph;
  ScriptedResource tile("tile", {{"t0", 0, 200}, {"t1", 230, 30}});
  ScriptedResource pmca("pmca", {{"p0", 0, 10}, {"p1", 220, 10}, {"p2", 260, 10}});
  // A unit whose first job comes late is gated from the threshold: 50 -> 200.
  ScriptedResource late("late", {{"q0", 220, 5}});
  const Resource::PowerGate gate{true, 50, 20, 7.0};
  pmca.set_power(2.0, gate);
  late.set_power(1.0, gate);
  Job& p0 = add_job(graph, pmca, 0, "p0");
  Job& t0 = add_job(graph, tile, 1, "t0");
  Job& p1 = add_job(graph, pmca, 2, "p1");
  Job& t1 = add_job(graph, tile, 3, "t1");
  Job& p2 = add_job(graph, pmca, 4, "p2");
  Job& q0 = add_job(graph, late, 5, "q0");
  graph.depend(t0, p1);
  graph.depend(p1, t1);
  graph.depend(t1, p2);
  graph.depend(t0, q0);
  run_jobs(graph);
  pmca.expect_script_done();
  tile.expect_script_done();
  late.expect_script_done();
  expect_times(p0, 0, 0, 10);
  expect_times(p1, 200, 220, 230);
  expect_times(t1, 230, 230, 260);
  expect_times(p2, 260, 260, 270);
  EXPECT_DOUBLE_EQ(p1.energy.get("wake"), 7.0);
  EXPECT_DOUBLE_EQ(p2.energy.get("wake"), 0.0);
  EXPECT_EQ(pmca.wakes(), 1);
  EXPECT_EQ(pmca.gated_ps(1000), 140 + 680);
  EXPECT_DOUBLE_EQ(pmca.leak_mw(), 2.0);
  expect_times(q0, 200, 220, 225);
  EXPECT_EQ(late.gated_ps(225), 150);  // 50 -> 200; no idle stretch after it
  // The tile is not gated: its jobs start when ready, and nothing is saved.
  EXPECT_EQ(tile.wakes(), 0);
  EXPECT_EQ(tile.gated_ps(1000), 0);
}

TEST(EngineTest, IdleBelowTheThresholdIsNeverGated) {
  SimulationContext context;
  JobGraph graph;
  // a0 [0, 10], then a1 ready at 60 after the other unit's 60 ps: 50 ps idle is not more than
  // the 50 ps threshold, so a1 starts at once; the run ends at 70 with no gated time.
  ScriptedResource other("other", {{"b0", 0, 60}});
  ScriptedResource unit("unit", {{"a0", 0, 10}, {"a1", 60, 10}});
  unit.set_power(1.0, Resource::PowerGate{true, 50, 20, 7.0});
  add_job(graph, unit, 0, "a0");
  Job& b0 = add_job(graph, other, 1, "b0");
  Job& a1 = add_job(graph, unit, 2, "a1");
  graph.depend(b0, a1);
  run_jobs(graph);
  unit.expect_script_done();
  expect_times(a1, 60, 60, 70);
  EXPECT_EQ(unit.wakes(), 0);
  EXPECT_EQ(unit.gated_ps(70), 0);
  EXPECT_EQ(unit.gated_ps(120), 0);   // 50 ps idle at the end: at the threshold, not past it
  EXPECT_EQ(unit.gated_ps(130), 10);  // 70 + 50 -> 130
}

// Phases built one by one: phase 1 is built when phase 0's trigger a0 ends, at 100.
// Phase 0: a0 on the tile [0, 100] (the trigger), a1 on the link [0, 250] (still running then).
// Phase 1: b0 on the tile after a0 (ended before b0 existed: no wait) is ready when the phase is
// built, [100, 150]; b1 on the link after a1 waits for it: [250, 270]. Phase 0 is handed back at
// 250 when a1 ends, phase 1 at 270.
class TwoPhases : public PhaseSource {
 public:
  TwoPhases(Resource& tile, Resource& link) : tile_(tile), link_(link) {}
  JobGraph* next() override {
    if (built_ == 0) {
      a0_ = &add_job(graphs_[0], tile_, 0, "a0");
      a1_ = &add_job(graphs_[0], link_, 1, "a1");
      graphs_[0].trigger_next(*a0_);
    } else if (built_ == 1) {
      built_at_ = now_ps();
      graphs_[1].set_op_base(2);
      b0_ = &add_job(graphs_[1], tile_, 0, "b0");
      b1_ = &add_job(graphs_[1], link_, 1, "b1");
      graphs_[1].depend(*a0_, *b0_);
      graphs_[1].depend(*a1_, *b1_);
    } else {
      return nullptr;
    }
    return &graphs_[built_++];
  }
  void finished(JobGraph& graph) override {
    handed_back_.emplace_back(&graph == &graphs_[0] ? 0 : 1, now_ps());
  }

  JobGraph graphs_[2];
  Resource &tile_, &link_;
  std::size_t built_ = 0;
  Picos built_at_ = -1;
  Job *a0_ = nullptr, *a1_ = nullptr, *b0_ = nullptr, *b1_ = nullptr;
  std::vector<std::pair<int, Picos>> handed_back_;
};

TEST(EngineTest, PhasesAreBuiltWhenTheirTriggersEndAndHandedBackInOrder) {
  SimulationContext context;
  ScriptedResource tile("tile", {{"a0", 0, 100}, {"b0", 100, 50}});
  ScriptedResource link("link", {{"a1", 0, 250}, {"b1", 250, 20}});
  TwoPhases phases(tile, link);
  run_phases(phases);
  tile.expect_script_done();
  link.expect_script_done();
  EXPECT_EQ(phases.built_at_, 100);
  expect_times(*phases.b0_, 100, 100, 150);
  expect_times(*phases.b1_, 250, 250, 270);
  EXPECT_TRUE(phases.b0_->retired);
  // a0 and a1 had issued when b0 and b1 were queued: their resources' positions start again
  // (the issue window counts only the jobs queued ahead).
  EXPECT_EQ(phases.b0_->position, 0u);
  EXPECT_EQ(phases.b1_->position, 0u);
  // The second phase's jobs belong to operators 2 and 3.
  EXPECT_EQ(phases.b0_->op, 2u);
  EXPECT_EQ(phases.b1_->op, 3u);
  EXPECT_EQ(phases.handed_back_, (std::vector<std::pair<int, Picos>>{{0, 250}, {1, 270}}));
}

// A phase names several triggers: the first to end builds the next phase, the others then build
// nothing. Phase 0: a0 on the tile [0, 100] and a1 on the link [0, 40], both triggers of phase 1.
// Phase 1 is built at 40 when a1 ends: b1 after a1 (ended) is ready at once, [40, 60]; b0 after
// a0 waits for it, [100, 130]. Phase 1 names b0 alone, so phase 2 is built at 130, not at 100
// when a0 (a trigger of phase 1, already built) ends: c0 after b0 runs [130, 140].
class FirstTriggerBuilds : public PhaseSource {
 public:
  FirstTriggerBuilds(Resource& tile, Resource& link) : tile_(tile), link_(link) {}
  JobGraph* next() override {
    if (built_ > 2) return nullptr;
    JobGraph& g = graphs_[built_];
    built_at_.push_back(now_ps());
    g.set_op_base(2 * built_);
    if (built_ == 0) {
      a0_ = &add_job(g, tile_, 0, "a0");
      a1_ = &add_job(g, link_, 1, "a1");
      g.trigger_next(*a0_);
      g.trigger_next(*a1_);
    } else if (built_ == 1) {
      b0_ = &add_job(g, tile_, 0, "b0");
      b1_ = &add_job(g, link_, 1, "b1");
      g.depend(*a0_, *b0_);
      g.depend(*a1_, *b1_);
      g.trigger_next(*b0_);
    } else {
      c0_ = &add_job(g, tile_, 0, "c0");
      g.depend(*b0_, *c0_);
    }
    return &graphs_[built_++];
  }
  void finished(JobGraph&) override {}

  JobGraph graphs_[3];
  Resource &tile_, &link_;
  std::size_t built_ = 0;
  std::vector<Picos> built_at_;
  Job *a0_ = nullptr, *a1_ = nullptr, *b0_ = nullptr, *b1_ = nullptr, *c0_ = nullptr;
};

TEST(EngineTest, TheFirstTriggerToEndBuildsTheNextPhaseAndTheOthersNothing) {
  SimulationContext context;
  ScriptedResource tile("tile", {{"a0", 0, 100}, {"b0", 100, 30}, {"c0", 130, 10}});
  ScriptedResource link("link", {{"a1", 0, 40}, {"b1", 40, 20}});
  FirstTriggerBuilds phases(tile, link);
  run_phases(phases);
  tile.expect_script_done();
  link.expect_script_done();
  EXPECT_EQ(phases.built_at_, (std::vector<Picos>{0, 40, 130}));
  expect_times(*phases.b1_, 40, 40, 60);
  expect_times(*phases.b0_, 100, 100, 130);
  expect_times(*phases.c0_, 130, 130, 140);
}

// A later phase must not hold a job that could have started before the phase was built (one that
// waits for nothing, or only for jobs that ended earlier), nor name a trigger that has already
// ended. Phase 0: a on r [0, 10] (the trigger) and e on the link [0, 4]; phase 1 is built at 10.
class LatePhase : public PhaseSource {
 public:
  enum class Fault { FreeJob, EndedEarlier, EndedTrigger };
  LatePhase(Resource& r, Resource& link, Fault fault) : r_(r), link_(link), fault_(fault) {}
  JobGraph* next() override {
    if (built_ > 1) return nullptr;
    JobGraph& g = graphs_[built_];
    g.set_op_base(2 * built_);
    if (built_ == 0) {
      a_ = &add_job(g, r_, 0, "a");
      e_ = &add_job(g, link_, 1, "e");
      g.trigger_next(*a_);
    } else {
      Job& b = add_job(g, r_, 0, "b");
      g.depend(*a_, b);
      if (fault_ == Fault::FreeJob) {
        add_job(g, r_, 1, "free");
      } else if (fault_ == Fault::EndedEarlier) {
        g.depend(*e_, add_job(g, r_, 1, "late"));  // e ended at 4: it could have started then
      } else {
        g.trigger_next(*a_);  // a ended: it built this phase
      }
    }
    return &graphs_[built_++];
  }
  void finished(JobGraph&) override {}

 private:
  JobGraph graphs_[2];
  Resource &r_, &link_;
  Fault fault_;
  std::size_t built_ = 0;
  Job *a_ = nullptr, *e_ = nullptr;
};

// The message of the logic_error run_phases throws for `fault`.
std::string late_phase_error(LatePhase::Fault fault) {
  SimulationContext context;
  ScriptedResource r("r", {{"a", 0, 10}});
  ScriptedResource link("link", {{"e", 0, 4}});
  LatePhase phases(r, link, fault);
  try {
    run_phases(phases);
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(EngineTest, ALaterPhaseWithAJobThatCouldHaveStartedEarlierIsAnError) {
  EXPECT_EQ(late_phase_error(LatePhase::Fault::FreeJob),
            "phase 1: job 1 on r waits for nothing, so it could have started before its phase "
            "was built at 10 ps");
  EXPECT_EQ(late_phase_error(LatePhase::Fault::EndedEarlier),
            "phase 1: job 1 on r waits only for jobs ended by 4 ps, so it could have started "
            "before its phase was built at 10 ps");
}

TEST(EngineTest, ATriggerThatEndedBeforeItsPhaseWasBuiltIsAnError) {
  EXPECT_EQ(late_phase_error(LatePhase::Fault::EndedTrigger),
            "phase 2: a trigger ended before the phase that names it was built");
}

// A phase whose jobs wait for each other never ends.
class CyclicPhase : public PhaseSource {
 public:
  explicit CyclicPhase(Resource& r) : r_(r) {}
  JobGraph* next() override {
    if (built_++ > 0) return nullptr;
    Job& x = add_job(graph_, r_, 0, "x");
    Job& y = add_job(graph_, r_, 1, "y");
    graph_.depend(x, y);
    graph_.depend(y, x);
    return &graph_;
  }
  void finished(JobGraph&) override { ADD_FAILURE() << "a phase that never ran was handed back"; }

 private:
  Resource& r_;
  JobGraph graph_;
  int built_ = 0;
};

TEST(EngineTest, APhaseThatNeverEndsIsAnError) {
  SimulationContext context;
  ScriptedResource r("r", {});
  CyclicPhase phase(r);
  EXPECT_THROW(run_phases(phase), std::logic_error);
}

}  // namespace
}  // namespace aimcsim
