#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "platform/platform.hpp"
#include "sim/map/digital_cost.hpp"
#include "sim/schedule/strategy.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// Where one operator runs and how a linear is chunked.
struct OpMapping {
  std::size_t slot = 0;    // linears: the tile/link/PMCA slot holding their weights;
                           // digital operators: the slot whose PMCA runs them
  TileSplit split;         // linears: row blocks x column blocks of tiles
  std::int64_t chunk = 0;  // linears: tokens per chunk
  // Linears with an adapter: the PMCA's cost of one full chunk, shared by the operators of one
  // shape (a decoder's steps); empty otherwise.
  std::shared_ptr<const LoraChunkCost> cost;
  // Attention over the KV cache: the cache is in DRAM (memory.kv_cache auto, a layer's K and V
  // larger than its PMCAs' L2), and the operator reads its keys or values from there.
  bool kv_in_dram = false;
  const LoraChunkCost& chunk_cost() const;
};

struct Mapping {
  std::vector<LayerSlot> slots;         // one per distinct static linear
  std::vector<OpMapping> ops;           // one per operator of the workload
  std::vector<bool> slot_runs_digital;  // whether a slot's PMCA hosts digital operators
};

// The costs of one linear on idle resources in the hybrid design, for the analytic twin and
// chunk selection.
OpTiming op_timing(const PlatformParams& p, const Operator& op, std::int64_t chunk,
                   std::int64_t clusters = 1);

// Chunk sizes `auto` considers: powers of two up to the sequence, and the sequence itself.
std::vector<std::int64_t> chunk_candidates(std::int64_t tokens);

// Places each static linear on its own tiles (weight-stationary; decode steps reuse the
// prompt's tiles; a layer larger than a tile is split into row blocks, whose partial sums are
// added, and column blocks), with its own link and PMCA, and picks its chunk: the given one
// (capped at its tokens), or with `auto` the one whose analytic latency under `strategy`, DMA
// staging of a chunk that spills L1 included, is lowest (ties go to a chunk that fits, then to
// the smaller chunk). A
// digital operator runs on the PMCA of its first producer (the data is already there), or of the
// next linear when it has none. Throws InputError when a linear's adapters do not fit L1.
// `tiles_per_pmca` > 0 gives a layer one PMCA per that many of its tiles (they share its work,
// lora_group_cost); 0 gives every layer one PMCA.
// With `dense`, layers that fit one tile are packed into shared tiles: each goes, in order, to
// the first tile whose unused rows and columns (below and right of the layers already there)
// can hold it, else to a new tile.
Mapping map_workload(const Workload& w, const PlatformParams& p, std::optional<std::int64_t> chunk,
                     const Strategy& strategy, std::int64_t tiles_per_pmca = 0, bool dense = false);

// Whether `op` reads a decoder layer's KV cache: causal self-attention's Q K^T and softmax(.) V.
inline bool reads_kv_cache(const Operator& op) { return op.kind == OpKind::Matmul && op.causal; }
// The positions `op`'s layer caches by the end of the run: the prompt and every decode step, at
// most a sliding window.
std::int64_t kv_cache_positions(const Workload& w, const Operator& op);
// Bytes of that cache, K and V at kv_cache_positions(), in the PMCAs' data format (pmca.format).
std::int64_t kv_cache_bytes(const Workload& w, const Operator& op, const PmcaParams& pmca);

// Rows [first, end) of digital operator `i` (`op`, the workload's or a decode step's) on the PMCAs
// the mapping hosts it on (digital_group_cost). Attention whose KV cache is in DRAM reads the keys
// or values its last row attends from there while the PMCAs compute: it takes the longer of the
// two, and adds the read's energy as "dram". Simplified: the DRAM serves every PMCA without
// contention, and a chunk reads its keys once (flash-attention's reloads per query block are not
// counted).
DigitalCost op_digital_cost(const PlatformParams& p, const Mapping& mapping, std::size_t i,
                            const Operator& op, std::int64_t first, std::int64_t end);

// Mesh coordinates of every tile and PMCA: the default snake placement (platform.hpp).
Placement place_workload(const Mapping& mapping, const PlatformParams& p, bool with_pmcas);

}  // namespace aimcsim
