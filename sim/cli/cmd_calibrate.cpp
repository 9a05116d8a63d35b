// `aimcsim calibrate`: fits config keys to measured kernel cycles and run latencies and writes
// the fitted values as a config layer.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/calibrate/calibrate.hpp"
#include "sim/cli/cli.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {
namespace {

struct CalibrateOptions {
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::vector<std::string> points;
  std::vector<std::string> fits;
  std::string output = "fitted.yaml";
  std::string residuals;
  std::size_t max_evaluations = 200;
};

Command::Action setup_calibrate(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "fit config keys to measured kernel cycles and latencies (least squares) and write the "
      "fitted values as a config layer");
  cmd->add_option("configs", o->configs,
                  "base YAML config files, merged in order (none: the embedded default)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--points", o->points,
                  "CSV of measured points (repeatable): kernel points (kernel, shape columns, "
                  "cycles) or latency points (overrides, metric, value)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--fit", o->fits,
                  "a numeric key to fit, KEY[=START][:LO:HI] (repeatable), e.g. --fit "
                  "pmca.fpu_util=0.8:0.5:1; START defaults to the base config's value, the "
                  "bounds to the key's range")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("-p,--param", o->overrides,
                  "override one key of the base config, KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", o->output, "the fitted config layer (YAML)")
      ->capture_default_str();
  cmd->add_option("--residuals", o->residuals,
                  "also write each point's measured, before, after and errors to this CSV");
  cmd->add_option("--max-evals", o->max_evaluations,
                  "at most this many evaluations of all the points per solver run")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  return [o] {
    const Schema schema = build_schema();
    CalibrationInput in;
    for (const std::string& path : o->points) {
      std::vector<MeasuredPoint> points = load_points(schema, path);
      in.points.insert(in.points.end(), points.begin(), points.end());
    }
    // Kernel points alone read the files over the embedded default, as `aimcsim kernel` does;
    // with latency points, as `aimcsim run` does.
    bool latency = false;
    for (const MeasuredPoint& p : in.points)
      latency = latency || p.kind == MeasuredPoint::Kind::Latency;
    in.base = run_config_documents(o->configs, !latency);
    in.overrides = o->overrides;
    const Config base = Config::load(schema, in.base, in.overrides);
    for (const std::string& spec : o->fits) in.params.push_back(parse_fit(schema, base, spec));
    in.max_evaluations = o->max_evaluations;

    const Calibration c = calibrate(schema, in);
    c.print(std::cout);
    write_file_atomic(o->output, c.layer_yaml());
    std::cout << fmt::format("wrote {}", o->output);
    if (!o->residuals.empty()) {
      write_file_atomic(o->residuals, c.residuals_csv());
      std::cout << fmt::format(" and {}", o->residuals);
    }
    std::cout << "\n";
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(calibrate, setup_calibrate);

}  // namespace aimcsim
