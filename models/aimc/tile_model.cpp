#include "models/aimc/tile_model.hpp"

#include <algorithm>
#include <cmath>

namespace aimcsim {

void TileParams::declare(Schema& s) {
  const TileParams d;
  s.add("tile.rows").integer(d.rows).range(1, 65536).desc("crossbar rows (layer inputs per tile)");
  s.add("tile.cols").integer(d.cols).range(1, 65536).desc("crossbar columns (layer outputs per tile)");
  s.add("tile.t_int").quantity(Dimension::Time, "128ns").range(0.001, 1e9)
      .desc("MVM integration time (AHWA-LoRA sweeps 128, 256, 512 ns)");
  s.add("tile.input_bits").integer(d.input_bits).range(1, 32).desc("input precision streamed in per row");
  s.add("tile.output_bits").integer(d.output_bits).range(1, 32)
      .desc("output precision streamed out per column after post-processing (FP16 = 16)");
  s.add("tile.adc_count").integer(d.adc_count).range(1, 65536).desc("ADCs per tile; columns share them");
  s.add("tile.t_adc").quantity(Dimension::Time, "2ns").range(0, 1e9)
      .desc("one ADC conversion (assumed: HERMES 130 ns MVM minus 128 ns integration)");
  s.add("tile.post_outputs_per_cycle").real(d.post_outputs_per_cycle).range(1e-3, 65536)
      .desc("digital post-processing throughput (affine scale/offset, activation)");
  s.add("tile.post_freq").quantity(Dimension::Frequency, "1GHz").range(1, 1e12).desc("post-processing clock");
  s.add("tile.io_width_bits").integer(d.io_width_bits).range(1, 65536).desc("stream-in/stream-out port width");
  s.add("tile.io_freq").quantity(Dimension::Frequency, "1GHz").range(1, 1e12).desc("stream port clock");
  s.add("tile.streaming").choice({"pipelined", "sequential"}, "pipelined")
      .desc("overlap neighbouring MVMs' streaming with compute (Garofalo et al. 2022), or not");
  s.add("tile.e_dac_per_row").quantity(Dimension::Energy, "5.23pJ").range(0, 1e12)
      .desc("input driver energy per active row per MVM (assumed: 10 % of 13.4 nJ per 256x256 HERMES MVM)");
  s.add("tile.e_cell").quantity(Dimension::Energy, "0.0511pJ").range(0, 1e12)
      .desc("crossbar energy per active cell per MVM (assumed: 25 % of 13.4 nJ per 256x256 MVM)");
  s.add("tile.e_adc").quantity(Dimension::Energy, "34pJ").range(0, 1e12)
      .desc("energy per ADC conversion (65 % of 13.4 nJ per 256x256 MVM; Singh et al. 2025: 60-70 %)");
  s.add("tile.e_post").quantity(Dimension::Energy, "1pJ").range(0, 1e12)
      .desc("digital post-processing energy per output (assumed)");
  s.add("tile.p_static").quantity(Dimension::Power, "1mW").range(0, 1e9).desc("leakage power per tile (assumed)");
}

TileParams TileParams::from(const Config& c) {
  TileParams p;
  p.rows = c.integer("tile.rows");
  p.cols = c.integer("tile.cols");
  p.t_int_ns = c.quantity("tile.t_int");
  p.input_bits = c.integer("tile.input_bits");
  p.output_bits = c.integer("tile.output_bits");
  p.adc_count = c.integer("tile.adc_count");
  p.t_adc_ns = c.quantity("tile.t_adc");
  p.post_outputs_per_cycle = c.real("tile.post_outputs_per_cycle");
  p.post_freq_hz = c.quantity("tile.post_freq");
  p.io_width_bits = c.integer("tile.io_width_bits");
  p.io_freq_hz = c.quantity("tile.io_freq");
  p.pipelined = c.text("tile.streaming") == "pipelined";
  p.e_dac_per_row_pj = c.quantity("tile.e_dac_per_row");
  p.e_cell_pj = c.quantity("tile.e_cell");
  p.e_adc_pj = c.quantity("tile.e_adc");
  p.e_post_pj = c.quantity("tile.e_post");
  p.p_static_mw = c.quantity("tile.p_static");
  return p;
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
