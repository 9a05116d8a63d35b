#pragma once
#include <cstdint>

#include "models/riscv/pmca_model.hpp"

namespace aimcsim {

// GEMM on the compute cores: rows of C split across cores, each row vectorised along N over the
// SIMD lanes, one SIMD FMA per k and lane group; one loop nest per row (cores_kernel).
KernelCost gemm_cores_cost(const PmcaParams& p, std::int64_t m, std::int64_t n, std::int64_t k);

}  // namespace aimcsim
