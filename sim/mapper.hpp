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
  std::int64_t chunk = 0;
  LoraChunkCost chunk_cost;  // the PMCA's cost of one full chunk
};

// The costs of one operator on idle resources, for the analytic twin and chunk selection.
OpTiming op_timing(const PlatformParams& p, const Operator& op, std::int64_t chunk);

// Chunk sizes `auto` considers: powers of two up to the sequence, and the sequence itself.
std::vector<std::int64_t> chunk_candidates(std::int64_t tokens);

// Places each operator on its own tile (weight-stationary), with its own link and PMCA, and
// picks its chunk: the given one (capped at the sequence), or with `auto` the one whose analytic
// latency under `strategy` is lowest among those that fit L1 (all, spilling, if none fits; ties
// go to the smaller chunk). Throws InputError when an operator does not fit a tile or its
// adapters do not fit the PMCA's L1.
std::vector<OpMapping> map_workload(const Workload& w, const PlatformParams& p,
                                    std::optional<std::int64_t> chunk, const Strategy& strategy);

}  // namespace aimcsim
