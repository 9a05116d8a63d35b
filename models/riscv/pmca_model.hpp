#pragma once
#include <cstdint>
#include <string>

#include "sim/params.hpp"
#include "sim/energy.hpp"
#include "sim/units.hpp"

namespace aimcsim {

// Parameters of a PMCA: a Snitch-like cluster of compute cores with SIMD FPUs, a shared L1
// (TCDM) and a DMA to a larger L2. Simplification: a kernel's cycles come from how its loops
// split across cores and FPU lanes, at a fixed streamed-loop utilisation plus per-loop and
// per-kernel overheads; bank conflicts and instruction fetch are not modelled.
struct PmcaParams : Params<PmcaParams> {
  double freq_hz;
  std::int64_t cores;               // compute cores (a ninth drives the DMA)
  std::int64_t fp16_lanes;          // FP16 SIMD lanes of the 32-bit FPU
  double fpu_util;                  // utilisation of streamed (SSR/FREP) loops
  std::int64_t loop_setup_cycles;   // per inner loop nest a core runs
  std::int64_t kernel_launch_cycles;  // dispatch and cluster barrier per kernel
  std::int64_t l1_bytes;            // shared TCDM
  double dma_bytes_per_cycle;       // DMA between L2 and L1
  std::int64_t dma_setup_cycles;    // per DMA transfer
  std::int64_t elem_bytes = 2;      // FP16 activations and adapters (AHWA-LoRA)
  double e_fma_pj, e_l1_byte_pj, e_dma_byte_pj;
  double p_static_mw;

  static void bind(ParamBinder<PmcaParams>& b);
};

// Cycles and work of one kernel on the cluster.
struct KernelCost {
  std::string name;
  double compute_cycles = 0;   // lane operations at the streamed-loop utilisation
  double overhead_cycles = 0;  // loop setup, launch, barrier
  std::int64_t cycles = 0;     // ceil(compute + overhead)
  std::int64_t lane_ops = 0;   // useful FPU lane operations (FMAs or adds)
  std::int64_t l1_bytes = 0;   // L1 traffic
};

// C (M x N) = A (M x K) * B (K x N): rows of C split across cores, each row vectorised along N
// over the FP16 lanes, one SIMD FMA per k and lane group.
KernelCost gemm_cost(const PmcaParams& p, std::int64_t m, std::int64_t n, std::int64_t k);
// Element-wise add of two M x N matrices, split evenly across cores and lanes.
KernelCost add_cost(const PmcaParams& p, std::int64_t m, std::int64_t n);

// L1 bytes a LoRA chunk holds (REFERENCE section 5): X (t x in), XA (t x r), XW (t x out),
// A (in x r), B (r x out).
std::int64_t lora_l1_bytes(std::int64_t tokens, std::int64_t in, std::int64_t out, std::int64_t rank,
                           std::int64_t elem_bytes);

// The PMCA's work for one chunk of `tokens` tokens of a layer in -> out with LoRA rank r:
// XA = X A, XAB = (XA) B, Y = XW + XAB. When the chunk does not fit L1, it is processed in
// sub-chunks that the DMA stages from L2, double-buffered; `feasible` is false when not even the
// adapters and two one-token buffers fit.
struct LoraChunkCost {
  KernelCost down, up, add;
  std::int64_t l1_bytes = 0;       // footprint of the whole chunk
  bool spilled = false;
  bool feasible = true;
  std::int64_t sub_tokens = 0;     // tokens per sub-chunk when spilled
  std::int64_t dma_bytes = 0;
  std::int64_t compute_cycles = 0; // the three kernels, summed over sub-chunks
  std::int64_t cycles = 0;         // including DMA waits when spilled
  Picos duration = 0;
  double utilisation = 0;          // lane ops / (cores * lanes * cycles)
  EnergyBreakdown energy;          // dynamic energy
};

LoraChunkCost lora_chunk_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t in,
                              std::int64_t out, std::int64_t rank);

}  // namespace aimcsim
