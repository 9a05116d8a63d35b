#pragma once
#include <memory>
#include <utility>
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

// The phases a design's run builds the operators of `w` in ([first, last) each; a decoder with
// shared steps: of its prompt, ops [0, decode_first)): one per run of operators of one block,
// built once the first job it reads from the block before it ends (JobGraph::trigger_next), so
// that only the blocks in flight hold jobs. A phase so built runs exactly as if built at the
// start provided every operator of it has inputs, each an earlier operator of the phase itself or
// of the phase before it; a phase that reads further back joins the phase before it. So a
// workload with an operator without input after its first block (BART's decoder) is one phase,
// as is every workload with Workload::block_phases false.
std::vector<std::pair<std::size_t, std::size_t>> block_phases(const Workload& w);

}  // namespace aimcsim
