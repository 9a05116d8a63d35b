#pragma once
#include <cstdint>

#include "models/riscv/pmca_model.hpp"
#include "sim/base/params.hpp"

namespace aimcsim {

// Parameters of a RedMulE-like GEMM engine (Tortorella et al., DATE 2022): an array of L rows of
// H chained FMA units with P pipeline registers each, fed over one memory port from the L1.
struct RedmuleParams : Params<RedmuleParams> {
  std::int64_t height;         // H, CEs chained per row
  std::int64_t width;          // L, rows of CEs
  std::int64_t pipe;           // P, pipeline registers per CE
  std::int64_t port_bits;      // memory port
  double util;                 // steady-state utilisation (published 98.8 %)
  std::int64_t config_cycles;  // configure-and-start of one engine job
  double e_cycle_pj;           // dynamic cluster energy per busy engine cycle (leakage apart)
  double area_mm2;             // at 22 nm, for 32 FMA units; scales with H x L

  std::int64_t macs_per_cycle() const { return height * width; }
  static void bind(ParamBinder<RedmuleParams>& b);
};

// RedMulE's published operating point (Tortorella et al., DATE 2022), the one figure the PMCA's
// energy is calibrated to (models/README.md#energy-calibration): 43.5 mW of cluster power, leakage
// included, at 688 GFLOPS/W FP16 and 31.6 MAC/cycle, and 4.65x the energy efficiency of software
// on the cluster's 8 cores.
struct RedmulePublished {
  static constexpr double cluster_power_mw = 43.5;
  static constexpr double gflops_per_w = 688;
  static constexpr double macs_per_cycle = 31.6;
  static constexpr double vs_cores = 4.65;
  // Busy engine cycles per second at that point: 43.5 mW x 688 GFLOPS/W / (2 x 31.6), 473.5 M.
  static double cycles_per_s() {
    return cluster_power_mw * 1e-3 * gflops_per_w * 1e9 / (2.0 * macs_per_cycle);
  }
};

// Dynamic cluster energy per busy engine cycle: the published cluster power less the cluster's
// own leakage `leak_mw` (pmca.p_static, counted apart over the run), over the busy cycles per
// second. With the default 2 mW: 41.5 mW / 473.5 MHz = 87.64 pJ.
double redmule_e_cycle_pj(double leak_mw);

// Dynamic energy per FP16 lane operation of the cores such that a large GEMM on the cores costs
// 4.65x the engine's dynamic energy per MAC: 4.65 x e_cycle / 31.6 less the 2 B of L1 traffic
// (at `e_l1_byte_pj`) a MAC of a large GEMM makes on the cores. With the defaults:
// 4.65 x 87.64 / 31.6 - 2 x 0.5 = 11.90 pJ.
double cores_e_fma_fp16_pj(double leak_mw, double e_l1_byte_pj);

// GEMM on the RedMulE-like engine: C in tiles of L rows x H(P+1) columns, K in blocks of H(P+1);
// each (tile, K block) takes (P+1) * H(P+1) cycles; operands stream over the memory port,
// double-buffered; one chain fill and drain and a configuration per job. With `accumulate` the
// engine computes C = A B + Y (its GEMM-Ops, Tortorella et al. DATE 2022): per tile the port
// also reads the L x T tile of Y, which seeds the accumulators, and C overwrites Y. Simplification:
// the published steady-state utilisation stands for the losses the geometry does not explain.
KernelCost gemm_redmule_cost(const PmcaParams& p, const RedmuleParams& rm, std::int64_t m,
                             std::int64_t n, std::int64_t k, bool accumulate = false);

}  // namespace aimcsim
