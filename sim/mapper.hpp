#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "platform/platform.hpp"
#include "sim/strategy.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// Where one operator lives and how it is chunked.
struct OpMapping {
  LayerSlot slot;
  TileSplit split;           // row blocks x column blocks of tiles
  std::int64_t chunk = 0;
  LoraChunkCost chunk_cost;  // the PMCA's cost of one full chunk
};

// The costs of one operator on idle resources, for the analytic twin and chunk selection.
OpTiming op_timing(const PlatformParams& p, const LinearOp& op, std::int64_t chunk);

// Chunk sizes `auto` considers: powers of two up to the sequence, and the sequence itself.
std::vector<std::int64_t> chunk_candidates(std::int64_t tokens);

// Places each operator on its own tiles (weight-stationary; a layer larger than a tile is split
// into row blocks, whose partial sums are added, and column blocks), with its own link and PMCA, and
// picks its chunk: the given one (capped at the sequence), or with `auto` the one whose analytic
// latency under `strategy` is lowest among those that fit L1 (all, spilling, if none fits; ties
// go to the smaller chunk). Throws InputError when an operator's adapters do not fit the PMCA's L1.
std::vector<OpMapping> map_workload(const Workload& w, const PlatformParams& p,
                                    std::optional<std::int64_t> chunk, const Strategy& strategy);

// Mesh coordinates of every tile and PMCA: the default snake placement (platform.hpp).
Placement place_workload(const std::vector<OpMapping>& mapping, const PlatformParams& p, bool with_pmcas);

}  // namespace aimcsim
