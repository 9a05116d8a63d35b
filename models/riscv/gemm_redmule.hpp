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
  double e_cycle_pj;           // cluster energy per busy engine cycle

  std::int64_t macs_per_cycle() const { return height * width; }
  static void bind(ParamBinder<RedmuleParams>& b);
};

// GEMM on the RedMulE-like engine: C in tiles of L rows x H(P+1) columns, K in blocks of H(P+1);
// each (tile, K block) takes (P+1) * H(P+1) cycles; operands stream over the memory port,
// double-buffered; one chain fill and drain and a configuration per job. With `accumulate` the
// engine computes C = A B + Y (its GEMM-Ops, Tortorella et al. DATE 2022): per tile the port
// also reads the L x T tile of Y, which seeds the accumulators, and C overwrites Y. Simplification:
// the published steady-state utilisation stands for the losses the geometry does not explain.
KernelCost gemm_redmule_cost(const PmcaParams& p, const RedmuleParams& rm, std::int64_t m,
                             std::int64_t n, std::int64_t k, bool accumulate = false);

}  // namespace aimcsim
