#include <cmath>

#include "models/aimc/tile_model.hpp"
#include "sim/base/math.hpp"

namespace aimcsim {
namespace {

// A phase-change-memory crossbar with DAC (or PWM) inputs, ADCs shared by columns in rounds, a
// digital post-processing unit (HERMES-like, Le Gallo et al. 2023) and one or two stream ports.
// Simplification: an MVM's integration time does not depend on the data; energy is linear in active
// rows, cells and columns; every cell takes `program_iterations` program-and-verify iterations.
class PcmCrossbar final : public TileModel {
 public:
  MvmStages mvm_stages(const TileParams& p, std::int64_t rows_used,
                       std::int64_t cols_used) const override {
    MvmStages s;
    s.stream_in = ns_to_ps(cycles_to_ns(
        static_cast<double>(ceil_div(rows_used * p.input_bits, p.io_width_bits)), p.io_freq_hz));
    s.integrate = ns_to_ps(p.integration_ns());
    s.convert = ns_to_ps(static_cast<double>(ceil_div(cols_used, p.adc_count)) * p.t_adc_ns);
    s.post = ns_to_ps(cycles_to_ns(
        std::ceil(static_cast<double>(cols_used) / p.post_outputs_per_cycle), p.post_freq_hz));
    s.stream_out = ns_to_ps(cycles_to_ns(
        static_cast<double>(ceil_div(cols_used * p.output_bits, p.io_width_bits)), p.io_freq_hz));
    s.shared_port = p.shared_port();
    return s;
  }

  EnergyBreakdown mvm_energy(const TileParams& p, std::int64_t rows_used,
                             std::int64_t cols_used) const override {
    static const EnergyComponent kDac = energy_component("aimc.dac"),
                                 kArray = energy_component("aimc.array"),
                                 kAdc = energy_component("aimc.adc"),
                                 kPost = energy_component("aimc.post");
    EnergyBreakdown e;
    e.add(kDac, p.e_dac_per_row_pj * static_cast<double>(rows_used));
    e.add(kArray, p.e_cell_pj * static_cast<double>(rows_used * cols_used));
    e.add(kAdc, p.e_adc_pj * static_cast<double>(cols_used));
    e.add(kPost, p.e_post_pj * static_cast<double>(cols_used));
    return e;
  }

  // Cells go `program_columns` at a time along a row; each iteration is a RESET and a SET pulse
  // and a verify read with its precharge.
  ProgramCost program(const TileParams& p, std::int64_t rows_used,
                      std::int64_t cols_used) const override {
    const double iteration_ns = p.t_reset_ns + p.t_set_ns + p.t_verify_ns + p.t_precharge_ns;
    const double steps = static_cast<double>(rows_used * ceil_div(cols_used, p.program_columns) *
                                             p.program_iterations);
    ProgramCost c;
    c.time = ns_to_ps(steps * iteration_ns);
    c.energy_pj = static_cast<double>(rows_used * cols_used * p.program_iterations) *
                  (p.e_program_pulse_pj + p.e_program_verify_pj);
    return c;
  }
};

}  // namespace

AIMCSIM_REGISTER(TileModelRegistry,
                 {"pcm-crossbar",
                  "PCM crossbar: DAC or PWM inputs, shared ADCs, digital post-processing, "
                  "program-and-verify",
                  [](const Config&) { return std::unique_ptr<TileModel>(new PcmCrossbar()); },
                  nullptr});

}  // namespace aimcsim
