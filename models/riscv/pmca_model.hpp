#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/base/energy.hpp"
#include "sim/base/memo.hpp"
#include "sim/base/params.hpp"
#include "sim/base/units.hpp"

namespace aimcsim {

class GemmEngine;

// Parameters of a PMCA: a Snitch-like cluster of compute cores with SIMD FPUs, one more core
// driving a DMA between an L2 and the shared L1 (TCDM), and optionally a RedMulE-like GEMM
// engine. Simplification: a kernel's cycles come from how its loops split across cores, FPU lanes
// and engine tiles, with a steady-state stream utilisation for the losses no geometry explains
// (bank conflicts, SSR/FREP bubbles); instruction fetch and the interconnect inside the cluster
// are not modelled.
struct PmcaParams : Params<PmcaParams> {
  double freq_hz;
  std::int64_t cores;                 // compute cores (one more drives the DMA)
  std::string format;                 // fp32, fp16 or fp8: data and FPU SIMD format
  std::int64_t fpu_width_bits;        // FPU datapath; lanes = fpu_width_bits / format bits
  double fpu_util;                    // steady-state utilisation of streamed (SSR/FREP) loops
  std::int64_t loop_setup_cycles;     // per inner loop nest a core runs
  std::int64_t kernel_launch_cycles;  // dispatch of a kernel to the cores
  std::int64_t barrier_cycles;        // cluster barrier at the end of a kernel
  std::int64_t exp_ops;               // SIMD FPU instructions per exp (software approximation)
  std::int64_t recip_ops;             // SIMD FPU instructions per reciprocal (Newton-Raphson)
  std::int64_t div_cycles;            // one scalar divide or square root (iterative unit)
  std::int64_t l1_bytes;              // shared TCDM size
  std::int64_t l1_banks;
  std::int64_t l1_bank_bytes;      // bank width: banks * bank_bytes is the L1 bandwidth per cycle
  std::int64_t l2_bytes;           // cluster-external memory that spilled chunks stage through
  double l2_bytes_per_cycle;       // L2 bandwidth seen by the DMA
  std::int64_t l2_latency_cycles;  // first-byte latency of an L2 access
  double dma_bytes_per_cycle;      // DMA data path
  std::int64_t dma_setup_cycles;   // programming one (1-D or 2-D) transfer
  std::string preset;              // named cluster (pmca_presets())
  std::string engine;              // who runs the GEMMs: a GemmEngineRegistry name
  // Per FPU lane operation; auto (0) is resolved by derive() from p_static_mw and e_l1_byte_pj
  // (models/README.md#energy-calibration).
  double e_fma_fp32_pj, e_fma_fp16_pj, e_fma_fp8_pj;
  double e_l1_byte_pj, e_dma_byte_pj;
  double p_static_mw;
  double node_nm;          // process node of the cluster
  double area_core_mm2;    // at 22 nm: one core with its FPU (cores + 1)
  double area_l1_kib_mm2;  // at 22 nm: per KiB of L1
  double area_dma_mm2;     // at 22 nm: DMA, instruction cache, interconnect

  // Derived from `format` and `fpu_width_bits` (and the auto FMA energies) by from() and
  // defaults(); call derive() after changing any of them.
  std::int64_t lanes = 2;       // SIMD lanes per FPU
  std::int64_t elem_bytes = 2;  // bytes per activation / adapter element

  // The engine named by `engine`, with its own keys (set by from() and defaults()).
  std::shared_ptr<const GemmEngine> gemm_engine;

  void derive();
  const GemmEngine& gemm() const;
  // Switches to engine `name` with its keys at their defaults.
  void set_engine(const std::string& name);
  double e_fma_pj() const;
  std::int64_t l1_bytes_per_cycle() const { return l1_banks * l1_bank_bytes; }

  static void bind(ParamBinder<PmcaParams>& b);
  static PmcaParams from(const Config& cfg);
  // Every field equal, and the same engine object (copies share it): the same costs.
  bool operator==(const PmcaParams& o) const;
};

// A PMCA's area, mm2 (models/README.md#area): the compute cores and the DMA core, the L1, the
// DMA with the instruction cache and the cluster interconnect, and the engine
// (GemmEngine::area_mm2), from an 8-core cluster of about 0.5 mm2 in 22 nm with RedMulE's
// 0.07 mm2 in it (Tortorella et al. DATE 2022), scaled by (node / 22 nm)^2.
struct PmcaArea {
  double cores = 0, l1 = 0, dma = 0, engine = 0;
  double total() const { return cores + l1 + dma + engine; }
};
PmcaArea pmca_area(const PmcaParams& p);

// The PMCA presets: name -> (key, value) pairs. `ahwa-lora` is the study's cluster (a RedMulE
// engine beside the 8 cores; models/README.md#pmca-cluster), `snitch-cores` the cores alone.
const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& pmca_presets();

// Cycles and work of one kernel on the cluster. The cycles split into four categories:
// `compute` (FPU or engine issuing, including lanes wasted on padding), `stall` (memory stalls:
// streamed-loop losses, L1 bandwidth, the engine's memory port), `dma_wait` (waiting for the DMA
// when a kernel is staged from L2) and `overhead` (loop setup, launch, barrier, engine
// configuration, fill and drain). `cycles` is the ceiling of their sum.
struct KernelCost {
  std::string name;
  std::string unit = "cores";  // "cores" or "redmule"
  double compute_cycles = 0;
  double stall_cycles = 0;
  double dma_wait_cycles = 0;
  double overhead_cycles = 0;
  std::int64_t cycles = 0;
  std::int64_t lane_ops = 0;      // useful operations: FPU lane ops or engine MACs
  std::int64_t peak_ops = 0;      // ops per cycle at peak on `unit`
  std::int64_t l1_bytes = 0;      // L1 traffic
  std::int64_t l1_footprint = 0;  // bytes of L1 buffers the kernel holds at once
  std::int64_t l1_required = 0;   // bytes running it in one piece would hold (> L1: spilled)
  std::int64_t dma_bytes = 0;     // L2 <-> L1 traffic when staged
  std::int64_t sub_blocks = 1;    // staged pieces (1: fits L1)
  bool spilled = false;           // footprint exceeded L1, staged through DMA
  bool feasible = true;           // false: does not fit L1 even when staged (cycles meaningless)
  EnergyBreakdown energy;         // dynamic energy

  double utilisation() const;  // lane_ops / (peak_ops * cycles)
  // Adds another kernel's work (a later sub-block or a further job of the same kernel).
  void accumulate(const KernelCost& o);
};

// A kernel on the cores from its loop structure: `issue` SIMD FPU instructions on the busiest
// core and `nests` loop nests there, `lane_ops` useful lane operations and `l1_bytes` of L1
// traffic in all. Streamed loops lose (1 / fpu_util - 1) of their issue cycles to stalls; L1
// stalls the cluster further when the traffic needs more cycles than that at the banks'
// bandwidth; each nest costs loop setup, the kernel a launch and a barrier.
KernelCost cores_kernel(const PmcaParams& p, std::string name, double issue, std::int64_t nests,
                        std::int64_t lane_ops, std::int64_t l1_bytes);
// Sets `cycles` to the ceiling of the four categories' sum.
KernelCost finish_kernel(KernelCost k);

// GEMM C (M x N) = A (M x K) * B (K x N) on the cluster's engine (p.gemm()).
KernelCost gemm_cost(const PmcaParams& p, std::int64_t m, std::int64_t n, std::int64_t k);
// Element-wise add of two M x N matrices, split evenly across cores and lanes.
KernelCost add_cost(const PmcaParams& p, std::int64_t m, std::int64_t n);

// L1 bytes a LoRA chunk holds (models/README.md#pmca-l1-footprint): X (t x in), XA (t x r),
// XW (t x out), A (in x r), B (r x out).
std::int64_t lora_l1_bytes(std::int64_t tokens, std::int64_t in, std::int64_t out,
                           std::int64_t rank, std::int64_t elem_bytes);

// Cycles of one DMA transfer of `rows` rows of `row_bytes` (a 2-D transfer; rows = 1 is 1-D)
// between L2 and L1: setup, L2 latency, then each row at min(DMA, L2) bandwidth.
std::int64_t dma_cycles(const PmcaParams& p, std::int64_t rows, std::int64_t row_bytes);

// A kernel over independent rows (tokens), checked against L1 and staged through it. When
// `resident + rows * row_l1` fits L1 the kernel runs once on data already in L1 (unless
// `from_l2`). Otherwise it runs on double-buffered sub-blocks of rows: the DMA loads block i+1
// while block i computes and stores each block after it computed (one DMA channel, in issue
// order); the resident data stay in L1 (loaded first by the DMA when `load_resident`). Rows strided
// in L2 move as 2-D transfers. The sub-block size is the fastest of the sizes whose two buffers fit
// (with `from_l2`, also all rows in one buffer when they fit): every multiple of `align` and every
// size below it. The set of sizes only grows with L1, so more L1 is never slower.
struct Staging {
  std::int64_t rows = 0;
  std::int64_t resident = 0;   // bytes held in L1 across all sub-blocks (weights, K or V of a head)
  bool load_resident = false;  // when spilled, the DMA loads the resident bytes first
  std::int64_t row_l1 = 0;     // L1 bytes of one row's buffers
  std::int64_t in_row = 0;     // bytes one row brings in from L2 when spilled
  std::int64_t out_row = 0;    // bytes one row takes out to L2 when spilled
  bool strided_in = false;     // input rows are strided in L2 (2-D transfer, a burst per row)
  bool strided_out = false;
  std::int64_t align = 1;  // rows per engine block (GemmEngine::row_block): sizes tried
  bool from_l2 = false;    // the rows are in L2 and staged even when they would fit L1
};
// `kernel(n)` costs n rows; it must not depend on call order, as it is called once for every size
// the choice of sub-block tries. The result sums the sub-blocks of the chosen size and fills in
// `dma_wait`, `dma_bytes`, `sub_blocks`, `spilled` and `l1_footprint` (the buffers actually held).
// `feasible` is false when not even two one-row buffers (nor, with `from_l2`, all rows in one)
// fit beside the resident data, or the staged data exceed L2.
struct StagedCost {
  KernelCost total;
  std::int64_t footprint = 0;  // resident + rows * row_l1: what running in one piece needs
  std::int64_t sub_rows = 0;
  bool feasible = true;
};
// `cycles(n)`, when given, is `kernel(n).cycles` (cheaper for a caller that keeps it): the choice
// of sub-block then asks `kernel` only for the sizes it chose.
StagedCost staged_cost(const PmcaParams& p, const Staging& s,
                       const std::function<KernelCost(std::int64_t)>& kernel,
                       const std::function<std::int64_t(std::int64_t)>& cycles = {});

// The PMCA's work for one chunk of `tokens` tokens of a layer in -> out with LoRA rank r:
// XA = X A and XAB = (XA) B on `p.engine`, Y = XW + XAB on the cores; on an engine that
// accumulates (GemmEngine::accumulates), Y = (XA) B + XW is one engine job. When the chunk does not
// fit L1, it is processed in sub-chunks that the DMA stages from L2, double-buffered, the adapters
// resident (staged_cost). When the adapters themselves do not fit, or streaming them is faster
// than the small sub-chunks resident adapters leave room for, they are streamed through L1 in
// blocks every chunk (A by rows, B by columns, in the fastest block shape that fits); `feasible`
// is false only when not even one row of A, one column of B and two one-token buffers fit.
struct LoraChunkCost {
  KernelCost down;  // lora_down: X A
  KernelCost up;    // lora_up: (X A) B, or lora_up_add: (X A) B + X W when add_fused
  KernelCost add;   // lora_add: X W + X A B on the cores; all zero when add_fused
  // The engine accumulated X W into the up-projection, which then needs X W as the add does.
  bool add_fused = false;
  std::int64_t l1_bytes = 0;  // footprint of the whole chunk
  bool spilled = false;
  bool feasible = true;
  std::int64_t sub_tokens = 0;  // tokens per sub-chunk when spilled
  std::int64_t dma_bytes = 0;
  std::int64_t compute_cycles = 0;   // the three kernels, summed over sub-chunks
  std::int64_t cycles = 0;           // including DMA waits when spilled
  std::int64_t dma_wait_cycles = 0;  // cycles - compute_cycles
  std::int64_t l1_peak_bytes = 0;    // L1 actually held: the footprint, or the staged buffers
  Picos duration = 0;
  double utilisation = 0;  // useful ops / (peak ops per cycle * cycles), on p.engine
  EnergyBreakdown energy;  // dynamic energy
};

LoraChunkCost lora_chunk_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t in,
                              std::int64_t out, std::int64_t rank);

// The kernels of a chunk of t tokens: X A and (X A) B on the engine and the add on the cores, or,
// on an engine that accumulates, X A and (X A) B + X W as one engine job and a zero add; `sum` is
// the three accumulated (down, then up, then add), what a sub-chunk of staged_cost costs.
struct LoraKernels {
  KernelCost down, up, add;
  bool add_fused = false;
  KernelCost sum;
};
LoraKernels lora_kernels(const PmcaParams& p, std::int64_t t, std::int64_t in, std::int64_t out,
                         std::int64_t rank);

// While one exists for a PmcaParams, lora_chunk_cost of that object is computed once per
// (tokens, in, out, rank), and the cycles of a sub-chunk's kernels (lora_kernels' sum, which the
// choice of sub-chunk and of streamed block shape cost for every size they try) once per (t, in,
// out, rank), and shared_lora_group_cost once per (clusters, tokens, in, out, rank): a run creates
// one for its platform's PMCA parameters.
class LoraCostMemo {
 public:
  using Chunks = RunMemo<PmcaParams, std::array<std::int64_t, 4>, LoraChunkCost>;
  // Per adapter shape (in, out, rank), the cycles by sub-chunk tokens (-1: not costed yet).
  using Cycles =
      RunMemo<PmcaParams, std::array<std::int64_t, 3>, std::shared_ptr<std::vector<std::int64_t>>>;
  using Groups =
      RunMemo<PmcaParams, std::array<std::int64_t, 5>, std::shared_ptr<const LoraChunkCost>>;
  explicit LoraCostMemo(const PmcaParams& p) : chunks_(p), cycles_(p), groups_(p) {}

 private:
  Chunks chunks_;
  Cycles cycles_;
  Groups groups_;
};

// The same chunk on a group of `clusters` identical PMCAs serving one layer (one per group of
// tiles): the tokens split evenly over them and, when there are more clusters than tokens, the
// outputs too (each cluster holds A and its slice of B); the group takes as long as its busiest
// cluster. Simplification: the work and energy of the group are the busiest cluster's scaled to
// the whole (X A is computed again by every cluster that splits the outputs).
LoraChunkCost lora_group_cost(const PmcaParams& p, std::int64_t clusters, std::int64_t tokens,
                              std::int64_t in, std::int64_t out, std::int64_t rank);
// lora_group_cost, shared: within a run's LoraCostMemo the PMCAs of one layer shape hold the same
// object; without one, a new one.
std::shared_ptr<const LoraChunkCost> shared_lora_group_cost(const PmcaParams& p,
                                                            std::int64_t clusters,
                                                            std::int64_t tokens, std::int64_t in,
                                                            std::int64_t out, std::int64_t rank);

}  // namespace aimcsim
