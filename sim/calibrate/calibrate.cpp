#include "sim/calibrate/calibrate.hpp"

#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <unsupported/Eigen/LevenbergMarquardt>

#include "sim/base/csv.hpp"
#include "sim/base/error.hpp"
#include "sim/report/report.hpp"

namespace aimcsim {
namespace {

// Relative step of the central differences, and the nudge off a bound a start value gets (the
// change of variables has no slope on the bound itself).
constexpr double kStep = 0.01;
constexpr double kNudge = 1e-3;

// "key=value, ..." with the values as the layer would write them, for messages.
std::string assignments(const std::vector<FitParam>& params,
                        const std::vector<std::string>& texts) {
  std::string out;
  for (std::size_t j = 0; j < params.size(); ++j) {
    const FitParam& p = params[j];
    const double v =
        p.kind == ParamKind::Quantity ? parse_quantity(texts[j], p.dim) : std::stod(texts[j]);
    out += fmt::format("{}{}={}", j ? ", " : "", p.key, p.text(v));
  }
  return out;
}

// A config error about one of a point's overrides, without the "-p KEY=VALUE: " that
// Config::load puts before it (the point's column is named instead).
std::string without_origin(const std::string& msg, const std::vector<std::string>& overrides) {
  for (const std::string& ov : overrides) {
    const std::string origin = "-p " + ov + ": ";
    if (msg.rfind(origin, 0) == 0) return msg.substr(origin.size());
  }
  return msg;
}

// Every point's simulated value for config texts of the fitted keys. The points are grouped by
// their overrides: one config per group, one simulation per group with latency points. Results
// are kept by the texts, so the solver revisiting a point costs nothing.
class PointModel {
 public:
  PointModel(const Schema& schema, const CalibrationInput& in) : schema_(schema), in_(in) {
    for (const FitParam& p : in.params) start_.push_back(p.exact_text(p.start));
    for (std::size_t i = 0; i < in.points.size(); ++i) {
      const MeasuredPoint& p = in.points[i];
      auto g = std::find_if(groups_.begin(), groups_.end(),
                            [&](const Group& x) { return x.overrides == p.overrides; });
      if (g == groups_.end()) g = groups_.insert(groups_.end(), Group{p.overrides, {}, false});
      g->points.push_back(i);
      g->latency = g->latency || p.kind == MeasuredPoint::Kind::Latency;
    }
  }

  const std::vector<double>& values(const std::vector<std::string>& texts) {
    const auto hit = cache_.find(texts);
    if (hit != cache_.end()) return hit->second;
    std::vector<double> out(in_.points.size());
    for (const Group& g : groups_) evaluate(g, texts, out);
    return cache_.emplace(texts, std::move(out)).first->second;
  }
  std::size_t simulations() const { return simulations_; }

 private:
  struct Group {
    std::vector<std::string> overrides;
    std::vector<std::size_t> points;
    bool latency = false;
  };

  void evaluate(const Group& g, const std::vector<std::string>& texts, std::vector<double>& out) {
    const MeasuredPoint& first = in_.points[g.points.front()];
    // Away from the start values, errors say where the solver was.
    const std::string at = texts == start_ ? "" : " (with " + assignments(in_.params, texts) + ")";
    std::vector<std::string> overrides = in_.overrides;
    overrides.insert(overrides.end(), g.overrides.begin(), g.overrides.end());
    for (std::size_t j = 0; j < in_.params.size(); ++j)
      overrides.push_back(in_.params[j].key + "=" + texts[j]);
    Config cfg;
    PmcaParams pmca;
    try {
      cfg = Config::load(schema_, in_.base, overrides);
      pmca = PmcaParams::from(cfg);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}{}",
                                   g.overrides.empty() ? first.where : first.overrides_where,
                                   without_origin(e.what(), g.overrides), at));
    }
    std::optional<RunResult> run;
    StatGroup stats;
    if (g.latency) {
      try {
        run = simulate(cfg);
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}{}", first.where, e.what(), at));
      }
      ++simulations_;
      report_run(*run, cfg, stats);
    }
    for (std::size_t i : g.points) {
      const MeasuredPoint& p = in_.points[i];
      try {
        out[i] = p.kind == MeasuredPoint::Kind::Kernel
                     ? static_cast<double>(kernel_cycles(pmca, p.shape))
                     : metric_value(p, *run, stats);
      } catch (const InputError& e) {
        const std::string msg = e.what();
        // metric_value names the point's column already.
        throw InputError(msg.rfind(p.where, 0) == 0 ? msg + at
                                                    : fmt::format("{}: {}{}", p.where, msg, at));
      }
    }
  }

  const Schema& schema_;
  const CalibrationInput& in_;
  std::vector<Group> groups_;
  std::vector<std::string> start_;  // the fitted keys' start values as config text
  std::map<std::vector<std::string>, std::vector<double>> cache_;
  std::size_t simulations_ = 0;
};

// A key's value x from an unbounded solver variable u, keeping x within [lo, hi]: a sine for two
// bounds, a square root for one (as MINUIT and lmfit do), a scaling for none.
struct Transform {
  double lo, hi, scale;

  double x(double u) const {
    double v;
    if (std::isfinite(lo) && std::isfinite(hi))
      v = lo + (hi - lo) * (1 + std::sin(u)) / 2;
    else if (std::isfinite(lo))
      v = lo + scale * (std::sqrt(u * u + 1) - 1);
    else if (std::isfinite(hi))
      v = hi - scale * (std::sqrt(u * u + 1) - 1);
    else
      v = scale * u;
    return std::clamp(v, lo, hi);
  }
  double u(double x) const {
    if (std::isfinite(lo) && std::isfinite(hi))
      return std::asin(std::clamp(2 * (x - lo) / (hi - lo) - 1, -1.0, 1.0));
    if (std::isfinite(lo)) return std::sqrt(std::pow((x - lo) / scale + 1, 2) - 1);
    if (std::isfinite(hi)) return std::sqrt(std::pow((hi - x) / scale + 1, 2) - 1);
    return x / scale;
  }
  double dx_du(double u) const {
    if (std::isfinite(lo) && std::isfinite(hi)) return (hi - lo) / 2 * std::cos(u);
    if (std::isfinite(lo)) return scale * u / std::sqrt(u * u + 1);
    if (std::isfinite(hi)) return -scale * u / std::sqrt(u * u + 1);
    return scale;
  }
};

// The relative residuals of every point as a function of the keys' values, with integer keys
// interpolated linearly between the neighbouring integers, and their Jacobian by central
// differences.
class Fit {
 public:
  Fit(PointModel& model, const CalibrationInput& in) : model_(model), in_(in) {}

  std::vector<double> simulated(const std::vector<double>& x) {
    std::vector<std::size_t> fractional;
    std::vector<std::string> texts(x.size());
    for (std::size_t j = 0; j < x.size(); ++j) {
      texts[j] = in_.params[j].exact_text(x[j]);
      if (in_.params[j].integer && std::abs(x[j] - std::round(x[j])) > 1e-9)
        fractional.push_back(j);
    }
    std::vector<double> sum(in_.points.size(), 0.0);
    for (std::size_t corner = 0; corner < (std::size_t{1} << fractional.size()); ++corner) {
      double weight = 1;
      for (std::size_t b = 0; b < fractional.size(); ++b) {
        const std::size_t j = fractional[b];
        const double below = std::floor(x[j]), t = x[j] - below;
        const bool up = (corner >> b) & 1;
        weight *= up ? t : 1 - t;
        texts[j] = in_.params[j].exact_text(up ? below + 1 : below);
      }
      const std::vector<double>& v = model_.values(texts);
      for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += weight * v[i];
    }
    return sum;
  }

  Eigen::VectorXd residuals(const std::vector<double>& x) {
    const std::vector<double> s = simulated(x);
    Eigen::VectorXd r(static_cast<Eigen::Index>(s.size()));
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double m = in_.points[i].measured;
      r[static_cast<Eigen::Index>(i)] = (m - s[i]) / m;
    }
    return r;
  }

  // The central-difference step of key j at x: 1 % of its value (of its start value when that
  // is larger), at least 1 for integer keys.
  double step(std::size_t j, double x) const {
    const FitParam& p = in_.params[j];
    double typical = std::max(std::abs(x), std::abs(p.start));
    if (typical == 0) typical = 1;
    const double h = kStep * typical;
    return p.integer ? std::max(1.0, h) : h;
  }

  // Columns for the keys `free` (indices into x), in that order.
  Eigen::MatrixXd jacobian(const std::vector<double>& x, const std::vector<std::size_t>& free) {
    const auto m = static_cast<Eigen::Index>(in_.points.size());
    Eigen::MatrixXd jac(m, static_cast<Eigen::Index>(free.size()));
    for (std::size_t c = 0; c < free.size(); ++c) {
      const std::size_t j = free[c];
      const double h = step(j, x[j]);
      std::vector<double> up = x, down = x;
      up[j] = std::min(x[j] + h, in_.params[j].hi);
      down[j] = std::max(x[j] - h, in_.params[j].lo);
      const auto col = static_cast<Eigen::Index>(c);
      if (up[j] <= down[j]) {
        jac.col(col).setZero();
        continue;
      }
      jac.col(col) = (residuals(up) - residuals(down)) / (up[j] - down[j]);
    }
    return jac;
  }

 private:
  PointModel& model_;
  const CalibrationInput& in_;
};

// The residuals and their Jacobian in the solver's variables (one per free key; the other keys
// stay at their values in `x`), for Eigen's Levenberg-Marquardt.
struct Residuals : Eigen::DenseFunctor<double> {
  Residuals(Fit& fit, const std::vector<Transform>& t, std::vector<double> x,
            std::vector<std::size_t> free, int points)
      : Eigen::DenseFunctor<double>(static_cast<int>(free.size()), points),
        fit_(fit),
        t_(t),
        x_(std::move(x)),
        free_(std::move(free)) {}

  std::vector<double> x_of(const Eigen::VectorXd& u) const {
    std::vector<double> x = x_;
    for (std::size_t c = 0; c < free_.size(); ++c)
      x[free_[c]] = t_[free_[c]].x(u[static_cast<Eigen::Index>(c)]);
    return x;
  }
  int operator()(const Eigen::VectorXd& u, Eigen::VectorXd& f) const {
    f = fit_.residuals(x_of(u));
    return 0;
  }
  int df(const Eigen::VectorXd& u, Eigen::MatrixXd& jac) const {
    jac = fit_.jacobian(x_of(u), free_);
    for (std::size_t c = 0; c < free_.size(); ++c) {
      const auto col = static_cast<Eigen::Index>(c);
      jac.col(col) *= t_[free_[c]].dx_du(u[col]);
    }
    return 2 * inputs();  // evaluations made, counted by the solver against its limit
  }

 private:
  Fit& fit_;
  const std::vector<Transform>& t_;
  std::vector<double> x_;
  std::vector<std::size_t> free_;
};

std::string solver_outcome(Eigen::LevenbergMarquardtSpace::Status s, bool& converged) {
  using namespace Eigen::LevenbergMarquardtSpace;
  converged = true;
  switch (s) {
    case RelativeReductionTooSmall:
      return "converged: the sum of squares no longer decreases (relative reduction below ftol)";
    case RelativeErrorTooSmall:
      return "converged: the keys no longer change (relative step below xtol)";
    case RelativeErrorAndReductionTooSmall:
      return "converged: neither the sum of squares nor the keys change any more";
    case CosinusTooSmall:
      return "converged: the residuals are orthogonal to the Jacobian";
    default:
      break;
  }
  converged = false;
  switch (s) {
    case TooManyFunctionEvaluation:
      return "stopped: the evaluation limit (--max-evals) was reached";
    case FtolTooSmall:
    case XtolTooSmall:
    case GtolTooSmall:
      return "stopped: no further improvement possible at the solver's tolerances";
    default:
      return "stopped: the Jacobian could not be factored";
  }
}

double rms(const std::vector<PointFit>& points, bool after) {
  double sum = 0;
  for (const PointFit& p : points) sum += std::pow(after ? p.error_after() : p.error_before(), 2);
  return std::sqrt(sum / static_cast<double>(points.size()));
}

void check_input(const CalibrationInput& in) {
  if (in.params.empty()) throw InputError("calibrate: no key to fit; give --fit KEY (repeatable)");
  if (in.points.size() < in.params.size())
    throw InputError(
        fmt::format("calibrate: {} point(s) cannot determine {} keys; give at least "
                    "as many points as --fit keys",
                    in.points.size(), in.params.size()));
  for (std::size_t j = 0; j < in.params.size(); ++j) {
    const std::string& key = in.params[j].key;
    for (std::size_t k = 0; k < j; ++k)
      if (in.params[k].key == key) throw InputError("--fit " + key + ": the key is given twice");
    const auto sets = [&](const std::string& ov) { return ov.rfind(key + "=", 0) == 0; };
    for (const std::string& ov : in.overrides)
      if (sets(ov))
        throw InputError(fmt::format("-p {}: {} is fitted (--fit {}); drop one", ov, key, key));
    for (const MeasuredPoint& p : in.points)
      for (const std::string& ov : p.overrides)
        if (sets(ov))
          throw InputError(fmt::format("{}: {} sets {}, which is fitted (--fit {}); drop one",
                                       p.overrides_where, ov, key, key));
  }
}

// The nearest value inside the bounds whose solver variable has a slope.
double off_bounds(const FitParam& p, double x) {
  const double width = std::isfinite(p.hi - p.lo) ? p.hi - p.lo : std::max(std::abs(x), 1.0);
  const double nudge = kNudge * width;
  if (std::isfinite(p.lo) && x <= p.lo) return p.lo + nudge;
  if (std::isfinite(p.hi) && x >= p.hi) return p.hi - nudge;
  return x;
}

double value_of(const FitParam& p, const std::string& text) {
  return p.kind == ParamKind::Quantity ? parse_quantity(text, p.dim) : std::stod(text);
}

double sum_squares(const CalibrationInput& in, const std::vector<double>& simulated) {
  double sum = 0;
  for (std::size_t i = 0; i < simulated.size(); ++i)
    sum += std::pow((in.points[i].measured - simulated[i]) / in.points[i].measured, 2);
  return sum;
}

// The layer's text of every key at the continuous optimum x: reals to six digits (the exact text
// when rounding would leave the bounds), and for integer keys the combination of the
// neighbouring integers that fits the points best.
std::vector<std::string> rounded(const CalibrationInput& in, PointModel& model,
                                 const std::vector<double>& x) {
  std::vector<std::string> texts(x.size());
  std::vector<std::size_t> choices;
  for (std::size_t j = 0; j < x.size(); ++j) {
    const FitParam& p = in.params[j];
    texts[j] = p.text(x[j]);
    if (!p.integer) {
      const double v = value_of(p, texts[j]);
      if (v < p.lo || v > p.hi) texts[j] = p.exact_text(x[j]);
    } else if (std::abs(x[j] - std::round(x[j])) > 1e-6 && choices.size() < 8) {
      choices.push_back(j);
    }
  }
  std::vector<std::string> best = texts;
  double best_sum = std::numeric_limits<double>::infinity();
  for (std::size_t corner = 0; corner < (std::size_t{1} << choices.size()); ++corner) {
    for (std::size_t b = 0; b < choices.size(); ++b) {
      const std::size_t j = choices[b];
      const double v = ((corner >> b) & 1) ? std::ceil(x[j]) : std::floor(x[j]);
      texts[j] = in.params[j].text(std::clamp(v, in.params[j].lo, in.params[j].hi));
    }
    const double sum = sum_squares(in, model.values(texts));
    if (sum < best_sum) {
      best_sum = sum;
      best = texts;
    }
  }
  return best;
}

struct Solve {
  std::vector<double> x;
  std::string outcome;
  bool converged = false;
};

// One Levenberg-Marquardt run over the keys `free` from x (the others held); adds its iterations
// and evaluations to `c`.
Solve solve(Fit& fit, const std::vector<Transform>& t, const std::vector<double>& x,
            const std::vector<std::size_t>& free, const CalibrationInput& in, Calibration& c) {
  Eigen::VectorXd u(static_cast<Eigen::Index>(free.size()));
  for (std::size_t k = 0; k < free.size(); ++k)
    u[static_cast<Eigen::Index>(k)] = t[free[k]].u(x[free[k]]);
  Residuals functor(fit, t, x, free, static_cast<int>(in.points.size()));
  Eigen::LevenbergMarquardt<Residuals> lm(functor);
  lm.setMaxfev(static_cast<Eigen::Index>(in.max_evaluations));
  Solve s;
  s.outcome = solver_outcome(lm.minimize(u), s.converged);
  c.iterations += static_cast<std::size_t>(lm.iterations());
  c.evaluations += static_cast<std::size_t>(lm.nfev());
  s.x = functor.x_of(u);
  return s;
}

}  // namespace

Calibration calibrate(const Schema& schema, const CalibrationInput& in) {
  check_input(in);
  PointModel model(schema, in);
  Fit fit(model, in);
  const std::size_t n = in.params.size();

  std::vector<double> start(n);
  std::vector<Transform> transforms;
  std::vector<std::size_t> all, reals;
  for (std::size_t j = 0; j < n; ++j) {
    const FitParam& p = in.params[j];
    start[j] = p.start;
    transforms.push_back({p.lo, p.hi, p.start != 0 ? std::abs(p.start) : 1.0});
    all.push_back(j);
    if (!p.integer) reals.push_back(j);
  }
  const std::vector<double> before = fit.simulated(start);

  // Every key must move some point; the solver starts off the bounds, where it has a slope.
  std::vector<double> x0(n);
  for (std::size_t j = 0; j < n; ++j) x0[j] = off_bounds(in.params[j], start[j]);
  const Eigen::MatrixXd jac0 = fit.jacobian(x0, all);
  bool kernels_only = true;
  for (const MeasuredPoint& p : in.points)
    kernels_only = kernels_only && p.kind == MeasuredPoint::Kind::Kernel;
  for (std::size_t j = 0; j < n; ++j)
    if (jac0.col(static_cast<Eigen::Index>(j)).isZero(0)) {
      const FitParam& p = in.params[j];
      throw InputError(fmt::format(
          "--fit {}: no point depends on it: changing it by {} from {} changes no simulated "
          "value{}",
          p.key, p.text(fit.step(j, x0[j])), p.text(x0[j]),
          kernels_only ? " (kernel points depend on pmca.* keys only)" : ""));
    }

  Calibration c;
  std::vector<double> x = start;
  if (fit.residuals(start).isZero(0)) {
    c.solver = "not needed: the start values reproduce every point";
    c.converged = true;
  } else {
    const Solve s = solve(fit, transforms, x0, all, in, c);
    c.solver = s.outcome;
    c.converged = s.converged;
    x = s.x;
  }
  std::vector<std::string> texts = rounded(in, model, x);

  // With the integer keys rounded, the real keys are fitted again around them.
  bool fractional = false;
  for (std::size_t j = 0; j < n; ++j)
    fractional = fractional || (in.params[j].integer && value_of(in.params[j], texts[j]) != x[j]);
  if (fractional && !reals.empty()) {
    std::vector<double> held = x;
    for (std::size_t j = 0; j < n; ++j)
      held[j] =
          in.params[j].integer ? value_of(in.params[j], texts[j]) : off_bounds(in.params[j], x[j]);
    const Solve s = solve(fit, transforms, held, reals, in, c);
    const std::vector<std::string> refitted = rounded(in, model, s.x);
    if (sum_squares(in, model.values(refitted)) <= sum_squares(in, model.values(texts))) {
      texts = refitted;
      c.refitted = true;
    }
  }

  const std::vector<double> after = model.values(texts);
  for (std::size_t j = 0; j < n; ++j) {
    const FitParam& p = in.params[j];
    FittedParam f{p, value_of(p, texts[j]), p.text(p.start), texts[j], false};
    // Within 0.01 %: the bounded transform only approaches a bound.
    const auto near = [&](double bound) {
      return std::abs(f.fitted - bound) <= 1e-4 * std::max(std::abs(f.fitted), std::abs(bound));
    };
    f.at_bound = near(p.lo) || near(p.hi);
    c.params.push_back(f);
  }
  for (std::size_t i = 0; i < in.points.size(); ++i)
    c.points.push_back({in.points[i], before[i], after[i]});
  c.rms_before = rms(c.points, false);
  c.rms_after = rms(c.points, true);
  c.simulations = model.simulations();
  return c;
}

std::string Calibration::layer_yaml() const {
  // Nested sections in the order the keys were given.
  std::vector<std::pair<std::string, std::string>> key_values;
  for (const FittedParam& f : params) key_values.emplace_back(f.param.key, f.fitted_text);
  const std::string yaml = nested_yaml(key_values);
  return fmt::format(
      "# aimcsim calibrate: {} key(s) fitted to {} point(s); RMS relative error {:.3f} % before, "
      "{:.3f} % after\n{}\n",
      params.size(), points.size(), 100 * rms_before, 100 * rms_after, yaml);
}

std::string Calibration::residuals_csv() const {
  std::string out = "point,kind,what,measured,before,after,error_before,error_after\n";
  for (const PointFit& p : points)
    out += fmt::format("{},{},{},{:.10g},{:.10g},{:.10g},{:.6g},{:.6g}\n", p.point.where,
                       p.point.kind == MeasuredPoint::Kind::Kernel ? "kernel" : "latency",
                       csv_field(p.point.label()), p.point.measured, p.before, p.after,
                       p.error_before(), p.error_after());
  return out;
}

void Calibration::print(std::ostream& os) const {
  os << fmt::format("calibrate: {} key(s) fitted to {} point(s); Levenberg-Marquardt {}",
                    params.size(), points.size(), solver);
  if (evaluations)
    os << fmt::format(" after {} iterations, {} evaluations", iterations, evaluations);
  if (simulations) os << fmt::format(", {} simulations", simulations);
  if (refitted) os << "; the real keys refitted with the integer keys rounded";
  os << "\n\n";
  std::size_t key_w = 3, start_w = 5, fitted_w = 6;
  for (const FittedParam& f : params) {
    key_w = std::max(key_w, f.param.key.size());
    start_w = std::max(start_w, f.start_text.size());
    fitted_w = std::max(fitted_w, f.fitted_text.size());
  }
  os << fmt::format("{:<{}}  {:>{}}  {:>{}}  {}\n", "key", key_w, "start", start_w, "fitted",
                    fitted_w, "bounds");
  for (const FittedParam& f : params)
    os << fmt::format("{:<{}}  {:>{}}  {:>{}}  {}{}{}\n", f.param.key, key_w, f.start_text, start_w,
                      f.fitted_text, fitted_w, f.param.bounds_text,
                      f.param.integer ? ", integer (rounded)" : "",
                      f.at_bound ? ", at a bound" : "");
  std::size_t point_w = 5;
  for (const PointFit& p : points) point_w = std::max(point_w, p.point.where.size());
  os << fmt::format("\n{:<{}}  {:>12}  {:>12}  {:>12}  {:>12}  {:>11}  {}\n", "point", point_w,
                    "measured", "before", "after", "error before", "error after", "what");
  for (const PointFit& p : points)
    os << fmt::format("{:<{}}  {:>12.10g}  {:>12.10g}  {:>12.10g}  {:>+10.3f} %  {:>+9.3f} %  {}\n",
                      p.point.where, point_w, p.point.measured, p.before, p.after,
                      100 * p.error_before(), 100 * p.error_after(), p.point.label());
  os << fmt::format("\nRMS relative error: {:.3f} % before, {:.3f} % after\n", 100 * rms_before,
                    100 * rms_after);
}

}  // namespace aimcsim
