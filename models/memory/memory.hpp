#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/params.hpp"
#include "sim/base/units.hpp"

namespace aimcsim {

struct PmcaParams;

// The memories that hold LoRA adapters off the PMCAs' working set: the share of each PMCA's L1
// and L2 set aside for resident adapters, and the off-chip DRAM behind every L2
// (models/README.md#memory).
struct MemoryParams : Params<MemoryParams> {
  std::int64_t l1_adapter_bytes;  // per PMCA: L1 kept for resident adapters
  std::int64_t l2_adapter_bytes;  // per PMCA: L2 kept for resident adapters
  std::int64_t dram_bytes;
  double dram_bandwidth_Bps;
  double dram_latency_ns;
  double dram_e_byte_pj;
  std::string kv_cache;  // auto: a layer's KV cache in its PMCAs' L2 when it fits, else DRAM; l2

  static void bind(ParamBinder<MemoryParams>& b);
};

// One memory level as a transfer source. Simplification: a transfer of n bytes takes the
// level's first-byte latency plus n / bandwidth (no banks, pages, refresh or queueing inside the
// level) and costs n x the energy per byte read; contention is up to the caller, which keeps the
// level busy for the transfer's time.
struct MemoryLevel {
  std::string name;           // "l1", "l2", "dram"
  std::int64_t capacity = 0;  // bytes (per PMCA for l1 and l2)
  double bandwidth_Bps = 0;   // read bandwidth
  Picos latency = 0;          // first-byte latency
  double e_byte_pj = 0;       // energy per byte read out of the level
  bool per_pmca = false;      // one instance per PMCA (l1, l2); false: one shared (dram)

  Picos transfer(std::int64_t bytes) const;
  double energy_pj(std::int64_t bytes) const;
};

// The levels an adapter can live in, top (nearest the PMCA's cores) first: L1 and L2 from the
// PMCA's keys (L2's bandwidth is min(L2, DMA) bytes per cycle at pmca.freq, its energy the DMA's
// per byte) with the capacities MemoryParams sets aside, then the DRAM.
std::vector<MemoryLevel> adapter_memory(const PmcaParams& pmca, const MemoryParams& mem);

// The off-chip DRAM as a transfer source (memory.dram.*).
MemoryLevel dram_level(const MemoryParams& mem);

}  // namespace aimcsim
