#include "models/aimc/tile_model.hpp"

#include <algorithm>
#include <cmath>

namespace aimcsim {

void TileParams::bind(ParamBinder<TileParams>& b) {
  using P = TileParams;
  b.integer("tile.rows", &P::rows, 512).range(1, 65536).desc("crossbar rows (layer inputs per tile)");
  b.integer("tile.cols", &P::cols, 512).range(1, 65536).desc("crossbar columns (layer outputs per tile)");
  b.quantity("tile.t_int", &P::t_int_ns, Dimension::Time, "128ns").range(0.001, 1e9)
      .desc("MVM integration time (AHWA-LoRA sweeps 128, 256, 512 ns)");
  b.integer("tile.input_bits", &P::input_bits, 8).range(1, 32).desc("input precision streamed in per row");
  b.integer("tile.output_bits", &P::output_bits, 16).range(1, 32)
      .desc("output precision streamed out per column after post-processing (FP16 = 16)");
  b.integer("tile.adc_count", &P::adc_count, 512).range(1, 65536).desc("ADCs per tile; columns share them");
  b.quantity("tile.t_adc", &P::t_adc_ns, Dimension::Time, "2ns").range(0, 1e9)
      .desc("one ADC conversion (assumed: HERMES 130 ns MVM minus 128 ns integration)");
  b.real("tile.post_outputs_per_cycle", &P::post_outputs_per_cycle, 64).range(1e-3, 65536)
      .desc("digital post-processing throughput (affine scale/offset, activation; assumed)");
  b.quantity("tile.post_freq", &P::post_freq_hz, Dimension::Frequency, "1GHz").range(1, 1e12)
      .desc("post-processing clock");
  b.integer("tile.io_width_bits", &P::io_width_bits, 256).range(1, 65536)
      .desc("stream-in/stream-out port width (assumed)");
  b.quantity("tile.io_freq", &P::io_freq_hz, Dimension::Frequency, "1GHz").range(1, 1e12).desc("stream port clock");
  b.choice("tile.streaming", &P::streaming, {"pipelined", "sequential"}, "pipelined")
      .desc("overlap neighbouring MVMs' streaming with compute (Garofalo et al. 2022), or not");
  b.quantity("tile.e_dac_per_row", &P::e_dac_per_row_pj, Dimension::Energy, "5.23pJ").range(0, 1e12)
      .desc("input driver energy per active row per MVM (assumed: 10 % of 13.4 nJ per 256x256 HERMES MVM)");
  b.quantity("tile.e_cell", &P::e_cell_pj, Dimension::Energy, "0.0511pJ").range(0, 1e12)
      .desc("crossbar energy per active cell per MVM (assumed: 25 % of 13.4 nJ per 256x256 MVM)");
  b.quantity("tile.e_adc", &P::e_adc_pj, Dimension::Energy, "34pJ").range(0, 1e12)
      .desc("energy per ADC conversion (65 % of 13.4 nJ per 256x256 MVM; Singh et al. 2025: 60-70 %)");
  b.quantity("tile.e_post", &P::e_post_pj, Dimension::Energy, "1pJ").range(0, 1e12)
      .desc("digital post-processing energy per output (assumed)");
  b.quantity("tile.p_static", &P::p_static_mw, Dimension::Power, "1mW").range(0, 1e9)
      .desc("leakage power per tile (assumed)");
}

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

Picos MvmStages::period(bool pipelined) const {
  return pipelined ? std::max({stream_in, compute(), stream_out}) : total();
}

MvmStages mvm_stages(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used) {
  MvmStages s;
  s.stream_in = ns_to_ps(cycles_to_ns(static_cast<double>(ceil_div(rows_used * p.input_bits, p.io_width_bits)), p.io_freq_hz));
  s.integrate = ns_to_ps(p.t_int_ns);
  s.convert = ns_to_ps(static_cast<double>(ceil_div(cols_used, p.adc_count)) * p.t_adc_ns);
  s.post = ns_to_ps(cycles_to_ns(std::ceil(static_cast<double>(cols_used) / p.post_outputs_per_cycle), p.post_freq_hz));
  s.stream_out = ns_to_ps(cycles_to_ns(static_cast<double>(ceil_div(cols_used * p.output_bits, p.io_width_bits)), p.io_freq_hz));
  return s;
}

EnergyBreakdown mvm_energy(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used) {
  EnergyBreakdown e;
  e.add("aimc.dac", p.e_dac_per_row_pj * static_cast<double>(rows_used));
  e.add("aimc.array", p.e_cell_pj * static_cast<double>(rows_used * cols_used));
  e.add("aimc.adc", p.e_adc_pj * static_cast<double>(cols_used));
  e.add("aimc.post", p.e_post_pj * static_cast<double>(cols_used));
  return e;
}

TilePipeline::Span TilePipeline::run(Picos ready, std::int64_t n, const MvmStages& s) {
  Span span{-1, ready};
  for (std::int64_t k = 0; k < n; ++k) {
    if (pipelined_) {
      // One input and one output buffer: the next MVM may stream in while this one computes,
      // and compute may start while the previous result streams out (Garofalo et al. 2022).
      const Picos in_start = std::max({ready, in_free_, compute_start_});
      if (span.start < 0) span.start = in_start;
      in_free_ = in_start + s.stream_in;
      compute_start_ = std::max({in_free_, compute_free_, out_start_});
      compute_free_ = compute_start_ + s.compute();
      out_start_ = std::max(compute_free_, out_free_);
      out_free_ = out_start_ + s.stream_out;
    } else {
      const Picos begin = std::max(ready, out_free_);
      if (span.start < 0) span.start = begin;
      out_free_ = compute_free_ = in_free_ = begin + s.total();
    }
    span.end = out_free_;
  }
  if (span.start < 0) span.start = ready;
  return span;
}

Picos mvm_batch_ps(const MvmStages& s, std::int64_t n, bool pipelined) {
  if (n <= 0) return 0;
  return s.total() + (n - 1) * s.period(pipelined);
}

}  // namespace aimcsim
