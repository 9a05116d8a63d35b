#include "tests/support/same_run.hpp"

#include <gtest/gtest.h>

#include "sim/report/report.hpp"

namespace aimcsim::test {

void expect_same_run(const RunResult& a, const RunResult& b, const Config& cfg) {
  EXPECT_EQ(a.jobs, b.jobs);
  EXPECT_EQ(a.hybrid, b.hybrid);
  EXPECT_EQ(a.analog_only, b.analog_only);
  EXPECT_EQ(ops_csv(a), ops_csv(b));
  EXPECT_EQ(layers_csv(a), layers_csv(b));
  EXPECT_EQ(summary_json(a, cfg), summary_json(b, cfg));
  ASSERT_EQ(a.trace.size(), b.trace.size());
  for (std::size_t i = 0; i < a.trace.size(); ++i) {
    EXPECT_EQ(a.trace[i].name, b.trace[i].name);
    EXPECT_EQ(a.trace[i].start, b.trace[i].start);
    EXPECT_EQ(a.trace[i].end, b.trace[i].end);
  }
}

}  // namespace aimcsim::test
