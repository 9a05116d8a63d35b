#include "sim/calibrate/points.hpp"

#include <gtest/gtest.h>

#include "sim/report/report.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;

std::vector<MeasuredPoint> points(const std::string& csv, const std::string& name = "p.csv") {
  return read_points(test::schema(), CsvTable::parse(csv, name));
}
std::string points_error(const std::string& csv) {
  return error_of([&] { points(csv); });
}

TEST(PointsTest, KernelPointsTakeTheirKernelsShapeColumns) {
  const std::vector<MeasuredPoint> p = points(
      "name,kernel,m,n,k,rows,cols,overrides,cycles\n"
      ",gemm,64,64,64,,,,20700\n"
      "sm,softmax,,,,320,320,pmca.engine=redmule; pmca.cores=4,93775.5\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].kind, MeasuredPoint::Kind::Kernel);
  EXPECT_EQ(p[0].where, "p.csv:2");
  EXPECT_EQ(p[0].shape.kernel, "gemm");
  EXPECT_EQ(p[0].shape.options,
            (std::map<std::string, std::int64_t>{{"k", 64}, {"m", 64}, {"n", 64}}));
  EXPECT_DOUBLE_EQ(p[0].measured, 20700);
  EXPECT_EQ(p[0].label(), "gemm m=64 n=64 k=64");
  EXPECT_EQ(p[1].overrides, (std::vector<std::string>{"pmca.engine=redmule", "pmca.cores=4"}));
  EXPECT_EQ(p[1].overrides_where, "p.csv:3: column 8 (overrides)");
  EXPECT_EQ(p[1].description(), "softmax rows=320 cols=320 [pmca.engine=redmule; pmca.cores=4]");
  EXPECT_EQ(p[1].label(), "sm");
}

TEST(PointsTest, LatencyPointsTakeAMetricAndAValue) {
  const std::vector<MeasuredPoint> p = points(
      "overrides,metric,value\n"
      "workload.seq_len=64,hybrid_ns,44994\n"
      ",op:linear/linear_512x128:hybrid_pmca_busy_ns,100\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].kind, MeasuredPoint::Kind::Latency);
  EXPECT_EQ(p[0].metric, "hybrid_ns");
  EXPECT_EQ(p[0].metric_where, "p.csv:2: column 2 (metric)");
  EXPECT_TRUE(p[1].overrides.empty());
  EXPECT_EQ(p[1].description(), "op:linear/linear_512x128:hybrid_pmca_busy_ns");
}

TEST(PointsTest, BadKernelFilesNameLineAndColumn) {
  EXPECT_EQ(points_error("kernel,m,n,cycles\ngemm,1,2,3\n"),
            "p.csv:2: column 1 (kernel): kernel gemm needs the shape columns m, n, k; there is no "
            "'k' column");
  EXPECT_EQ(points_error("kernel,m,n,k,cycles\ngemm,1,x,3,100\n"),
            "p.csv:2: column 3 (n): 'x' is not an integer >= 1");
  EXPECT_EQ(points_error("kernel,m,n,k,cycles\ngemm,1,,3,100\n"),
            "p.csv:2: column 3 (n): empty; kernel gemm needs it (an integer >= 1)");
  EXPECT_EQ(points_error("kernel,m,n,k,cycles\ngemm,1,2,3,abc\n"),
            "p.csv:2: column 5 (cycles): 'abc' is not a number > 0");
  EXPECT_EQ(points_error("kernel,m,n,k,cycles\ngemm,1,2,3,0\n"),
            "p.csv:2: column 5 (cycles): '0' is not a number > 0");
  EXPECT_NE(points_error("kernel,m,n,k,cycles\nmatmul,1,2,3,4\n")
                .find("p.csv:2: column 1 (kernel): unknown kernel 'matmul'; accepted are lora, "
                      "gemm"),
            std::string::npos);
  EXPECT_EQ(points_error("kernel,m,n,k,rows,cycles\ngemm,1,2,3,4,5\n"),
            "p.csv:2: column 5 (rows): kernel gemm takes no 'rows' (its shape columns are m, n, "
            "k); leave it empty");
  EXPECT_NE(points_error("kernel,m,n,k,cycle\ngemm,1,2,3,4\n")
                .find("p.csv:1: column 5: unknown column 'cycle'; kernel points accept kernel, "
                      "cycles, name"),
            std::string::npos);
  EXPECT_EQ(points_error("kernel,m,n,k\ngemm,1,2,3\n"),
            "p.csv:1: no 'cycles' column; kernel points need the columns kernel, cycles");
}

TEST(PointsTest, BadLatencyFilesNameLineAndColumn) {
  EXPECT_EQ(points_error("overrides,metric\n,hybrid_ns\n"),
            "p.csv:1: no 'value' column; latency points need the columns metric, value");
  EXPECT_NE(points_error("overrides,metric,value\npmca.fpu=3,hybrid_ns,5\n")
                .find("p.csv:2: column 1 (overrides): pmca.fpu: unknown key; keys under 'pmca':"),
            std::string::npos);
  EXPECT_NE(points_error("overrides,metric,value\npmca.freq,hybrid_ns,5\n")
                .find("p.csv:2: column 1 (overrides): 'pmca.freq' is not KEY=VALUE"),
            std::string::npos);
  EXPECT_NE(points_error("metric,value\nop:x:bogus,4\n")
                .find("p.csv:2: column 1 (metric): 'op:x:bogus' is not op:[BLOCK/]NAME:FIELD"),
            std::string::npos);
  EXPECT_NE(points_error("a,b\n1,2\n").find("p.csv:1: neither a 'kernel' nor a 'metric' column"),
            std::string::npos);
  EXPECT_EQ(points_error("metric,value\n"), "p.csv: no points below the header (line 1)");
}

TEST(PointsTest, MetricsReadTheStatisticsTreeAndTheOperators) {
  const Config cfg = test::reference_config({"workload.seq_len=64"});
  const RunResult r = simulate(cfg);
  StatGroup stats;
  report_run(r, cfg, stats);
  const std::vector<MeasuredPoint> p = points(
      "metric,value\nhybrid_ns,1\nlinears_summed.analog_only_ns,1\n"
      "op:linear_512x128:hybrid_span_ns,1\nop:linear/nothing:hybrid_span_ns,1\nmodel,1\n"
      "no.such_ns,1\n");
  EXPECT_DOUBLE_EQ(metric_value(p[0], r, stats), ps_to_ns(r.hybrid));
  EXPECT_DOUBLE_EQ(metric_value(p[1], r, stats), ps_to_ns(r.linear_analog_only));
  EXPECT_DOUBLE_EQ(metric_value(p[2], r, stats), ps_to_ns(r.ops.front().hybrid));
  EXPECT_NE(error_of([&] {
              metric_value(p[3], r, stats);
            }).find("p.csv:5: column 1 (metric): no operator 'linear/nothing' in the run"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              metric_value(p[4], r, stats);
            }).find("p.csv:6: column 1 (metric): statistic 'model' is not a number"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              metric_value(p[5], r, stats);
            }).find("p.csv:7: column 1 (metric): no statistic 'no.such_ns' in summary.json"),
            std::string::npos);
}

}  // namespace
}  // namespace aimcsim
