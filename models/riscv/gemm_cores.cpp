#include "models/riscv/gemm_cores.hpp"

#include "models/riscv/gemm_engine.hpp"
#include "sim/base/math.hpp"

namespace aimcsim {

KernelCost gemm_cores_cost(const PmcaParams& p, std::int64_t m, std::int64_t n, std::int64_t k) {
  const std::int64_t rows_per_core = ceil_div(m, p.cores);
  const std::int64_t simd_per_row = k * ceil_div(n, p.lanes);
  // Per output row: B streamed once per lane group, A read per k, C written.
  const std::int64_t l1 = p.elem_bytes * (m * k * ceil_div(n, p.lanes) * p.lanes + m * k + m * n);
  KernelCost c = cores_kernel(p, "gemm", static_cast<double>(rows_per_core * simd_per_row),
                              rows_per_core, m * n * k, l1);
  c.l1_footprint = c.l1_required = p.elem_bytes * (m * k + k * n + m * n);
  return c;
}

namespace {

// The GEMMs run on the cluster's compute cores (no engine).
class CoresEngine final : public GemmEngine {
 public:
  KernelCost gemm(const PmcaParams& p, std::int64_t m, std::int64_t n,
                  std::int64_t k) const override {
    return gemm_cores_cost(p, m, n, k);
  }
  std::int64_t peak_ops(const PmcaParams& p) const override { return p.cores * p.lanes; }
  bool on_cores() const override { return true; }
  // Rows split over the cores: a multiple of the core count leaves none idle.
  std::int64_t row_block(const PmcaParams& p) const override { return p.cores; }
  std::string describe(const PmcaParams&) const override { return ""; }
};

}  // namespace

AIMCSIM_REGISTER(GemmEngineRegistry,
                 {"cores", "the compute cores run the GEMMs (SIMD FMAs, rows split over cores)",
                  [](const Config&) { return std::unique_ptr<GemmEngine>(new CoresEngine()); },
                  nullptr});

}  // namespace aimcsim
