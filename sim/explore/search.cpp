#include "sim/explore/search.hpp"

#include <algorithm>
#include <cmath>

namespace aimcsim {

std::vector<double> search_fitness(const Evaluation& e, std::size_t objectives) {
  if (e.feasible()) return e.objectives;
  // Feasible statistics stay far below 1e30 (ns, nJ, mm2 of any platform); a violation is
  // capped so that the penalty stays finite.
  constexpr double kPenalty = 1e30;
  const double v = e.ok ? std::min(e.violation, 1e6) : 2e6;
  return std::vector<double>(objectives, kPenalty * (1 + v));
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    better = better || a[i] < b[i];
  }
  return better;
}

std::vector<std::size_t> non_dominated(const std::vector<std::vector<double>>& points) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j)
      dominated = j != i && dominates(points[j], points[i]);
    if (!dominated) out.push_back(i);
  }
  return out;
}

namespace {

// Slicing along the last objective: between consecutive values of it, the slab's hypervolume is
// that of the points at or below the slab in the remaining objectives.
double hv(std::vector<std::vector<double>> pts, const std::vector<double>& ref, std::size_t d) {
  if (pts.empty()) return 0;
  if (d == 1) {
    double lo = ref[0];
    for (const auto& p : pts) lo = std::min(lo, p[0]);
    return ref[0] - lo;
  }
  std::sort(pts.begin(), pts.end(),
            [d](const std::vector<double>& a, const std::vector<double>& b) {
              return a[d - 1] < b[d - 1];
            });
  double volume = 0;
  std::vector<std::vector<double>> below;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    below.push_back(pts[i]);
    const double top = i + 1 < pts.size() ? pts[i + 1][d - 1] : ref[d - 1];
    const double height = top - pts[i][d - 1];
    if (height > 0) volume += height * hv(below, ref, d - 1);
  }
  return volume;
}

}  // namespace

double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference) {
  std::vector<std::vector<double>> inside;
  for (const auto& p : points) {
    bool below = true;
    for (std::size_t i = 0; i < p.size() && below; ++i) below = p[i] < reference[i];
    if (below) inside.push_back(p);
  }
  return hv(inside, reference, reference.size());
}

}  // namespace aimcsim
