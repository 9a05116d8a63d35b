// Drives `aimcsim calibrate` as a user would: the example points of scripts/examples, the fitted
// layer loaded back by `aimcsim run`, and the exit status and messages of bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/support/process.hpp"
#include "tests/support/scratch_dir.hpp"

namespace aimcsim {
namespace {

using test::ProcessResult;
using test::run_aimcsim;

const std::string kExamples = std::string(AIMCSIM_SOURCE_DIR) + "/scripts/examples/";

class CalibrateCliTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_ / name; }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  test::ScratchDir dir_{"calibrate"};
};

// The field `column` (0-based) of the residuals row whose point is `point`.
std::string residual(const std::string& csv, const std::string& point, std::size_t column) {
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(point + ",", 0) != 0) continue;
    std::istringstream fields(line);
    std::string field;
    for (std::size_t c = 0; c <= column; ++c) std::getline(fields, field, ',');
    return field;
  }
  ADD_FAILURE() << "no row " << point << " in\n" << csv;
  return "";
}

TEST_F(CalibrateCliTest, ExamplePointsFitAndTheLayerReproducesTheAfterColumn) {
  // The example points were made with pmca.fpu_util 0.85, kernel_launch_cycles 100 and
  // tile.t_int 160ns, each measurement then off by up to 0.6 %: the fit lands near those values
  // (within 0.01, 10 cycles and 2 ns) with every point within 1 %.
  const std::string kernels = kExamples + "calibrate_kernels.csv",
                    latencies = kExamples + "calibrate_latencies.csv";
  const ProcessResult r =
      run_aimcsim("calibrate --points " + kernels + " --points " + latencies +
                  " --fit pmca.fpu_util --fit pmca.kernel_launch_cycles --fit tile.t_int -p "
                  "pmca.preset=snitch-cores -o " +
                  path("fitted.yaml") + " --residuals " + path("residuals.csv"));
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("RMS relative error: "), std::string::npos) << r.out;
  const std::string layer = test::file_text(path("fitted.yaml"));
  const std::string csv = test::file_text(path("residuals.csv"));
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "point,kind,what,measured,before,after,error_before,error_after");

  const auto value = [&](const std::string& key) {
    const auto at = layer.find("  " + key + ": ");
    EXPECT_NE(at, std::string::npos) << layer;
    return std::stod(layer.substr(at + key.size() + 4));
  };
  EXPECT_NEAR(value("fpu_util"), 0.85, 0.01);
  EXPECT_NEAR(value("kernel_launch_cycles"), 100, 10);
  EXPECT_NEAR(value("t_int"), 160, 2);  // written in ns, the unit of its start value 128ns
  EXPECT_NE(layer.find("t_int: "), std::string::npos);
  std::istringstream rows(csv);
  std::string row;
  std::getline(rows, row);
  while (std::getline(rows, row)) {
    const double error = std::stod(row.substr(row.rfind(',') + 1));
    EXPECT_LT(std::abs(error), 0.01) << row;
  }

  // Line 8 of the latencies: hybrid_ns of linear:512x128 over 64 tokens.
  const double after = std::stod(residual(csv, latencies + ":8", 5));
  const ProcessResult run = run_aimcsim("run " + path("fitted.yaml") +
                                        " -p workload.model=linear:512x128 -p workload.seq_len=64 "
                                        "-p pmca.preset=snitch-cores -q -o " +
                                        path("out"));
  ASSERT_EQ(run.status, 0) << run.output();
  const auto summary = nlohmann::json::parse(test::file_text(path("out") + "/summary.json"));
  EXPECT_DOUBLE_EQ(summary["hybrid_ns"].get<double>(), after);
}

TEST_F(CalibrateCliTest, BadPointsFilesExitTwoNamingFileLineAndColumn) {
  const std::string bad = write("bad.csv",
                                "kernel,rows,cols,cycles\nsoftmax,64,128,7133\n"
                                "softmax,320,320,fast\n");
  ProcessResult r =
      run_aimcsim("calibrate --points " + bad + " --fit pmca.fpu_util -o " + path("fitted.yaml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(bad + ":3: column 4 (cycles): 'fast' is not a number > 0"),
            std::string::npos)
      << r.output();
  EXPECT_FALSE(std::filesystem::exists(path("fitted.yaml")));  // nothing written on bad input

  const std::string unknown = write("unknown.csv", "kernel,m,n,k,cycles\nmatmul,8,8,8,190\n");
  r = run_aimcsim("calibrate --points " + unknown + " --fit pmca.fpu_util -o " +
                  path("fitted.yaml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(unknown + ":2: column 1 (kernel): unknown kernel 'matmul'"),
            std::string::npos)
      << r.output();

  const std::string missing = write("missing.csv", "overrides,metric\n,hybrid_ns\n");
  r = run_aimcsim("calibrate --points " + missing + " --fit pmca.fpu_util");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(missing + ":1: no 'value' column"), std::string::npos) << r.output();

  const std::string key = write("key.csv", "overrides,metric,value\ntile.t_intt=1ns,hybrid_ns,5\n");
  r = run_aimcsim("calibrate --points " + key + " --fit pmca.fpu_util");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(key + ":2: column 1 (overrides): tile.t_intt: unknown key"),
            std::string::npos)
      << r.output();
}

TEST_F(CalibrateCliTest, BadFitKeysExitTwoNamingTheKey) {
  const std::string points = kExamples + "calibrate_kernels.csv";
  ProcessResult r =
      run_aimcsim("calibrate --points " + points + " --fit pmca.engine -o " + path("fitted.yaml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--fit pmca.engine: pmca.engine is a choice key"), std::string::npos)
      << r.output();
  r = run_aimcsim("calibrate --points " + points + " --fit pmca.fpu_utl");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--fit pmca.fpu_utl: pmca.fpu_utl: unknown key"), std::string::npos)
      << r.output();
  r = run_aimcsim("calibrate --points " + points + " --fit tile.t_int");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--fit tile.t_int: no point depends on it"), std::string::npos)
      << r.output();
  EXPECT_EQ(run_aimcsim("calibrate --points " + points).status, 2);  // --fit is required
  EXPECT_FALSE(std::filesystem::exists(path("fitted.yaml")));
}

}  // namespace
}  // namespace aimcsim
