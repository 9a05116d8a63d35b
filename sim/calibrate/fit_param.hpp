#pragma once
#include <string>

#include "sim/base/config.hpp"

namespace aimcsim {

// A config key `aimcsim calibrate` fits: a numeric key (integer, real or quantity) with its start
// value and bounds in the key's canonical unit (ns, Hz, B/s, B, pJ, mW) and the unit its fitted
// value is written in. Simplification: an integer key is fitted as a real number, the model
// interpolated linearly between the neighbouring integers, and rounded at the end.
struct FitParam {
  std::string key;
  ParamKind kind = ParamKind::Real;
  Dimension dim = Dimension::Time;
  bool integer = false;
  double start = 0, lo = 0, hi = 0;
  std::string unit;         // quantities: the unit of the start value as written, e.g. "GHz"
  double unit_scale = 1;    // canonical units per `unit`
  std::string bounds_text;  // "[0.01, 1]" in the key's unit

  // The value as config text, every digit kept (integers must be whole), for the model.
  std::string exact_text(double value) const;
  // The value as the fitted layer writes it: six significant digits in `unit`, integers whole.
  std::string text(double value) const;
};

// Parses one `--fit KEY[=START][:LO:HI]`: START, LO and HI are written as the key's values are
// (quantities with a unit); without START the key's value in `base` is the start; an empty or
// missing bound is the key's own range limit. Throws InputError naming the --fit text for an
// unknown key, a key that is not numeric, a bad number or bounds outside the key's range.
FitParam parse_fit(const Schema& schema, const Config& base, const std::string& spec);

}  // namespace aimcsim
