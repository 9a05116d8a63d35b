#pragma once

namespace aimcsim::test {

// The PMCA's energy calibration (models/README.md#energy-calibration), by hand. RedMulE's busy
// cycles per second at its published point: 43.5 mW x 688 GFLOPS/W / (2 x 31.6 MAC/cycle) =
// 473.544 M; its dynamic energy per cycle, the cluster's 2 mW leakage taken out:
// 41.5 mW / 473.544 MHz = 87.637 pJ.
constexpr double kRedmuleCyclePj = 41.5 / (43.5 * 688 / 63.2) * 1e3;
// The cores' FP16 lane operation: a large GEMM on the cores costs 4.65x the engine's dynamic
// energy per MAC, 87.637 / 31.6 = 2.77334 pJ, less the 2 B x 0.5 pJ of L1 traffic a MAC of a
// large GEMM makes on the cores: 4.65 x 2.77334 - 1 = 11.8960 pJ.
constexpr double kCoresFmaPj = 4.65 * kRedmuleCyclePj / 31.6 - 2 * 0.5;

}  // namespace aimcsim::test
