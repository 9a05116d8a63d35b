#pragma once
#include <memory>
#include <vector>

#include "platform/platform.hpp"
#include "sim/engine/engine.hpp"
#include "sim/map/mapper.hpp"
#include "sim/run/dataflow.hpp"
#include "sim/schedule/strategy.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// One design of a run as resources, with when each operator's output rows are produced.
struct BuiltDesign {
  Design design = Design::Hybrid;
  std::unique_ptr<Platform> platform;
  std::vector<Done<Job*>> done;  // per operator
};

// Builds one design's platform from the mapping and appends every operator's jobs to `graph`,
// each tagged with `design`. The analog-only baseline runs every linear on its tiles alone and
// keeps only the PMCAs that run digital operators; the hybrid design runs each adapted linear
// under `strategy` and has a PMCA wherever an adapter or a digital operator runs. Both designs
// are built by this one function on one floorplan (`placement`), so their transfers travel the
// same distances; digital operators run on the same PMCAs in both.
BuiltDesign build_design(Design design, JobGraph& graph, const Workload& w, const Mapping& mapping,
                         const PlatformParams& params, const Strategy& strategy,
                         const Placement& placement);

}  // namespace aimcsim
