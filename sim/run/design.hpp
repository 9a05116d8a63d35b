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

// Builds one design's platform from the mapping, with no job yet. The analog-only baseline runs
// every linear on its tiles alone and keeps only the PMCAs that run digital operators; the hybrid
// design has a PMCA wherever an adapter or a digital operator runs. Both designs are built on one
// floorplan (`placement`), so their transfers travel the same distances; digital operators run
// on the same PMCAs in both.
BuiltDesign make_design(Design design, const Workload& w, const Mapping& mapping,
                        const PlatformParams& params, const Placement& placement);

// Appends the jobs of operators [first, last) of `w` to `graph`, tagged with the design, and
// records when each produces its rows in d.done; their inputs' jobs are taken from d.done. The
// hybrid design runs each adapted linear under `strategy`, the analog-only one on its tiles alone.
void build_ops(BuiltDesign& d, JobGraph& graph, const Workload& w, std::size_t first,
               std::size_t last, const Mapping& mapping, const PlatformParams& params,
               const Strategy& strategy);

}  // namespace aimcsim
