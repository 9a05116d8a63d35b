#include "models/riscv/pmca_model.hpp"

#include <algorithm>
#include <cmath>

namespace aimcsim {

void PmcaParams::bind(ParamBinder<PmcaParams>& b) {
  using P = PmcaParams;
  b.quantity("pmca.freq", &P::freq_hz, Dimension::Frequency, "1GHz").range(1e6, 1e11)
      .desc("cluster clock (assumed 1 GHz; RedMulE reaches 666 MHz)");
  b.integer("pmca.cores", &P::cores, 8).range(1, 1024).desc("compute cores (Snitch cluster: 8 + 1 DMA core)");
  b.integer("pmca.fp16_lanes", &P::fp16_lanes, 2).range(1, 64).desc("FP16 SIMD lanes per FPU (32-bit FPU: 2)");
  b.real("pmca.fpu_util", &P::fpu_util, 0.9).range(0.01, 1)
      .desc("FPU utilisation of streamed (SSR/FREP) loops (Snitch: ~0.9)");
  b.integer("pmca.loop_setup_cycles", &P::loop_setup_cycles, 10).range(0, 1000000)
      .desc("cycles to set up one inner loop nest on a core (assumed)");
  b.integer("pmca.kernel_launch_cycles", &P::kernel_launch_cycles, 100).range(0, 1000000)
      .desc("cycles per kernel for dispatch and the cluster barrier (assumed)");
  b.bytes("pmca.l1_size", &P::l1_bytes, "128KiB").range(1, 1e12).desc("shared L1 (TCDM) size");
  b.real("pmca.dma_bytes_per_cycle", &P::dma_bytes_per_cycle, 64).range(0.001, 65536)
      .desc("DMA bandwidth between L2 and L1 (iDMA 512 bit: 64)");
  b.integer("pmca.dma_setup_cycles", &P::dma_setup_cycles, 20).range(0, 1000000)
      .desc("cycles to start one DMA transfer (assumed)");
  b.quantity("pmca.e_fma", &P::e_fma_pj, Dimension::Energy, "2pJ").range(0, 1e9)
      .desc("energy per FP16 lane operation (assumed)");
  b.quantity("pmca.e_l1_byte", &P::e_l1_byte_pj, Dimension::Energy, "0.5pJ").range(0, 1e9)
      .desc("energy per byte of L1 traffic (assumed)");
  b.quantity("pmca.e_dma_byte", &P::e_dma_byte_pj, Dimension::Energy, "1pJ").range(0, 1e9)
      .desc("energy per byte the DMA moves between L2 and L1 (assumed)");
  b.quantity("pmca.p_static", &P::p_static_mw, Dimension::Power, "2mW").range(0, 1e9)
      .desc("cluster leakage power (assumed)");
}

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

KernelCost finish(KernelCost k) {
  k.cycles = static_cast<std::int64_t>(std::ceil(k.compute_cycles + k.overhead_cycles - 1e-9));
  return k;
}

std::int64_t dma_cycles(const PmcaParams& p, std::int64_t bytes) {
  return p.dma_setup_cycles + static_cast<std::int64_t>(std::ceil(static_cast<double>(bytes) / p.dma_bytes_per_cycle - 1e-9));
}
}  // namespace

KernelCost gemm_cost(const PmcaParams& p, std::int64_t m, std::int64_t n, std::int64_t k) {
  KernelCost c;
  c.name = "gemm";
  const std::int64_t rows_per_core = ceil_div(m, p.cores);
  const std::int64_t simd_per_row = k * ceil_div(n, p.fp16_lanes);
  c.compute_cycles = static_cast<double>(rows_per_core * simd_per_row) / p.fpu_util;
  c.overhead_cycles = static_cast<double>(rows_per_core * p.loop_setup_cycles + p.kernel_launch_cycles);
  c.lane_ops = m * n * k;
  c.l1_bytes = p.elem_bytes * (m * k * ceil_div(n, p.fp16_lanes) * p.fp16_lanes + m * k + m * n);
  return finish(c);
}

KernelCost add_cost(const PmcaParams& p, std::int64_t m, std::int64_t n) {
  KernelCost c;
  c.name = "add";
  const std::int64_t per_core = ceil_div(m * n, p.cores);
  c.compute_cycles = static_cast<double>(ceil_div(per_core, p.fp16_lanes)) / p.fpu_util;
  c.overhead_cycles = static_cast<double>(p.loop_setup_cycles + p.kernel_launch_cycles);
  c.lane_ops = m * n;
  c.l1_bytes = p.elem_bytes * 3 * m * n;
  return finish(c);
}

std::int64_t lora_l1_bytes(std::int64_t t, std::int64_t in, std::int64_t out, std::int64_t r,
                           std::int64_t elem) {
  return elem * (t * in + t * r + t * out + in * r + r * out);
}

LoraChunkCost lora_chunk_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t in,
                              std::int64_t out, std::int64_t rank) {
  LoraChunkCost c;
  const std::int64_t e = p.elem_bytes;
  c.l1_bytes = lora_l1_bytes(tokens, in, out, rank, e);
  auto kernels = [&](std::int64_t t, KernelCost& down, KernelCost& up, KernelCost& add) {
    down = gemm_cost(p, t, rank, in);
    down.name = "lora_down";
    up = gemm_cost(p, t, out, rank);
    up.name = "lora_up";
    add = add_cost(p, t, out);
    return down.cycles + up.cycles + add.cycles;
  };

  if (c.l1_bytes <= p.l1_bytes) {
    c.compute_cycles = kernels(tokens, c.down, c.up, c.add);
    c.cycles = c.compute_cycles;
    c.sub_tokens = tokens;
  } else {
    // Adapters stay resident; activations (X, XA, XW/Y) are double-buffered per sub-chunk.
    c.spilled = true;
    const std::int64_t adapters = e * (in * rank + rank * out);
    const std::int64_t per_token = 2 * e * (in + rank + out);
    c.sub_tokens = p.l1_bytes > adapters ? (p.l1_bytes - adapters) / per_token : 0;
    if (c.sub_tokens < 1) {
      c.feasible = false;
      return c;
    }
    c.sub_tokens = std::min(c.sub_tokens, tokens);
    const std::int64_t n = ceil_div(tokens, c.sub_tokens);
    std::int64_t dma_free = 0, comp_free = 0;
    std::int64_t in_done = 0;
    auto size_of = [&](std::int64_t i) { return std::min(c.sub_tokens, tokens - i * c.sub_tokens); };
    in_done = dma_free = dma_cycles(p, size_of(0) * (in + out) * e);
    c.dma_bytes += size_of(0) * (in + out) * e;
    for (std::int64_t i = 0; i < n; ++i) {
      KernelCost d, u, a;
      const std::int64_t comp = kernels(size_of(i), d, u, a);
      if (i == 0) {
        c.down = d;
        c.up = u;
        c.add = a;
      } else {
        c.down.cycles += d.cycles, c.down.lane_ops += d.lane_ops, c.down.l1_bytes += d.l1_bytes;
        c.up.cycles += u.cycles, c.up.lane_ops += u.lane_ops, c.up.l1_bytes += u.l1_bytes;
        c.add.cycles += a.cycles, c.add.lane_ops += a.lane_ops, c.add.l1_bytes += a.l1_bytes;
      }
      const std::int64_t c_start = std::max(in_done, comp_free);
      comp_free = c_start + comp;
      c.compute_cycles += comp;
      if (i + 1 < n) {
        // The next sub-chunk's buffer is free once the sub-chunk before this one is done,
        // which holds by the time this one starts computing.
        const std::int64_t bytes = size_of(i + 1) * (in + out) * e;
        in_done = dma_free = std::max(dma_free, c_start) + dma_cycles(p, bytes);
        c.dma_bytes += bytes;
      }
      const std::int64_t out_bytes = size_of(i) * out * e;
      dma_free = std::max(dma_free, comp_free) + dma_cycles(p, out_bytes);
      c.dma_bytes += out_bytes;
    }
    c.cycles = dma_free;
  }

  const std::int64_t lane_ops = c.down.lane_ops + c.up.lane_ops + c.add.lane_ops;
  c.duration = ns_to_ps(cycles_to_ns(static_cast<double>(c.cycles), p.freq_hz));
  c.utilisation = c.cycles > 0 ? static_cast<double>(lane_ops) /
                                     (static_cast<double>(p.cores * p.fp16_lanes) * static_cast<double>(c.cycles))
                               : 0;
  c.energy.add("pmca.compute", p.e_fma_pj * static_cast<double>(lane_ops));
  c.energy.add("pmca.l1", p.e_l1_byte_pj * static_cast<double>(c.down.l1_bytes + c.up.l1_bytes + c.add.l1_bytes));
  c.energy.add("pmca.dma", p.e_dma_byte_pj * static_cast<double>(c.dma_bytes));
  return c;
}

}  // namespace aimcsim
