#pragma once
// A scripted stub resource for engine tests, in the spirit of GVSoC's scripted stub targets.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"

namespace aimcsim::test {

// A Resource that answers the i-th job the engine issues to it with row i of a table, and checks
// that it is the job the row expects (by label), issued when the row expects it and carrying the
// bytes it expects; each mismatch is a test failure naming the resource and the row.
// Simplification: it models no hardware. A row says how long its job takes or when it ends; jobs
// start when issued (`Overlapping`) or when the previous one has ended (`Serial`), unless the
// row forces the start.
class ScriptedResource : public Resource {
 public:
  static constexpr Picos kAny = -1;

  // One issued job. Tables read `{job, issued, duration}`, or
  // `{job, issued, kAny, end}` for an absolute end time.
  struct Row {
    std::string job;            // label the job must carry ("": any)
    Picos issued = kAny;        // time the engine must issue it (kAny: any)
    Picos duration = kAny;      // from its start (kAny with end kAny: 0)
    Picos end = kAny;           // absolute end, instead of a duration
    std::int64_t bytes = kAny;  // payload the job must carry (kAny: any)
    Picos start = kAny;         // forces the start the resource returns
  };

  enum class Mode { Serial, Overlapping };

  // What the engine issued and what the stub answered, in issue order.
  struct Issue {
    std::string job;
    Picos now = 0, start = 0, end = 0;
  };

  ScriptedResource(const std::string& name, std::vector<Row> script, Mode mode = Mode::Serial);

  Timing issue(Job& job, Picos now) override;

  const std::vector<Issue>& issued() const { return issued_; }
  // The labels of the issued jobs, in issue order.
  std::vector<std::string> issue_order() const;
  // A test failure for each row the engine never reached.
  void expect_script_done() const;
  // Also append each issued job's label to `journal`, shared by several stubs to see the order
  // in which the engine issued jobs across resources.
  void log_to(std::vector<std::string>* journal) { journal_ = journal; }

 private:
  std::vector<Row> script_;
  Mode mode_;
  Picos free_ = 0;
  std::vector<Issue> issued_;
  std::vector<std::string>* journal_ = nullptr;
};

// Adds a job with a label to `graph`; the label names the job in tables and failures.
Job& add_job(JobGraph& graph, Resource& resource, std::size_t op, const std::string& label,
             std::int64_t bytes = 0);
// The label add_job gave `job`, or "#<id>".
std::string job_label(const Job& job);

}  // namespace aimcsim::test
