#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace aimcsim {

// a / b rounded up, for positive b.
constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// `v` rounded to 12 significant digits: how summary.json and results.csv print a figure, so that
// values equal up to the rounding of the arithmetic that made them (0.1 + 0.2 and 0.3) print as
// the same string.
inline double printed_figure(double v) {
  if (!std::isfinite(v) || v == 0) return v;
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", v);
  return std::strtod(text, nullptr);
}

}  // namespace aimcsim
