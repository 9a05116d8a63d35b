#pragma once
#include <vector>

#include "platform/platform.hpp"
#include "sim/map/mapper.hpp"
#include "sim/run/dataflow.hpp"
#include "sim/schedule/strategy.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// The analytic twin of the hybrid design: each operator's schedule on private, idle resources,
// computed without the simulator through each strategy's analytic() and the digital operators'
// costs, with its inputs' chunks released when the simulation finished them (`simulated`, per
// operator), so the twin and the simulation measure from the same start and differ only by
// contention inside the operator. Returns the latency of each operator of [first, last) from its
// first ready input to its end.
std::vector<Picos> twin_latencies(const Workload& w, std::size_t first, std::size_t last,
                                  const Mapping& mapping, const PlatformParams& params,
                                  const Strategy& strategy,
                                  const std::vector<Done<Picos>>& simulated);

}  // namespace aimcsim
