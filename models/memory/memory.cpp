#include "models/memory/memory.hpp"

#include <algorithm>

#include "models/riscv/pmca_model.hpp"
#include "sim/base/schema_registry.hpp"

namespace aimcsim {

void MemoryParams::bind(ParamBinder<MemoryParams>& b) {
  using P = MemoryParams;
  b.bytes("memory.l1_adapters", &P::l1_adapter_bytes, "32KiB")
      .range(0, 1LL << 40)
      .desc(
          "per PMCA: the L1 held for resident LoRA adapters when serving (assumed: a quarter of "
          "the 128 KiB TCDM; the chunk costs do not shrink L1 by it)");
  b.bytes("memory.l2_adapters", &P::l2_adapter_bytes, "1MiB")
      .range(0, 1LL << 40)
      .desc(
          "per PMCA: the L2 held for resident LoRA adapters when serving (assumed: all of "
          "pmca.l2_size's default; a KV cache there is not subtracted)");
  b.bytes("memory.dram.size", &P::dram_bytes, "8GiB")
      .range(1, 1LL << 50)
      .desc("off-chip DRAM that holds every adapter (assumed)");
  b.quantity("memory.dram.bandwidth", &P::dram_bandwidth_Bps, Dimension::Bandwidth, "17.064GB/s")
      .range(1, 1e15)
      .desc("DRAM read bandwidth, shared by every PMCA (one x32 LPDDR4X channel at 4266 MT/s)");
  b.quantity("memory.dram.latency", &P::dram_latency_ns, Dimension::Time, "100ns")
      .range(0, 1e9)
      .desc("first-byte latency of a DRAM read (assumed)");
  b.quantity("memory.dram.e_byte", &P::dram_e_byte_pj, Dimension::Energy, "40pJ")
      .range(0, 1e9)
      .desc("energy per byte read from DRAM, I/O included (assumed: 5 pJ/bit)");
  b.choice("memory.kv_cache", &P::kv_cache, {"auto", "l2"}, "auto")
      .desc(
          "where a decoder layer's K and V cache lives: auto: in the L2 of the PMCAs running its "
          "attention when it fits at the final length, else in the DRAM, its attention reading "
          "the keys and values from there (a DRAM too small is over capacity); l2: always in L2 "
          "(a cache larger than L2 is over capacity)");
}

AIMCSIM_REGISTER_PARAMS(57, "memory", MemoryParams);

Picos MemoryLevel::transfer(std::int64_t bytes) const {
  if (bytes <= 0) return 0;
  return latency + ns_to_ps(static_cast<double>(bytes) * 1e9 / bandwidth_Bps);
}

double MemoryLevel::energy_pj(std::int64_t bytes) const {
  return e_byte_pj * static_cast<double>(bytes);
}

std::vector<MemoryLevel> adapter_memory(const PmcaParams& pmca, const MemoryParams& mem) {
  std::vector<MemoryLevel> levels;
  const double l1_Bpc = static_cast<double>(pmca.l1_bytes_per_cycle());
  levels.push_back({"l1", mem.l1_adapter_bytes, l1_Bpc * pmca.freq_hz, 0, pmca.e_l1_byte_pj, true});
  const double l2_Bpc = std::min(pmca.l2_bytes_per_cycle, pmca.dma_bytes_per_cycle);
  levels.push_back(
      {"l2", mem.l2_adapter_bytes, l2_Bpc * pmca.freq_hz,
       ns_to_ps(cycles_to_ns(static_cast<double>(pmca.l2_latency_cycles + pmca.dma_setup_cycles),
                             pmca.freq_hz)),
       pmca.e_dma_byte_pj, true});
  levels.push_back(dram_level(mem));
  return levels;
}

MemoryLevel dram_level(const MemoryParams& mem) {
  return {"dram",
          mem.dram_bytes,
          mem.dram_bandwidth_Bps,
          ns_to_ps(mem.dram_latency_ns),
          mem.dram_e_byte_pj,
          false};
}

}  // namespace aimcsim
