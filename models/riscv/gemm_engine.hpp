#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "models/riscv/pmca_model.hpp"
#include "sim/base/config.hpp"
#include "sim/base/registry.hpp"

namespace aimcsim {

// What runs the GEMMs of a PMCA (the LoRA projections, attention's Q K^T and softmax(.) V): the
// compute cores, or a matrix engine beside them. Chosen by `pmca.engine`; each implementation is
// one file (models/riscv/gemm_*.cpp) that registers itself and declares its own keys
// (pmca.<name>.*). Element-wise kernels (norms, activations) always run on the cores; the LoRA add
// does too, unless the engine accumulates and it fuses into (X A) B.
class GemmEngine {
 public:
  virtual ~GemmEngine() = default;
  // Contract: cycles (split into compute, stall, DMA wait and overhead), useful MACs, L1 traffic
  // and footprint, and dynamic energy of C (m x n) = A (m x k) * B (k x n) held in L1, on a
  // cluster with parameters `p`; m, n, k >= 1. KernelCost::unit names the engine.
  virtual KernelCost gemm(const PmcaParams& p, std::int64_t m, std::int64_t n,
                          std::int64_t k) const = 0;
  // Contract: true when the engine computes C = A B + Y natively, Y (m x n) read from L1, so that
  // an element-wise add after a GEMM fuses into it (gemm_accumulate).
  virtual bool accumulates() const { return false; }
  // Contract: as gemm(), for C = A B + Y with Y read over the engine's port and C written in its
  // place; only called when accumulates() (the default throws std::logic_error).
  virtual KernelCost gemm_accumulate(const PmcaParams&, std::int64_t, std::int64_t,
                                     std::int64_t) const {
    throw std::logic_error("GemmEngine::gemm_accumulate: this engine does not accumulate");
  }
  // Contract: useful operations per cycle at peak: the denominator of the engine's utilisation.
  virtual std::int64_t peak_ops(const PmcaParams& p) const = 0;
  // Contract: true when the GEMMs run on the compute cores, so that element-wise kernels count
  // toward the same utilisation.
  virtual bool on_cores() const = 0;
  // Contract: rows per sub-block the engine prefers when a kernel is staged through L1 in
  // pieces: a multiple of it wastes no engine tile or core; 1 when any number of rows will do.
  virtual std::int64_t row_block(const PmcaParams& p) const = 0;
  // Contract: the engine's own area in mm2 at 22 nm (pmca_area scales it to pmca.node); 0 for
  // the cores, whose area the cluster counts.
  virtual double area_mm2(const PmcaParams&) const { return 0; }
  // Contract: a short description of the engine's geometry for headers ("RedMulE 4x8 ..."), or
  // empty.
  virtual std::string describe(const PmcaParams& p) const = 0;
};

// Engines by name; the factory reads the engine's own keys from a validated config.
using GemmEngineRegistry = Registry<GemmEngine, const Config&>;

}  // namespace aimcsim
