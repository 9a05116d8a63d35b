#pragma once
#include <string>

#include "sim/run/run.hpp"

namespace aimcsim {

// The run's jobs as Chrome trace events ("ph": "X"), one process per design (hybrid,
// analog-only) and one lane (thread) per tile, link and PMCA. Opens in Perfetto and
// chrome://tracing; timestamps are in microseconds with picosecond precision.
std::string trace_json(const RunResult& r);

}  // namespace aimcsim
