#pragma once
#include <string>

#include "sim/run/run.hpp"

namespace aimcsim {

// The run's jobs as Chrome trace events (JSON object format), one process per design (hybrid,
// analog-only) and one lane (thread) per resource: a layer's tile group (its tiles work in
// lockstep on every MVM batch, so one lane stands for all of them and its name says how many),
// a link or network port, a PMCA; each lane named by its resource and the operators it served.
// A job is a complete event ("ph": "X") with "cat" its role (mvm, xw, input, lora, ...) and
// "args" its operator, count, bytes and energy; a counter per design ("ph": "C") gives the
// transfers in flight. Timestamps are in microseconds with picosecond precision. Opens in
// Perfetto and chrome://tracing.
std::string trace_json(const RunResult& r);

}  // namespace aimcsim
