#pragma once
// Two runs that must be the same run built two ways (a graph built phase by phase against the
// whole graph built at the start, shared decode steps against every step listed).
#include "sim/base/config.hpp"
#include "sim/run/run.hpp"

namespace aimcsim::test {

// A test failure for each way `a` and `b`, runs of `cfg`, differ: their jobs, latencies,
// ops.csv, layers.csv, summary.json and trace events.
void expect_same_run(const RunResult& a, const RunResult& b, const Config& cfg);

}  // namespace aimcsim::test
