#pragma once
#include <vector>

#include "platform/platform.hpp"
#include "sim/map/mapper.hpp"
#include "sim/schedule/strategy.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// The analytic twin of the hybrid design: the same schedule on private, idle resources, computed
// without the simulator through each strategy's analytic() and the digital operators' costs.
// Returns each operator's latency from its first ready input to its end.
std::vector<Picos> twin_latencies(const Workload& w, const Mapping& mapping,
                                  const PlatformParams& params, const Strategy& strategy);

}  // namespace aimcsim
