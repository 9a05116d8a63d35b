#include "models/riscv/gemm_redmule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/riscv/gemm_engine.hpp"
#include "sim/base/math.hpp"

namespace aimcsim {

void RedmuleParams::bind(ParamBinder<RedmuleParams>& b) {
  using P = RedmuleParams;
  b.integer("pmca.redmule.height", &P::height, 4)
      .range(1, 256)
      .desc(
          "RedMulE array height H, CEs chained per row (assumed: 4, from the RedMulE README; "
          "models/README.md#redmule-engine)");
  b.integer("pmca.redmule.width", &P::width, 8)
      .range(1, 256)
      .desc(
          "RedMulE array width L, rows of CEs (assumed: 8, 32 FMAs with H = 4; "
          "models/README.md#redmule-engine)");
  b.integer("pmca.redmule.pipe_regs", &P::pipe, 3)
      .range(0, 64)
      .desc("RedMulE pipeline registers P per CE (assumed: 3; models/README.md#redmule-engine)");
  b.integer("pmca.redmule.port_width", &P::port_bits, 256)
      .range(8, 65536)
      .desc("RedMulE memory port in bits (Tortorella et al. DATE 2022: 256)");
  b.real("pmca.redmule.util", &P::util, 0.988)
      .range(0.01, 1)
      .desc(
          "steady-state engine utilisation on large GEMMs (Tortorella et al. DATE 2022: 31.6 of 32 "
          "MAC/cycle)");
  b.integer("pmca.redmule.config_cycles", &P::config_cycles, 50)
      .range(0, 1000000)
      .desc("cycles for a core to configure and start one engine job (assumed)");
  b.quantity_or_auto("pmca.redmule.e_cycle", &P::e_cycle_pj, Dimension::Energy, "auto")
      .range(1e-9, 1e9)
      .desc(
          "dynamic cluster energy per busy engine cycle; auto: 43.5 mW cluster power (leakage "
          "included) less pmca.p_static, at 688 GFLOPS/W FP16 = 473.5 M cycles/s at 31.6 "
          "MAC/cycle (Tortorella et al. DATE 2022): 87.64 pJ with the default leakage");
  b.quantity("pmca.redmule.area", &P::area_mm2, Dimension::Area, "0.07mm2")
      .range(0, 1e6)
      .desc(
          "engine area at 22 nm for 32 FMA units, scaled with height x width (Tortorella et al. "
          "DATE 2022: 0.07 mm2, 14 % of an 8-core cluster)");
}

double redmule_e_cycle_pj(double leak_mw) {
  const double dynamic_mw = std::max(0.0, RedmulePublished::cluster_power_mw - leak_mw);
  return dynamic_mw * 1e9 / RedmulePublished::cycles_per_s();
}

double cores_e_fma_fp16_pj(double leak_mw, double e_l1_byte_pj) {
  const double engine_mac = redmule_e_cycle_pj(leak_mw) / RedmulePublished::macs_per_cycle;
  return std::max(0.0, RedmulePublished::vs_cores * engine_mac - 2.0 * e_l1_byte_pj);
}

KernelCost gemm_redmule_cost(const PmcaParams& p, const RedmuleParams& rm, std::int64_t m,
                             std::int64_t n, std::int64_t k, bool accumulate) {
  KernelCost c;
  c.name = "gemm";
  c.unit = "redmule";
  const std::int64_t L = rm.width, T = rm.height * (rm.pipe + 1), e = p.elem_bytes;
  const std::int64_t tiles = ceil_div(m, L) * ceil_div(n, T), kblocks = ceil_div(k, T);
  const double port = static_cast<double>(rm.port_bits) / 8.0;
  // Each CE interleaves P+1 accumulations to hide its pipeline: a (tile, K block) keeps the
  // L x H CEs busy for (P+1) * T cycles, padded rows, columns and K included.
  const std::int64_t tile_compute = kblocks * (rm.pipe + 1) * T;
  c.compute_cycles = static_cast<double>(tiles * tile_compute);
  c.stall_cycles = c.compute_cycles / rm.util - c.compute_cycles;
  // Per tile the port brings an L x T block of A and a T x T block of B per K block (and, when
  // accumulating, the L x T tile of Y once) and stores the L x T tile of C; double-buffered, it
  // stalls the array only when it needs longer.
  const std::int64_t block_bytes = e * (L * T + T * T), tile_out = e * L * T;
  const std::int64_t tile_y = accumulate ? e * L * T : 0;
  const double tile_port =
      std::ceil(static_cast<double>(kblocks * block_bytes + tile_y + tile_out) / port);
  c.stall_cycles +=
      static_cast<double>(tiles) * std::max(0.0, tile_port - static_cast<double>(tile_compute));
  // Configure and start; fill the first operand blocks (and Y tile); drain the CE chain and store
  // the last tile.
  const double fill = std::ceil(static_cast<double>(block_bytes + tile_y) / port);
  const double drain = static_cast<double>(T) + std::ceil(static_cast<double>(tile_out) / port);
  c.overhead_cycles = static_cast<double>(rm.config_cycles) + fill + drain;
  c.lane_ops = m * n * k;
  c.peak_ops = rm.macs_per_cycle();
  c.l1_bytes = tiles * (kblocks * block_bytes + tile_y + tile_out);
  c.l1_footprint = c.l1_required = e * (m * k + k * n + m * n);
  c = finish_kernel(c);
  // auto (0): the published cluster power less this cluster's own leakage, counted apart.
  const double e_cycle = rm.e_cycle_pj > 0 ? rm.e_cycle_pj : redmule_e_cycle_pj(p.p_static_mw);
  static const EnergyComponent kPmcaRedmuleEnergy = energy_component("pmca.redmule");
  c.energy.add(kPmcaRedmuleEnergy, e_cycle * static_cast<double>(c.cycles));
  return c;
}

namespace {

// A RedMulE-like matrix engine beside the compute cores (gemm_redmule_cost).
class RedmuleEngine final : public GemmEngine {
 public:
  explicit RedmuleEngine(const RedmuleParams& rm) : rm_(rm) {}
  KernelCost gemm(const PmcaParams& p, std::int64_t m, std::int64_t n,
                  std::int64_t k) const override {
    return gemm_redmule_cost(p, rm_, m, n, k);
  }
  bool accumulates() const override { return true; }
  KernelCost gemm_accumulate(const PmcaParams& p, std::int64_t m, std::int64_t n,
                             std::int64_t k) const override {
    return gemm_redmule_cost(p, rm_, m, n, k, true);
  }
  std::int64_t peak_ops(const PmcaParams&) const override { return rm_.macs_per_cycle(); }
  double area_mm2(const PmcaParams&) const override {
    return rm_.area_mm2 * static_cast<double>(rm_.macs_per_cycle()) / 32.0;
  }
  bool on_cores() const override { return false; }
  // Whole tiles of L rows.
  std::int64_t row_block(const PmcaParams&) const override { return rm_.width; }
  std::string describe(const PmcaParams&) const override {
    return fmt::format("RedMulE {}x{} P={} ({} MAC/cycle, {}-bit port)", rm_.height, rm_.width,
                       rm_.pipe, rm_.macs_per_cycle(), rm_.port_bits);
  }

 private:
  RedmuleParams rm_;
};

}  // namespace

AIMCSIM_REGISTER(GemmEngineRegistry,
                 {"redmule", "a RedMulE-like GEMM engine beside the cores (pmca.redmule.*)",
                  [](const Config& cfg) {
                    return std::unique_ptr<GemmEngine>(new RedmuleEngine(RedmuleParams::from(cfg)));
                  },
                  [](Schema& s) { RedmuleParams::declare(s); }});

}  // namespace aimcsim
