#pragma once
#include <string>

#include "sim/base/stats.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {

// The energy split of each design, dynamic against static (leakage and gating wake-ups), with
// its overhead and which part dominates; the area of the platform by unit and design; and
// TOPS/mm2, tokens/s per mm2 and energy per token beside it. Registered under `energy` and as
// `area` and `efficiency` in summary.json.
void report_energy_area(const RunResult& r, StatGroup& root);

// Two header lines for the run's table: area, and each design's energy split with its dominant
// part.
std::string energy_area_header(const RunResult& r);

}  // namespace aimcsim
