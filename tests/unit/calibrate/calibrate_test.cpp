#include "sim/calibrate/calibrate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "platform/embedded_config.hpp"
#include "sim/report/report.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;

// The embedded default job on the cores-only cluster the points were generated on.
const Config::Source kDefault{"embedded default config",
                              std::string(embedded_default_config()) +
                                  "\n# the cores-only cluster\npmca:\n  preset: snitch-cores\n"};

// Kernel points measured on a cluster whose keys are `truth`: the cycles `aimcsim kernel` prints
// there, one CSV row per shape.
std::string kernel_csv(const std::vector<std::string>& truth) {
  std::vector<std::string> overrides = {"pmca.preset=snitch-cores"};
  overrides.insert(overrides.end(), truth.begin(), truth.end());
  const PmcaParams p = PmcaParams::from(test::default_config(overrides));
  const std::vector<KernelShape> shapes{
      {"gemm", {{"m", 64}, {"n", 64}, {"k", 64}}}, {"gemm", {{"m", 128}, {"n", 8}, {"k", 512}}},
      {"gemm", {{"m", 32}, {"n", 128}, {"k", 8}}}, {"softmax", {{"rows", 320}, {"cols", 320}}},
      {"softmax", {{"rows", 64}, {"cols", 128}}},
  };
  std::string csv = "kernel,m,n,k,rows,cols,cycles\n";
  for (const KernelShape& s : shapes) {
    const auto o = [&](const char* name) {
      const auto it = s.options.find(name);
      return it == s.options.end() ? std::string() : std::to_string(it->second);
    };
    csv += s.kernel + "," + o("m") + "," + o("n") + "," + o("k") + "," + o("rows") + "," +
           o("cols") + "," + std::to_string(kernel_cycles(p, s)) + "\n";
  }
  return csv;
}

CalibrationInput input(const std::string& csv, const std::vector<std::string>& fits,
                       std::vector<Config::Source> base = {kDefault}) {
  CalibrationInput in;
  in.base = std::move(base);
  in.points = read_points(test::schema(), CsvTable::parse(csv, "points.csv"));
  const Config cfg = Config::load(test::schema(), in.base, {});
  for (const std::string& f : fits) in.params.push_back(parse_fit(test::schema(), cfg, f));
  return in;
}

TEST(CalibrateTest, AConstantOffsetIsTheLaunchCycles) {
  // gemm 64 x 64 x 64 on the defaults: 8 rows per core x 32 lane groups x 64 = 16384 SIMD FMAs,
  // ceil(16384 / 0.9 + 8 nests x 10 + 80 launch + 20 barrier) = ceil(18384.44) = 18385 cycles.
  // Measured 40 cycles more, with the integer launch cycles free: launch 120, exactly.
  const Calibration c =
      calibrate(test::schema(),
                input("kernel,m,n,k,cycles\ngemm,64,64,64,18425\n", {"pmca.kernel_launch_cycles"}));
  ASSERT_EQ(c.params.size(), 1u);
  EXPECT_EQ(c.params[0].fitted_text, "120");
  EXPECT_EQ(c.params[0].start_text, "80");
  EXPECT_DOUBLE_EQ(c.points[0].before, 18385);
  EXPECT_DOUBLE_EQ(c.points[0].after, 18425);
  EXPECT_NEAR(c.rms_before, 40.0 / 18425, 1e-12);
  EXPECT_EQ(c.rms_after, 0);
  EXPECT_EQ(c.layer_yaml().substr(c.layer_yaml().find('\n') + 1),
            "pmca:\n  kernel_launch_cycles: 120\n");
}

TEST(CalibrateTest, RecoversFpuUtilAndLaunchCyclesFromGemmAndSoftmaxCycles) {
  // Points from pmca.fpu_util = 0.8 and launch 120, fitted from the defaults 0.9 and 80.
  // Measured cycles are whole (the ceiling of the cycle sum), so the points pin the keys down
  // only to within a cycle of every point: one launch cycle can be traded for a little
  // fpu_util. Tolerance: fpu_util within 0.001, launch within 2 cycles, every point within
  // 2 cycles after the fit.
  const Calibration c = calibrate(
      test::schema(), input(kernel_csv({"pmca.fpu_util=0.8", "pmca.kernel_launch_cycles=120"}),
                            {"pmca.fpu_util", "pmca.kernel_launch_cycles"}));
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_TRUE(c.converged) << c.solver;
  EXPECT_NEAR(c.params[0].fitted, 0.8, 1e-3);
  EXPECT_NEAR(c.params[1].fitted, 120, 2);
  EXPECT_EQ(c.params[1].fitted, std::round(c.params[1].fitted));  // an integer key stays whole
  EXPECT_GT(c.rms_before, 0.1);  // 0.9 and 80 are about 11 % fast on every point
  for (const PointFit& p : c.points) EXPECT_NEAR(p.after, p.point.measured, 2) << p.point.where;
  EXPECT_LT(c.rms_after, 1e-4);

  // The layer loads over the default and gives back exactly the fitted values.
  const Config fitted =
      Config::load(test::schema(), {kDefault, {"fitted.yaml", c.layer_yaml()}}, {});
  EXPECT_EQ(fitted.real("pmca.fpu_util"), c.params[0].fitted);
  EXPECT_EQ(fitted.integer("pmca.kernel_launch_cycles"), c.params[1].fitted);
  // And the model there is the "after" column.
  const PmcaParams p = PmcaParams::from(fitted);
  for (const PointFit& f : c.points)
    EXPECT_EQ(kernel_cycles(p, f.point.shape), f.after) << f.point.where;
}

TEST(CalibrateTest, BoundsHoldTheFitInside) {
  // The points want fpu_util 0.8; bounded to [0.85, 1] the fit ends on the bound.
  const Calibration c = calibrate(
      test::schema(), input(kernel_csv({"pmca.fpu_util=0.8"}), {"pmca.fpu_util=0.9:0.85:1"}));
  EXPECT_NEAR(c.params[0].fitted, 0.85, 1e-5);
  EXPECT_GE(c.params[0].fitted, 0.85);
  EXPECT_TRUE(c.params[0].at_bound);
}

TEST(CalibrateTest, RecoversFpuUtilAndIntegrationTimeFromRunLatencies) {
  // One 512 x 128 linear, sequential strategy: the analog-only latency depends on tile.t_int
  // only, the hybrid one on it and on the PMCA. Points from fpu_util 0.7 and t_int 200ns at three
  // workload sizes; fitted from 0.9 and 128ns. Tolerance: 0.1 % on each key.
  const std::string base_yaml =
      "workload: {model: 'linear:512x128', seq_len: 64}\n"
      "pipeline: {strategy: sequential, chunk_tokens: 16}\n";
  std::string csv = "overrides,metric,value\n";
  for (const char* ov :
       {"workload.seq_len=64", "workload.seq_len=128", "pipeline.chunk_tokens=8"}) {
    const Config cfg = test::load_config(base_yaml, {ov, "pmca.fpu_util=0.7", "tile.t_int=200ns"});
    const RunResult r = simulate(cfg);
    csv += std::string(ov) + ",hybrid_ns," + std::to_string(ps_to_ns(r.hybrid)) + "\n";
    csv += std::string(ov) + ",analog_only_ns," + std::to_string(ps_to_ns(r.analog_only)) + "\n";
  }
  const CalibrationInput in =
      input(csv, {"pmca.fpu_util", "tile.t_int"}, {{"base.yaml", base_yaml}});
  const Calibration c = calibrate(test::schema(), in);
  EXPECT_TRUE(c.converged) << c.solver;
  EXPECT_NEAR(c.params[0].fitted, 0.7, 0.7e-3);
  EXPECT_NEAR(c.params[1].fitted, 200, 0.2);
  EXPECT_EQ(c.params[1].fitted_text.substr(c.params[1].fitted_text.size() - 2), "ns");
  EXPECT_GT(c.simulations, 3u);
  EXPECT_LT(c.rms_after, 1e-4);
  // `aimcsim run base.yaml fitted.yaml -p OVERRIDE` gives the "after" column.
  const Config fitted =
      Config::load(test::schema(), {{"base.yaml", base_yaml}, {"fitted.yaml", c.layer_yaml()}},
                   {"workload.seq_len=128"});
  EXPECT_DOUBLE_EQ(ps_to_ns(simulate(fitted).hybrid), c.points[2].after);
}

TEST(CalibrateTest, BadInputIsNamed) {
  const std::string csv = kernel_csv({});
  EXPECT_EQ(error_of([&] {
              calibrate(test::schema(), input("kernel,m,n,k,cycles\ngemm,64,64,64,18425\n",
                                              {"pmca.fpu_util", "pmca.kernel_launch_cycles"}));
            }),
            "calibrate: 1 point(s) cannot determine 2 keys; give at least as many points as --fit "
            "keys");
  EXPECT_EQ(error_of([&] { calibrate(test::schema(), input(csv, {"tile.t_int"})); }),
            "--fit tile.t_int: no point depends on it: changing it by 1.28ns from 128ns changes "
            "no simulated value (kernel points depend on pmca.* keys only)");
  EXPECT_EQ(error_of([&] {
              calibrate(test::schema(),
                        input("kernel,m,n,k,overrides,cycles\ngemm,8,8,8,pmca.fpu_util=0.5,100\n",
                              {"pmca.fpu_util"}));
            }),
            "points.csv:2: column 5 (overrides): pmca.fpu_util=0.5 sets pmca.fpu_util, which is "
            "fitted (--fit pmca.fpu_util); drop one");
  // A, B and C of a 512 x 512 x 512 GEMM: 3 x 512 x 512 x 2 B = 1572864 B.
  EXPECT_EQ(error_of([&] {
              calibrate(test::schema(),
                        input("kernel,m,n,k,cycles\ngemm,512,512,512,100\n", {"pmca.fpu_util"}));
            }),
            "points.csv:2: kernel gemm: does not fit pmca.l1_size (131072 B) even when staged row "
            "by row (needs 1572864 B at once)");
}

}  // namespace
}  // namespace aimcsim
