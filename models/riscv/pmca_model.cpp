#include "models/riscv/pmca_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <vector>

#include "models/riscv/gemm_engine.hpp"
#include "models/riscv/gemm_redmule.hpp"
#include "sim/base/math.hpp"
#include "sim/base/schema_registry.hpp"

namespace aimcsim {

const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& pmca_presets() {
  static const std::map<std::string, std::vector<std::pair<std::string, std::string>>> presets = {
      // AHWA-LoRA's PMCA (Li et al., Methods): 8 Snitch cores with a RedMulE GEMM engine, at
      // RedMulE's highest published clock, 666 MHz (Tortorella et al., DATE 2022); the study
      // states no clock.
      {"ahwa-lora", {{"pmca.engine", "redmule"}, {"pmca.freq", "666MHz"}}},
      // The cores alone at 1 GHz, usual for Snitch (Zaruba et al., IEEE TC 2021).
      {"snitch-cores", {{"pmca.engine", "cores"}, {"pmca.freq", "1GHz"}}},
  };
  return presets;
}

void PmcaParams::bind(ParamBinder<PmcaParams>& b) {
  using P = PmcaParams;
  std::vector<std::string> presets;
  for (const auto& [name, values] : pmca_presets()) presets.push_back(name);
  b.choice("pmca.preset", &P::preset, presets, "snitch-cores")
      .preset_values(pmca_presets())
      .desc(
          "named cluster whose values fill the PMCA keys (ahwa-lora: the study's, RedMulE at "
          "666 MHz; snitch-cores: the cores alone at 1 GHz); keys given beside it override them");
  b.quantity("pmca.freq", &P::freq_hz, Dimension::Frequency, "1GHz")
      .range(1e6, 1e11)
      .desc("cluster clock (assumed 1 GHz; RedMulE reaches 666 MHz)");
  b.integer("pmca.cores", &P::cores, 8)
      .range(1, 1024)
      .desc("compute cores (Snitch cluster: 8 + 1 DMA core)");
  b.choice("pmca.format", &P::format, {"fp32", "fp16", "fp8"}, "fp16")
      .desc("data and FPU SIMD format (AHWA-LoRA: FP16)");
  b.integer("pmca.fpu_width", &P::fpu_width_bits, 32)
      .range(32, 512)
      .desc(
          "FPU datapath in bits; SIMD lanes = width / format bits (Snitch: 32, so FP32 x1, FP16 "
          "x2, FP8 x4)");
  b.real("pmca.fpu_util", &P::fpu_util, 0.9)
      .range(0.01, 1)
      .desc("FPU utilisation of long streamed (SSR/FREP) loops (Snitch: ~0.9)");
  b.integer("pmca.loop_setup_cycles", &P::loop_setup_cycles, 10)
      .range(0, 1000000)
      .desc("cycles to set up one inner loop nest on a core: SSR and FREP configuration (assumed)");
  b.integer("pmca.kernel_launch_cycles", &P::kernel_launch_cycles, 80)
      .range(0, 1000000)
      .desc("cycles to dispatch a kernel to the cores (assumed)");
  b.integer("pmca.barrier_cycles", &P::barrier_cycles, 20)
      .range(0, 1000000)
      .desc("cycles of the cluster barrier that ends a kernel (assumed)");
  b.integer("pmca.exp_ops", &P::exp_ops, 8)
      .range(1, 1000)
      .desc(
          "SIMD FPU instructions per exp, a software approximation: no exp unit on Snitch "
          "(assumed)");
  b.integer("pmca.recip_ops", &P::recip_ops, 5)
      .range(1, 1000)
      .desc("SIMD FPU instructions per reciprocal by Newton-Raphson (assumed)");
  b.integer("pmca.div_cycles", &P::div_cycles, 11)
      .range(1, 1000)
      .desc("cycles of one scalar divide or square root on the iterative FPU unit (assumed)");
  b.bytes("pmca.l1_size", &P::l1_bytes, "128KiB")
      .range(1, 1e12)
      .desc("shared L1 (TCDM) size (Snitch cluster: 128 KiB)");
  b.integer("pmca.l1_banks", &P::l1_banks, 32).range(1, 4096).desc("L1 banks (Snitch cluster: 32)");
  b.bytes("pmca.l1_bank_width", &P::l1_bank_bytes, "8B")
      .range(1, 1024)
      .desc("bytes a bank serves per cycle (Snitch TCDM: 64-bit banks)");
  b.bytes("pmca.l2_size", &P::l2_bytes, "1MiB")
      .range(1, 1e15)
      .desc("cluster-external L2 that spilled chunks are staged through (assumed)");
  b.real("pmca.l2_bytes_per_cycle", &P::l2_bytes_per_cycle, 64)
      .range(0.001, 65536)
      .desc("L2 bandwidth seen by the DMA, bytes per cluster cycle (assumed: matches the DMA)");
  b.integer("pmca.l2_latency_cycles", &P::l2_latency_cycles, 10)
      .range(0, 1000000)
      .desc("first-byte latency of an L2 access (assumed)");
  b.real("pmca.dma_bytes_per_cycle", &P::dma_bytes_per_cycle, 64)
      .range(0.001, 65536)
      .desc("DMA data path between L2 and L1 (iDMA 512 bit: 64)");
  b.integer("pmca.dma_setup_cycles", &P::dma_setup_cycles, 20)
      .range(0, 1000000)
      .desc("cycles for the DMA core to program one 1-D or 2-D transfer (assumed)");
  b.choice("pmca.engine", &P::engine, GemmEngineRegistry::instance().names(), "cores")
      .desc("what runs GEMMs: the compute cores, or a RedMulE-like matrix engine");
  b.declare([](Schema& s) { GemmEngineRegistry::instance().declare_all(s, "pmca.engine"); });
  b.quantity_or_auto("pmca.e_fma_fp32", &P::e_fma_fp32_pj, Dimension::Energy, "auto")
      .range(1e-9, 1e9)
      .desc(
          "dynamic energy per FP32 FPU operation; auto: 1.8x the FP16 lane operation's (assumed "
          "ratio, models/README.md#energy-calibration)");
  b.quantity_or_auto("pmca.e_fma_fp16", &P::e_fma_fp16_pj, Dimension::Energy, "auto")
      .range(1e-9, 1e9)
      .desc(
          "dynamic energy per FP16 SIMD lane operation; auto: a large GEMM on the cores costs "
          "4.65x RedMulE's dynamic energy per MAC (Tortorella et al. DATE 2022), L1 traffic "
          "included: 11.90 pJ with the defaults (models/README.md#energy-calibration)");
  b.quantity_or_auto("pmca.e_fma_fp8", &P::e_fma_fp8_pj, Dimension::Energy, "auto")
      .range(1e-9, 1e9)
      .desc(
          "dynamic energy per FP8 SIMD lane operation; auto: 0.6x the FP16 lane operation's "
          "(assumed ratio, models/README.md#energy-calibration)");
  b.quantity("pmca.e_l1_byte", &P::e_l1_byte_pj, Dimension::Energy, "0.5pJ")
      .range(0, 1e9)
      .desc("energy per byte of L1 traffic by the cores (assumed)");
  b.quantity("pmca.e_dma_byte", &P::e_dma_byte_pj, Dimension::Energy, "1pJ")
      .range(0, 1e9)
      .desc("energy per byte the DMA moves between L2 and L1 (assumed)");
  b.quantity("pmca.p_static", &P::p_static_mw, Dimension::Power, "2mW")
      .range(0, 1e9)
      .desc(
          "cluster leakage power, engine included (assumed); RedMulE's published 43.5 mW "
          "includes it, so the engine's dynamic energy is taken net of it");
  // An 8-core cluster with RedMulE is about 0.5 mm2 in 22 nm, RedMulE 0.07 mm2 of it (Tortorella
  // et al. DATE 2022); how the other 0.43 mm2 split is assumed: 45 % cores, 45 % L1, 10 % DMA.
  b.quantity("pmca.node", &P::node_nm, Dimension::Length, "22nm")
      .range(1, 1e4)
      .desc(
          "process node; the cluster's area scales with (node / 22 nm)^2 (assumed first-order "
          "rule; RedMulE's cluster: 22 nm)");
  b.quantity("pmca.area_core", &P::area_core_mm2, Dimension::Area, "0.0215mm2")
      .range(0, 1e6)
      .desc(
          "area per core with its FPU at 22 nm, the DMA core included: 45 % (assumed) of the "
          "0.43 mm2 an 8-core cluster has beside RedMulE (Tortorella et al. DATE 2022), over 9");
  b.quantity("pmca.area_l1_kib", &P::area_l1_kib_mm2, Dimension::Area, "1512um2")
      .range(0, 1e6)
      .desc(
          "L1 area per KiB at 22 nm: 45 % (assumed) of the 0.43 mm2 beside RedMulE over "
          "128 KiB");
  b.quantity("pmca.area_dma", &P::area_dma_mm2, Dimension::Area, "0.043mm2")
      .range(0, 1e6)
      .desc(
          "DMA, instruction cache and cluster interconnect at 22 nm: 10 % (assumed) of the "
          "0.43 mm2 beside RedMulE");
}

PmcaArea pmca_area(const PmcaParams& p) {
  const double scale = (p.node_nm / 22.0) * (p.node_nm / 22.0);
  PmcaArea a;
  a.cores = p.area_core_mm2 * static_cast<double>(p.cores + 1) * scale;
  a.l1 = p.area_l1_kib_mm2 * static_cast<double>(p.l1_bytes) / 1024.0 * scale;
  a.dma = p.area_dma_mm2 * scale;
  a.engine = p.gemm().area_mm2(p) * scale;
  return a;
}

void PmcaParams::derive() {
  const std::int64_t bits = format == "fp32" ? 32 : format == "fp8" ? 8 : 16;
  lanes = std::max<std::int64_t>(1, fpu_width_bits / bits);
  elem_bytes = bits / 8;
  // auto (0): calibrated against RedMulE (cores_e_fma_fp16_pj); FP32 and FP8 at assumed ratios.
  if (e_fma_fp16_pj <= 0) e_fma_fp16_pj = cores_e_fma_fp16_pj(p_static_mw, e_l1_byte_pj);
  if (e_fma_fp32_pj <= 0) e_fma_fp32_pj = 1.8 * e_fma_fp16_pj;
  if (e_fma_fp8_pj <= 0) e_fma_fp8_pj = 0.6 * e_fma_fp16_pj;
}

double PmcaParams::e_fma_pj() const {
  return format == "fp32" ? e_fma_fp32_pj : format == "fp8" ? e_fma_fp8_pj : e_fma_fp16_pj;
}

PmcaParams PmcaParams::from(const Config& cfg) {
  PmcaParams p = Params<PmcaParams>::from(cfg);
  p.derive();
  p.gemm_engine = GemmEngineRegistry::instance().create(p.engine, cfg);
  return p;
}

const GemmEngine& PmcaParams::gemm() const {
  if (!gemm_engine)
    throw std::logic_error("PmcaParams without a GEMM engine: use from() or defaults()");
  return *gemm_engine;
}

void PmcaParams::set_engine(const std::string& name) {
  engine = name;
  gemm_engine = GemmEngineRegistry::instance().create_default(name);
}

double KernelCost::utilisation() const {
  return cycles > 0 && peak_ops > 0
             ? static_cast<double>(lane_ops) /
                   (static_cast<double>(peak_ops) * static_cast<double>(cycles))
             : 0;
}

void KernelCost::accumulate(const KernelCost& o) {
  compute_cycles += o.compute_cycles;
  stall_cycles += o.stall_cycles;
  dma_wait_cycles += o.dma_wait_cycles;
  overhead_cycles += o.overhead_cycles;
  cycles += o.cycles;
  lane_ops += o.lane_ops;
  l1_bytes += o.l1_bytes;
  l1_footprint = std::max(l1_footprint, o.l1_footprint);
  l1_required = std::max(l1_required, o.l1_required);
  dma_bytes += o.dma_bytes;
  energy.add(o.energy);
}

namespace {
std::int64_t ceil_cycles(double c) { return static_cast<std::int64_t>(std::ceil(c - 1e-9)); }

// Utilisation of whatever runs the GEMMs of a LoRA chunk: engine MACs on an engine, all lane ops
// (the add included) on the cores.
double lora_utilisation(const PmcaParams& p, const LoraChunkCost& c) {
  const GemmEngine& g = p.gemm();
  const double useful =
      static_cast<double>(c.down.lane_ops + c.up.lane_ops + (g.on_cores() ? c.add.lane_ops : 0));
  const double peak = static_cast<double>(g.peak_ops(p));
  return c.cycles > 0 ? useful / (peak * static_cast<double>(c.cycles)) : 0;
}
}  // namespace

KernelCost finish_kernel(KernelCost k) {
  k.cycles = ceil_cycles(k.compute_cycles + k.stall_cycles + k.dma_wait_cycles + k.overhead_cycles);
  return k;
}

KernelCost cores_kernel(const PmcaParams& p, std::string name, double issue, std::int64_t nests,
                        std::int64_t lane_ops, std::int64_t l1_bytes) {
  KernelCost c;
  c.name = std::move(name);
  c.compute_cycles = issue;
  c.stall_cycles = issue / p.fpu_util - issue;
  const double l1_cycles =
      static_cast<double>(l1_bytes) / static_cast<double>(p.l1_bytes_per_cycle());
  c.stall_cycles += std::max(0.0, l1_cycles - issue / p.fpu_util);
  c.overhead_cycles =
      static_cast<double>(nests * p.loop_setup_cycles + p.kernel_launch_cycles + p.barrier_cycles);
  c.lane_ops = lane_ops;
  c.peak_ops = p.cores * p.lanes;
  c.l1_bytes = l1_bytes;
  static const EnergyComponent kPmcaComputeEnergy = energy_component("pmca.compute");
  c.energy.add(kPmcaComputeEnergy, p.e_fma_pj() * static_cast<double>(lane_ops));
  static const EnergyComponent kPmcaL1Energy = energy_component("pmca.l1");
  c.energy.add(kPmcaL1Energy, p.e_l1_byte_pj * static_cast<double>(l1_bytes));
  return finish_kernel(c);
}

std::int64_t dma_cycles(const PmcaParams& p, std::int64_t rows, std::int64_t row_bytes) {
  const double bw = std::min(p.dma_bytes_per_cycle, p.l2_bytes_per_cycle);
  const std::int64_t per_row = ceil_cycles(static_cast<double>(row_bytes) / bw);
  return p.dma_setup_cycles + p.l2_latency_cycles + rows * per_row;
}

KernelCost gemm_cost(const PmcaParams& p, std::int64_t m, std::int64_t n, std::int64_t k) {
  return p.gemm().gemm(p, m, n, k);
}

KernelCost add_cost(const PmcaParams& p, std::int64_t m, std::int64_t n) {
  const std::int64_t per_core = ceil_div(m * n, p.cores);
  KernelCost c = cores_kernel(p, "add", static_cast<double>(ceil_div(per_core, p.lanes)), 1, m * n,
                              p.elem_bytes * 3 * m * n);
  c.l1_footprint = c.l1_required = p.elem_bytes * 3 * m * n;
  return c;
}

std::int64_t lora_l1_bytes(std::int64_t t, std::int64_t in, std::int64_t out, std::int64_t r,
                           std::int64_t elem) {
  return elem * (t * in + t * r + t * out + in * r + r * out);
}

namespace {

// The DMA and compute timeline of a spilled kernel in sub-blocks of `sub` rows (staged_cost):
// its cycles, the kernels' cycles and the bytes the DMA moved.
struct StagedTimeline {
  std::int64_t cycles = 0, kernel_cycles = 0, bytes = 0, blocks = 0;
};

StagedTimeline staged_timeline(const PmcaParams& p, const Staging& s, std::int64_t sub,
                               const std::function<std::int64_t(std::int64_t)>& cycles) {
  StagedTimeline r;
  r.blocks = ceil_div(s.rows, sub);
  auto in_cycles = [&](std::int64_t rows) {
    return s.strided_in ? dma_cycles(p, rows, s.in_row) : dma_cycles(p, 1, rows * s.in_row);
  };
  auto out_cycles = [&](std::int64_t rows) {
    return s.strided_out ? dma_cycles(p, rows, s.out_row) : dma_cycles(p, 1, rows * s.out_row);
  };
  // Every block holds `sub` rows but the last: their kernel and DMA cycles are costed once.
  struct Block {
    std::int64_t rows, kernel, in, out;
  };
  const auto block = [&](std::int64_t rows) {
    return Block{rows, cycles(rows), in_cycles(rows), out_cycles(rows)};
  };
  const Block full = block(std::min(sub, s.rows));
  const std::int64_t last_rows = s.rows - (r.blocks - 1) * sub;
  const Block last = last_rows == full.rows ? full : block(last_rows);
  const auto of = [&](std::int64_t i) -> const Block& { return i + 1 < r.blocks ? full : last; };
  std::int64_t dma_free = 0, comp_free = 0;
  if (s.load_resident) {
    dma_free = dma_cycles(p, 1, s.resident);
    r.bytes += s.resident;
  }
  dma_free += of(0).in;
  r.bytes += of(0).rows * s.in_row;
  std::int64_t in_done = dma_free;
  for (std::int64_t i = 0; i < r.blocks; ++i) {
    const Block& b = of(i);
    const std::int64_t start = std::max(in_done, comp_free);
    comp_free = start + b.kernel;
    r.kernel_cycles += b.kernel;
    if (i + 1 < r.blocks) {
      // Block i+1's buffer held block i-1, which is done by the time block i starts.
      const Block& next = of(i + 1);
      in_done = dma_free = std::max(dma_free, start) + next.in;
      r.bytes += next.rows * s.in_row;
    }
    dma_free = std::max(dma_free, comp_free) + b.out;
    r.bytes += b.rows * s.out_row;
  }
  r.cycles = dma_free;
  return r;
}

}  // namespace

StagedCost staged_cost(const PmcaParams& p, const Staging& s,
                       const std::function<KernelCost(std::int64_t)>& kernel,
                       const std::function<std::int64_t(std::int64_t)>& cycles) {
  StagedCost r;
  r.footprint = s.resident + s.rows * s.row_l1;
  if (!s.from_l2 && r.footprint <= p.l1_bytes) {
    r.total = kernel(s.rows);
    r.total.l1_footprint = r.total.l1_required = r.footprint;
    r.sub_rows = s.rows;
    return r;
  }
  r.total.spilled = true;
  const std::int64_t largest =
      p.l1_bytes > s.resident ? std::min(s.rows, (p.l1_bytes - s.resident) / (2 * s.row_l1)) : 0;
  if ((largest < 1 && r.footprint > p.l1_bytes) || r.footprint > p.l2_bytes) {
    r.feasible = false;
    r.total.l1_footprint = r.total.l1_required = r.footprint;
    return r;
  }
  std::map<std::int64_t, KernelCost> costs;  // kernel(n), each n costed once
  const auto cost = [&](std::int64_t n) -> const KernelCost& {
    auto it = costs.find(n);
    if (it == costs.end()) it = costs.emplace(n, kernel(n)).first;
    return it->second;
  };
  const std::function<std::int64_t(std::int64_t)> cycles_of =
      cycles ? cycles : [&](std::int64_t n) { return cost(n).cycles; };
  // Candidates: every multiple of the alignment that fits, and every size below it. The set only
  // grows with L1, so a larger L1 is never slower. Ties go to the larger sub-block.
  const std::int64_t align = std::max<std::int64_t>(1, s.align);
  std::vector<std::int64_t> subs;  // ascending
  for (std::int64_t sub = 1; sub < align && sub <= largest; ++sub) subs.push_back(sub);
  for (std::int64_t sub = align; sub <= largest; sub += align) subs.push_back(sub);
  if (s.from_l2 && r.footprint <= p.l1_bytes) subs.push_back(s.rows);  // one block, one buffer
  // Tried from the largest, a size replaces the best only when strictly faster (so ties go to the
  // larger). A size whose kernels alone, back to back, take longer than the best timeline cannot
  // be faster: its timeline is not built.
  std::int64_t best = 0;
  StagedTimeline best_t;
  for (auto it = subs.rbegin(); it != subs.rend(); ++it) {
    const std::int64_t sub = *it;
    if (best > 0) {
      const std::int64_t blocks = ceil_div(s.rows, sub), full = std::min(sub, s.rows);
      const std::int64_t last = s.rows - (blocks - 1) * sub;
      const std::int64_t kernels =
          (blocks - 1) * cycles_of(full) + (last == full ? cycles_of(full) : cycles_of(last));
      if (kernels > best_t.cycles) continue;
    }
    const StagedTimeline t = staged_timeline(p, s, sub, cycles_of);
    if (best == 0 || t.cycles < best_t.cycles) {
      best = sub;
      best_t = t;
    }
  }
  r.sub_rows = best;
  for (std::int64_t i = 0; i < best_t.blocks; ++i) {
    const KernelCost& k = cost(std::min(best, s.rows - i * best));
    if (i == 0)
      r.total = k;
    else
      r.total.accumulate(k);
  }
  r.total.spilled = true;
  r.total.sub_blocks = best_t.blocks;
  r.total.dma_bytes += best_t.bytes;
  r.total.dma_wait_cycles += static_cast<double>(best_t.cycles - best_t.kernel_cycles);
  r.total.cycles = best_t.cycles;
  r.total.l1_footprint = s.resident + std::min<std::int64_t>(best_t.blocks, 2) * best * s.row_l1;
  r.total.l1_required = r.footprint;
  static const EnergyComponent kPmcaDmaEnergy = energy_component("pmca.dma");
  r.total.energy.add(kPmcaDmaEnergy, p.e_dma_byte_pj * static_cast<double>(best_t.bytes));
  return r;
}

namespace {

LoraChunkCost resident_lora(const PmcaParams& p, std::int64_t tokens, std::int64_t in,
                            std::int64_t out, std::int64_t rank, bool from_l2);

// `k` run `n` times: as accumulating it onto itself n - 1 times.
KernelCost repeated(KernelCost k, std::int64_t n) {
  const double d = static_cast<double>(n);
  k.compute_cycles *= d;
  k.stall_cycles *= d;
  k.dma_wait_cycles *= d;
  k.overhead_cycles *= d;
  k.cycles *= n;
  k.lane_ops *= n;
  k.l1_bytes *= n;
  k.dma_bytes *= n;
  k.energy = k.energy.scaled(d);
  return k;
}

// Adapters too large to stay in L1 (LLaMA-size layers): A is streamed through L1 in blocks of
// `in_b` rows and B in blocks of `out_b` columns, every chunk. X A accumulates over the A blocks
// (n_in down-projections of in_b inputs) and each B block produces its slice of (X A) B and the
// add, fused on an engine that accumulates (n_out up-projections of out_b outputs). `piece` is the
// chunk of the block's shape with its X and X W staged from L2. Simplification: the blocks cost
// what that chunk costs, and the adapters' DMA is not overlapped with compute.
LoraChunkCost streamed_blocks(const PmcaParams& p, std::int64_t in, std::int64_t out,
                              std::int64_t rank, std::int64_t in_b, std::int64_t out_b,
                              const LoraChunkCost& piece, LoraChunkCost c) {
  const std::int64_t n_in = (in + in_b - 1) / in_b, n_out = (out + out_b - 1) / out_b;
  const double down_share = piece.compute_cycles > 0 ? static_cast<double>(piece.down.cycles) /
                                                           static_cast<double>(piece.compute_cycles)
                                                     : 0;
  const double piece_cycles = static_cast<double>(piece.cycles);
  const std::int64_t adapter_bytes = p.elem_bytes * rank * (in + out);
  const std::int64_t adapter_dma = dma_cycles(p, 1, adapter_bytes);
  c.feasible = true;
  c.spilled = true;
  c.sub_tokens = piece.sub_tokens;
  c.down = repeated(piece.down, n_in);
  c.up = repeated(piece.up, n_out);
  c.add = repeated(piece.add, n_out);
  c.add_fused = piece.add_fused;
  c.compute_cycles = c.down.cycles + c.up.cycles + c.add.cycles;
  c.cycles = static_cast<std::int64_t>(
                 std::llround(static_cast<double>(n_in) * down_share * piece_cycles +
                              static_cast<double>(n_out) * (1 - down_share) * piece_cycles)) +
             adapter_dma;
  c.cycles = std::max(c.cycles, c.compute_cycles);
  c.dma_wait_cycles = c.cycles - c.compute_cycles;
  c.dma_bytes = piece.dma_bytes * std::max(n_in, n_out) + adapter_bytes;
  c.l1_peak_bytes = piece.l1_peak_bytes;
  c.duration = ns_to_ps(cycles_to_ns(static_cast<double>(c.cycles), p.freq_hz));
  c.utilisation = lora_utilisation(p, c);
  c.energy = EnergyBreakdown{};
  c.energy.add(c.down.energy);
  c.energy.add(c.up.energy);
  c.energy.add(c.add.energy);
  static const EnergyComponent kPmcaDmaEnergy = energy_component("pmca.dma");
  c.energy.add(kPmcaDmaEnergy, p.e_dma_byte_pj * static_cast<double>(c.dma_bytes));
  return c;
}

// The chunk with A and B streamed (streamed_blocks), in the fastest of the block shapes that fit:
// from the whole adapter, the larger of in_b and out_b halves down to one row of A and one column
// of B. The shapes do not depend on L1, so more L1 is never slower. `c` comes back unchanged
// (infeasible) when none fits.
LoraChunkCost streamed_lora(const PmcaParams& p, std::int64_t tokens, std::int64_t in,
                            std::int64_t out, std::int64_t rank, const LoraChunkCost& c) {
  LoraChunkCost best = c;
  bool found = false;
  for (std::int64_t in_b = in, out_b = out;;) {
    const LoraChunkCost piece = resident_lora(p, tokens, in_b, out_b, rank, true);
    if (piece.feasible) {
      const LoraChunkCost s = streamed_blocks(p, in, out, rank, in_b, out_b, piece, c);
      if (!found || s.cycles < best.cycles) best = s;
      found = true;
    }
    if (in_b == 1 && out_b == 1) return best;
    if (in_b >= out_b)
      in_b = (in_b + 1) / 2;
    else
      out_b = (out_b + 1) / 2;
  }
}

}  // namespace

LoraKernels lora_kernels(const PmcaParams& p, std::int64_t t, std::int64_t in, std::int64_t out,
                         std::int64_t rank) {
  const GemmEngine& g = p.gemm();
  LoraKernels k;
  k.down = gemm_cost(p, t, rank, in);
  k.down.name = "lora_down";
  if (g.accumulates()) {
    k.up = g.gemm_accumulate(p, t, out, rank);
    k.up.name = "lora_up_add";
    k.add.name = "lora_add";
    k.add.unit = k.up.unit;
    k.add.peak_ops = k.up.peak_ops;
    k.add_fused = true;
  } else {
    k.up = gemm_cost(p, t, out, rank);
    k.up.name = "lora_up";
    k.add = add_cost(p, t, out);
    k.add.name = "lora_add";
  }
  k.sum = k.down;
  k.sum.accumulate(k.up);
  k.sum.accumulate(k.add);
  return k;
}

namespace {

// The chunk with its adapters resident in L1 (feasible only when they fit). With `from_l2`, X and
// X W are in L2 and staged even when the chunk would fit (a block of a streamed chunk).
LoraChunkCost resident_lora(const PmcaParams& p, std::int64_t tokens, std::int64_t in,
                            std::int64_t out, std::int64_t rank, bool from_l2) {
  LoraChunkCost c;
  const std::int64_t e = p.elem_bytes;
  c.l1_bytes = lora_l1_bytes(tokens, in, out, rank, e);
  // Adapters stay resident (loaded once per deployment); X and XW come in, Y goes out.
  Staging s;
  s.rows = tokens;
  s.resident = e * (in * rank + rank * out);
  s.row_l1 = e * (in + rank + out);
  s.in_row = e * (in + out);
  s.out_row = e * out;
  s.align = p.gemm().row_block(p);  // whole engine tiles, or rows on every core
  s.from_l2 = from_l2;
  std::map<std::int64_t, LoraKernels> parts;
  const auto kernels = [&](std::int64_t t) -> const LoraKernels& {
    auto it = parts.find(t);
    if (it == parts.end()) it = parts.emplace(t, lora_kernels(p, t, in, out, rank)).first;
    return it->second;
  };
  // The run's memo keeps the cycles of every sub-chunk size tried, per shape (the choice tries
  // many, for every chunk and streamed block shape); the kernels themselves only this chunk keeps.
  const std::shared_ptr<std::vector<std::int64_t>> cycles = LoraCostMemo::Cycles::get(
      p, {in, out, rank}, [] { return std::make_shared<std::vector<std::int64_t>>(); });
  const StagedCost st = staged_cost(
      p, s, [&](std::int64_t t) { return kernels(t).sum; },
      [&](std::int64_t t) {
        std::vector<std::int64_t>& by_t = *cycles;
        const auto i = static_cast<std::size_t>(t);
        if (i >= by_t.size()) by_t.resize(i + 1, -1);
        if (by_t[i] < 0) by_t[i] = kernels(t).sum.cycles;
        return by_t[i];
      });
  c.spilled = st.total.spilled;
  c.feasible = st.feasible;
  c.sub_tokens = st.sub_rows;
  if (!c.feasible) return c;
  // The three kernels summed over the sub-chunks staged_cost chose.
  for (std::int64_t done = 0; done < tokens; done += st.sub_rows) {
    const LoraKernels& k = kernels(std::min(st.sub_rows, tokens - done));
    if (done == 0) {
      c.down = k.down, c.up = k.up, c.add = k.add;
      c.add_fused = k.add_fused;
    } else {
      c.down.accumulate(k.down), c.up.accumulate(k.up), c.add.accumulate(k.add);
    }
  }
  c.dma_bytes = st.total.dma_bytes;
  c.compute_cycles = c.down.cycles + c.up.cycles + c.add.cycles;
  c.cycles = st.total.cycles;
  c.dma_wait_cycles = c.cycles - c.compute_cycles;
  c.l1_peak_bytes = st.total.l1_footprint;
  c.duration = ns_to_ps(cycles_to_ns(static_cast<double>(c.cycles), p.freq_hz));
  c.utilisation = lora_utilisation(p, c);
  c.energy = st.total.energy;
  return c;
}

}  // namespace

namespace {
LoraChunkCost lora_chunk_cost_uncached(const PmcaParams& p, std::int64_t tokens, std::int64_t in,
                                       std::int64_t out, std::int64_t rank) {
  LoraChunkCost c = resident_lora(p, tokens, in, out, rank, false);
  if (!c.feasible) return streamed_lora(p, tokens, in, out, rank, c);
  if (c.spilled) {
    // Resident adapters that leave little room for activations make for many small sub-chunks;
    // streaming the adapters can be faster, and the kernel takes whichever is.
    const LoraChunkCost s = streamed_lora(p, tokens, in, out, rank, c);
    if (s.feasible && s.cycles < c.cycles) return s;
  }
  return c;
}
}  // namespace

LoraChunkCost lora_chunk_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t in,
                              std::int64_t out, std::int64_t rank) {
  return LoraCostMemo::Chunks::get(p, {tokens, in, out, rank}, [&] {
    return lora_chunk_cost_uncached(p, tokens, in, out, rank);
  });
}

LoraChunkCost lora_group_cost(const PmcaParams& p, std::int64_t clusters, std::int64_t tokens,
                              std::int64_t in, std::int64_t out, std::int64_t rank) {
  if (clusters <= 1) return lora_chunk_cost(p, tokens, in, out, rank);
  // Tokens first; clusters left over split the outputs (each computes X A for its tokens and its
  // slice of (X A) B).
  const std::int64_t by_tokens = std::min(clusters, tokens);
  const std::int64_t by_cols = std::max<std::int64_t>(1, std::min(clusters / by_tokens, out));
  const std::int64_t per_t = (tokens + by_tokens - 1) / by_tokens,
                     per_out = (out + by_cols - 1) / by_cols;
  LoraChunkCost c = lora_chunk_cost(p, per_t, in, per_out, rank);
  if (!c.feasible) return c;
  // Work and energy of the whole group: the busiest cluster's share scaled to all of it.
  const double scale = static_cast<double>(tokens * out) / static_cast<double>(per_t * per_out);
  c.energy = c.energy.scaled(scale);
  c.dma_bytes = static_cast<std::int64_t>(static_cast<double>(c.dma_bytes) * scale);
  c.utilisation *= scale / static_cast<double>(by_tokens * by_cols);
  return c;
}

std::shared_ptr<const LoraChunkCost> shared_lora_group_cost(const PmcaParams& p,
                                                            std::int64_t clusters,
                                                            std::int64_t tokens, std::int64_t in,
                                                            std::int64_t out, std::int64_t rank) {
  return LoraCostMemo::Groups::get(p, {clusters, tokens, in, out, rank}, [&] {
    return std::make_shared<const LoraChunkCost>(
        lora_group_cost(p, clusters, tokens, in, out, rank));
  });
}

bool PmcaParams::operator==(const PmcaParams& o) const {
  // A field added to PmcaParams must be compared here too (cost memos rely on it).
  static_assert(sizeof(PmcaParams) == 352, "compare the new PmcaParams field in operator==");
  const auto fields = [](const PmcaParams& p) {
    return std::tie(p.freq_hz, p.cores, p.format, p.fpu_width_bits, p.fpu_util, p.loop_setup_cycles,
                    p.kernel_launch_cycles, p.barrier_cycles, p.exp_ops, p.recip_ops, p.div_cycles,
                    p.l1_bytes, p.l1_banks, p.l1_bank_bytes, p.l2_bytes, p.l2_bytes_per_cycle,
                    p.l2_latency_cycles, p.dma_bytes_per_cycle, p.dma_setup_cycles, p.preset,
                    p.engine, p.e_fma_fp32_pj, p.e_fma_fp16_pj, p.e_fma_fp8_pj, p.e_l1_byte_pj,
                    p.e_dma_byte_pj, p.p_static_mw, p.node_nm, p.area_core_mm2, p.area_l1_kib_mm2,
                    p.area_dma_mm2, p.lanes, p.elem_bytes, p.gemm_engine);
  };
  return fields(*this) == fields(o);
}

AIMCSIM_REGISTER_PARAMS(50, "pmca", PmcaParams);

}  // namespace aimcsim
