#pragma once
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/calibrate/fit_param.hpp"
#include "sim/calibrate/points.hpp"

namespace aimcsim {

// What to calibrate: the base config (documents, then -p overrides), the keys to fit and the
// measured points, and how many evaluations of all the points the solver may make.
struct CalibrationInput {
  std::vector<Config::Source> base;
  std::vector<std::string> overrides;
  std::vector<FitParam> params;
  std::vector<MeasuredPoint> points;
  std::size_t max_evaluations = 200;
};

// A fitted key: its start and fitted values as config text (the fitted one as the layer writes
// it) and whether the fit ended on a bound.
struct FittedParam {
  FitParam param;
  double fitted = 0;
  std::string start_text, fitted_text;
  bool at_bound = false;
};

// A point with what the model gives for it at the start values and at the fitted ones.
struct PointFit {
  MeasuredPoint point;
  double before = 0, after = 0;
  double error_before() const { return (point.measured - before) / point.measured; }
  double error_after() const { return (point.measured - after) / point.measured; }
};

// The outcome of a calibration: the fitted keys, the points before and after, the RMS relative
// errors, and how the solver ended.
struct Calibration {
  std::vector<FittedParam> params;
  std::vector<PointFit> points;
  double rms_before = 0, rms_after = 0;
  std::string solver;  // how Levenberg-Marquardt ended, in words
  bool converged = false;
  bool refitted = false;  // the real keys were fitted again with the integer keys rounded
  std::size_t iterations = 0, evaluations = 0, simulations = 0;

  // The config layer with the fitted values, nested by section, for `aimcsim run BASE FITTED`.
  std::string layer_yaml() const;
  // One row per point: point,kind,what,measured,before,after,error_before,error_after.
  std::string residuals_csv() const;
  // The fitted keys, the residual table and the RMS errors, as `aimcsim calibrate` prints them.
  void print(std::ostream& os) const;
};

// Fits the keys to the points by least squares on the relative residuals
// (measured - simulated) / measured, with Levenberg-Marquardt (Eigen) and a Jacobian by central
// differences of 1 % of each key's value (at least 1 for integer keys). Bounds hold through a
// change of variables (sine for two bounds, square root for one). A kernel point is costed as
// `aimcsim kernel` costs it, a latency point by simulate() with the point's overrides. Integer
// keys are fitted as real numbers (the model interpolated linearly between the neighbouring
// integers); at the end each is rounded to whichever neighbouring integer fits the points best,
// the real keys are fitted again with them held, and written to six significant digits; the
// points are then evaluated once more with exactly the values the layer holds. Throws InputError
// for fewer points than keys, a key no point depends on, a point whose overrides set a fitted
// key, or a point the model cannot evaluate (naming the point's file and line).
Calibration calibrate(const Schema& schema, const CalibrationInput& input);

}  // namespace aimcsim
