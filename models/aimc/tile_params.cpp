#include "models/aimc/tile_params.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "models/aimc/tile_model.hpp"
#include "sim/base/math.hpp"
#include "sim/base/schema_registry.hpp"

namespace aimcsim {

const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& tile_presets() {
  // Energy per MVM: the input drivers, array, ADCs and post-processing scale with rows, cells,
  // columns and columns as in the default calibration, all four rescaled by one factor so that a
  // full MVM, post-processing included (mvm_energy()), costs the design's published figure.
  static const std::map<std::string, std::vector<std::pair<std::string, std::string>>> presets = {
      // AHWA-LoRA (Li et al., arXiv 2411.17367, Methods): 512x512 tiles, 8-bit DAC inputs,
      // integration 128 ns (swept 128-512 ns); energy calibrated to HERMES, 13.4 nJ per
      // 256x256 MVM (Le Gallo et al., Nat. Electron. 2023, Table 1: 0.86 uJ / 64 cores). No MVM
      // time is published: integration + conversion (130 ns) set the pipelined period.
      {"ahwa-lora-512",
       {{"tile.rows", "512"},
        {"tile.cols", "512"},
        {"tile.input_encoding", "dac"},
        {"tile.t_int", "128ns"},
        {"tile.adc_count", "512"},
        {"tile.t_adc", "2ns"},
        {"tile.post_outputs_per_cycle", "64"},
        {"tile.post_freq", "1GHz"},
        {"tile.io_width_bits", "256"},
        {"tile.io_freq", "1GHz"},
        {"tile.e_dac_per_row", "5.23pJ"},
        {"tile.e_cell", "0.0511pJ"},
        {"tile.e_adc", "34pJ"}}},
      // IBM HERMES core (Khaddam-Aljameh et al., JSSC 2022; Le Gallo et al. 2023): 256x256,
      // 8-bit PWM at 1 ns/LSB (128 ns integration), 256 CCO ADCs, one MVM in 130 ns
      // (1.008 TOPS); energy as the core runs in the HERMES chip, 0.86 uJ / 64 = 13.4375 nJ per
      // MVM (Le Gallo et al. 2023, Table 1), the default's 13.65 nJ scaled by 0.9846 (the core
      // paper's 10.5 TOPS/W, 12.48 nJ, is not taken). Post-processing at the LDPU's 400 MHz,
      // overlapped with the next MVM: 5 outputs per cycle (assumed; the LDPU does 1) finish 256
      // outputs in ceil(256 / 5) = 52 cycles = 130 ns, so MVMs repeat every 130 ns
      // (models/README.md#hermes-core).
      {"hermes-core",
       {{"tile.rows", "256"},
        {"tile.cols", "256"},
        {"tile.input_encoding", "pwm"},
        {"tile.pwm_lsb", "1ns"},
        {"tile.t_int", "auto"},
        {"tile.adc_count", "256"},
        {"tile.t_adc", "2ns"},
        {"tile.post_outputs_per_cycle", "5"},
        {"tile.post_freq", "400MHz"},
        {"tile.io_width_bits", "256"},
        {"tile.io_freq", "1GHz"},
        {"tile.e_dac_per_row", "5.149pJ"},
        {"tile.e_cell", "0.05031pJ"},
        {"tile.e_adc", "33.48pJ"},
        {"tile.e_post", "0.9846pJ"}}},
      // ALPINE tile (Klein et al., IEEE TC 2022): 256x256, 100 ns per MVM (98 ns integration +
      // 2 ns conversion), 4 GB/s tile I/O (32 bit at 1 GHz each way), 12.8 TOPS/W = 10.24 nJ
      // per MVM (the default's 13.65 nJ at 256x256 scaled by 0.7503). 8-bit outputs (assumed): 256
      // B in and 256 B out take 64 ns each, inside the
      // 100 ns; FP16 outputs (128 ns) or one shared port (128 ns) would set the period instead
      // (models/README.md#alpine).
      {"alpine",
       {{"tile.rows", "256"},
        {"tile.cols", "256"},
        {"tile.input_encoding", "dac"},
        {"tile.t_int", "98ns"},
        {"tile.adc_count", "256"},
        {"tile.t_adc", "2ns"},
        {"tile.post_outputs_per_cycle", "64"},
        {"tile.post_freq", "1GHz"},
        {"tile.io_width_bits", "32"},
        {"tile.io_freq", "1GHz"},
        {"tile.io_ports", "separate"},
        {"tile.output_bits", "8"},
        {"tile.e_dac_per_row", "3.924pJ"},
        {"tile.e_cell", "0.03834pJ"},
        {"tile.e_adc", "25.51pJ"},
        {"tile.e_post", "0.7503pJ"}}},
      // Projected tile of the 2-D mesh fabric (Jain et al., TVLSI 2022; Burr et al., IEDM 2023):
      // 512x512, 40 ns integration, 100 TOPS/W = 5.24 nJ per MVM (the default's 33.99 nJ scaled
      // by 0.1542). No MVM time is published:
      // integration + conversion (42 ns) set the pipelined period.
      {"mesh-projected",
       {{"tile.rows", "512"},
        {"tile.cols", "512"},
        {"tile.input_encoding", "dac"},
        {"tile.t_int", "40ns"},
        {"tile.adc_count", "512"},
        {"tile.t_adc", "2ns"},
        {"tile.post_outputs_per_cycle", "64"},
        {"tile.post_freq", "1GHz"},
        {"tile.io_width_bits", "256"},
        {"tile.io_freq", "1GHz"},
        {"tile.e_dac_per_row", "0.8066pJ"},
        {"tile.e_cell", "0.007881pJ"},
        {"tile.e_adc", "5.244pJ"},
        {"tile.e_post", "0.1542pJ"}}},
  };
  return presets;
}

void TileParams::bind(ParamBinder<TileParams>& b) {
  using P = TileParams;
  b.integer("tile.rows", &P::rows, 512)
      .range(1, 65536)
      .desc("crossbar rows (layer inputs per tile)");
  b.integer("tile.cols", &P::cols, 512)
      .range(1, 65536)
      .desc("crossbar columns (layer outputs per tile)");
  b.quantity_or_auto("tile.t_int", &P::t_int_ns, Dimension::Time, "128ns")
      .range(0.001, 1e9)
      .desc(
          "MVM integration time (AHWA-LoRA sweeps 128, 256, 512 ns), or auto: 2^(input_bits-1) PWM "
          "LSBs");
  b.choice("tile.input_encoding", &P::input_encoding, {"dac", "pwm"}, "dac")
      .desc(
          "input encoding: amplitude DAC, or pulse-width modulation (integration time follows from "
          "it)");
  b.quantity("tile.pwm_lsb", &P::pwm_lsb_ns, Dimension::Time, "1ns")
      .active_when("tile.input_encoding", {"pwm"})
      .range(0.001, 1e6)
      .desc("PWM pulse length per input LSB (HERMES: 1 ns, Khaddam-Aljameh et al. 2022)");
  b.integer("tile.input_bits", &P::input_bits, 8)
      .range(1, 32)
      .desc("input precision streamed in per row");
  b.integer("tile.output_bits", &P::output_bits, 16)
      .range(1, 32)
      .desc("output precision streamed out per column after post-processing (FP16 = 16)");
  b.integer("tile.adc_count", &P::adc_count, 512)
      .range(1, 65536)
      .desc("ADCs per tile; columns share them");
  b.quantity("tile.t_adc", &P::t_adc_ns, Dimension::Time, "2ns")
      .range(0, 1e9)
      .desc("one ADC conversion (assumed: HERMES 130 ns MVM minus 128 ns integration)");
  b.real("tile.post_outputs_per_cycle", &P::post_outputs_per_cycle, 64)
      .range(1e-3, 65536)
      .desc("digital post-processing throughput (affine scale/offset, activation; assumed)");
  b.quantity("tile.post_freq", &P::post_freq_hz, Dimension::Frequency, "1GHz")
      .range(1, 1e12)
      .desc("post-processing clock");
  b.integer("tile.io_width_bits", &P::io_width_bits, 256)
      .range(1, 65536)
      .desc("stream-in/stream-out port width (assumed)");
  b.quantity("tile.io_freq", &P::io_freq_hz, Dimension::Frequency, "1GHz")
      .range(1, 1e12)
      .desc("stream port clock");
  b.choice("tile.io_ports", &P::io_ports, {"separate", "shared"}, "separate")
      .desc(
          "stream-in and stream-out on a port each, or taking turns on one port (the IMA streamer "
          "of Garofalo et al. 2022)");
  b.choice("tile.streaming", &P::streaming, {"pipelined", "sequential"}, "pipelined")
      .desc("overlap neighbouring MVMs' streaming with compute (Garofalo et al. 2022), or not");
  b.choice("tile.reduction", &P::reduction, {"tile", "pmca"}, "tile")
      .desc(
          "where a multi-tile layer's partial sums are added: the tiles' digital units at the "
          "post-processing throughput, or the PMCA as one reduction kernel (assumed)");
  b.quantity("tile.e_dac_per_row", &P::e_dac_per_row_pj, Dimension::Energy, "5.23pJ")
      .range(0, 1e12)
      .desc(
          "input driver energy per active row per MVM (assumed: 10 % of 13.4 nJ per 256x256 HERMES "
          "MVM)");
  b.quantity("tile.e_cell", &P::e_cell_pj, Dimension::Energy, "0.0511pJ")
      .range(0, 1e12)
      .desc("crossbar energy per active cell per MVM (assumed: 25 % of 13.4 nJ per 256x256 MVM)");
  b.quantity("tile.e_adc", &P::e_adc_pj, Dimension::Energy, "34pJ")
      .range(0, 1e12)
      .desc(
          "energy per ADC conversion (65 % of 13.4 nJ per 256x256 MVM; Singh et al. 2025: 60-70 "
          "%)");
  b.quantity("tile.e_post", &P::e_post_pj, Dimension::Energy, "1pJ")
      .range(0, 1e12)
      .desc("digital post-processing energy per output, also per partial-sum addition (assumed)");
  b.quantity("tile.p_static", &P::p_static_mw, Dimension::Power, "1mW")
      .range(0, 1e9)
      .desc("leakage power per tile (assumed)");
  std::vector<std::string> names;
  for (const auto& [name, values] : tile_presets()) names.push_back(name);
  b.choice("tile.preset", &P::preset, names, "ahwa-lora-512")
      .preset_values(tile_presets())
      .desc(
          "published tile design whose figures fill the tile keys; keys given beside it override "
          "them");
  b.choice("tile.model", &P::model, TileModelRegistry::instance().names(), "pcm-crossbar")
      .desc("the tile's cost model: MVM stages, energy and programming from these keys");
  b.declare([](Schema& s) { TileModelRegistry::instance().declare_all(s, "tile.model"); });
  b.integer("tile.program_iterations", &P::program_iterations, 30)
      .range(1, 1000)
      .desc(
          "program-and-verify iterations per cell (at most 30, Le Gallo et al. 2023; worst case "
          "taken)");
  b.integer("tile.program_columns", &P::program_columns, 32)
      .range(1, 65536)
      .desc("columns programmed in parallel (Le Gallo et al. 2023)");
  b.quantity("tile.t_reset", &P::t_reset_ns, Dimension::Time, "125ns")
      .range(0, 1e9)
      .desc("PCM RESET pulse (Le Gallo et al. 2023)");
  b.quantity("tile.t_set", &P::t_set_ns, Dimension::Time, "250ns")
      .range(0, 1e9)
      .desc("PCM SET pulse (Le Gallo et al. 2023)");
  b.quantity("tile.t_verify", &P::t_verify_ns, Dimension::Time, "512ns")
      .range(0, 1e9)
      .desc("verify read per programming iteration (Le Gallo et al. 2023)");
  b.quantity("tile.t_precharge", &P::t_precharge_ns, Dimension::Time, "256ns")
      .range(0, 1e9)
      .desc("precharge before each verify read (Le Gallo et al. 2023)");
  b.quantity("tile.e_program_pulse", &P::e_program_pulse_pj, Dimension::Energy, "10pJ")
      .range(0, 1e12)
      .desc("energy of one RESET + SET pulse pair on one cell (assumed)");
  b.quantity("tile.e_program_verify", &P::e_program_verify_pj, Dimension::Energy, "1pJ")
      .range(0, 1e12)
      .desc("energy of one verify read of one cell (assumed)");
  // HERMES core: 1.008 TOPS at 1.59 TOPS/mm2 = 0.634 mm2 for 256 x 256 cells, 256 ADCs and their
  // periphery in 14 nm (Khaddam-Aljameh et al. JSSC 2022); the 40/35/25 % split is assumed.
  b.quantity("tile.node", &P::node_nm, Dimension::Length, "14nm")
      .range(1, 1e4)
      .desc(
          "process node; the tile's area scales with (node / 14 nm)^2 (assumed first-order rule; "
          "HERMES: 14 nm)");
  b.quantity("tile.area_cell", &P::area_cell_mm2, Dimension::Area, "3.869um2")
      .range(0, 1e6)
      .desc(
          "area per unit cell at 14 nm: 40 % (assumed) of the HERMES core's 0.634 mm2 over "
          "65,536 cells (Khaddam-Aljameh et al. JSSC 2022)");
  b.quantity("tile.area_adc", &P::area_adc_mm2, Dimension::Area, "866.7um2")
      .range(0, 1e6)
      .desc(
          "area per ADC at 14 nm: 35 % (assumed) of the HERMES core's 0.634 mm2 over its 256 "
          "CCO ADCs at a 4 um pitch (Khaddam-Aljameh et al. JSSC 2022)");
  b.quantity("tile.area_periphery", &P::area_periph_mm2, Dimension::Area, "309.6um2")
      .range(0, 1e6)
      .desc(
          "area per row (input drivers) and per column (post-processing) at 14 nm: 25 % "
          "(assumed) of the HERMES core's 0.634 mm2 over 256 + 256 lines");
}

TileArea tile_area(const TileParams& p) {
  const double scale = (p.node_nm / 14.0) * (p.node_nm / 14.0);
  TileArea a;
  a.array = p.area_cell_mm2 * static_cast<double>(p.rows * p.cols) * scale;
  a.adc = p.area_adc_mm2 * static_cast<double>(p.adc_count) * scale;
  a.periphery = p.area_periph_mm2 * static_cast<double>(p.rows + p.cols) * scale;
  return a;
}

TileParams TileParams::from(const Config& cfg) {
  TileParams p = Params<TileParams>::from(cfg);
  p.tile_model = TileModelRegistry::instance().create(p.model, cfg);
  return p;
}

const TileModel& TileParams::cost_model() const {
  if (!tile_model)
    throw std::logic_error("TileParams without a tile model: use from() or defaults()");
  return *tile_model;
}

double TileParams::integration_ns() const {
  if (t_int_ns > 0) return t_int_ns;
  return std::ldexp(pwm_lsb_ns, static_cast<int>(input_bits) - 1);
}

TileSplit split_layer(const TileParams& p, std::int64_t in, std::int64_t out) {
  return TileSplit{in, out, p.rows, p.cols};
}

Picos MvmStages::period(bool pipelined) const {
  if (!pipelined) return total();
  const Picos port = shared_port ? stream_in + stream_out : std::max(stream_in, stream_out);
  return std::max({port, analog(), post, reduce});
}

Picos TilePipeline::stream_slot(Picos ready, Picos length, bool shared) {
  if (!shared || length == 0) return ready;
  for (auto it = port_idle_.begin(); it != port_idle_.end(); ++it) {
    const Picos start = std::max(ready, it->start);
    if (start + length > it->end) continue;
    // The stream fills part of this idle stretch; what is left of it stays idle.
    const Span after{start + length, it->end};
    it->end = start;
    if (after.end > after.start) port_idle_.insert(it + 1, after);
    return start;
  }
  const Picos start = std::max(ready, port_free_);
  if (start > port_free_) port_idle_.push_back({port_free_, start});
  port_free_ = start + length;
  return start;
}

TilePipeline::Span TilePipeline::run(Picos ready, std::int64_t n, const MvmStages& s) {
  Span span{-1, ready};
  if (!pipelined_) {
    // Each MVM starts when the previous one ended: the first at max(ready, free), the rest back
    // to back.
    if (n <= 0) return {ready, ready};
    span.start = std::max(ready, reduce_free_);
    reduce_free_ = span.start + n * s.total();
    span.end = reduce_free_;
    return span;
  }
  // MVMs of this call past each stage: out <= post <= analog <= in <= n. A stage takes MVM k
  // once k left the stage before and MVM k - 1 left the stage after, so analog - post <= 1,
  // post - out <= 1 and in - analog <= 1: the last value each stage holds is all it needs.
  std::int64_t in = 0, analog = 0, post = 0, out = 0;
  // Steady state with separate ports: once `ready` no longer binds, the stages' times after an
  // MVM streams out are a max-plus function of their times after the previous one (the order of
  // the stages follows the counters alone), so when two successive stream-outs find every time
  // shifted by the same d, with the same counters between the stages, every later MVM shifts by d
  // too. The loop then skips to the last stream-in and goes on from there: the same times as
  // MVM by MVM, in constant time.
  constexpr std::size_t kTimes = 8;
  std::array<Picos, kTimes> last{};
  std::array<std::int64_t, 3> last_lag{};
  bool have_last = !s.shared_port, seen = false;
  while (out < n) {
    if (analog < in && post == analog) {
      analog_start_ = std::max({in_free_, analog_free_, post_start_});
      analog_free_ = analog_start_ + s.analog();
      ++analog;
      continue;
    }
    if (post < analog && out == post) {
      post_start_ = std::max({analog_free_, post_free_, out_start_});
      post_free_ = post_start_ + s.post;
      ++post;
      continue;
    }
    // What is left is the port's: the next stream-in once the input buffer is free, the next
    // stream-out once its result is post-processed. When one of them cannot be timed yet, it
    // comes after the other.
    const bool can_in = in < n && analog == in;
    const bool can_out = out < post;
    if (!can_in && !can_out) throw std::logic_error("TilePipeline: no stage can take an MVM");
    const Picos in_ready = std::max({ready, in_free_, analog_start_});
    const Picos out_ready = std::max(post_free_, out_free_);
    if (can_in && (!can_out || !s.shared_port || in_ready < out_ready)) {
      const Picos start = stream_slot(in_ready, s.stream_in, s.shared_port);
      if (span.start < 0) span.start = start;
      in_free_ = start + s.stream_in;
      ++in;
      // No later stream-in starts before this one ended: older idle stretches are of no use.
      while (!port_idle_.empty() && port_idle_.front().end <= in_free_)
        port_idle_.erase(port_idle_.begin());
    } else {
      out_start_ = stream_slot(out_ready, s.stream_out, s.shared_port);
      out_free_ = out_start_ + s.stream_out;
      reduce_free_ = std::max(out_free_, reduce_free_) + s.reduce;
      ++out;
      if (!have_last) continue;  // shared port, or already skipped
      const std::array<Picos*, kTimes> times{&in_free_,    &analog_start_, &analog_free_,
                                             &post_start_, &post_free_,    &out_start_,
                                             &out_free_,   &reduce_free_};
      const std::array<std::int64_t, 3> lag{in - out, analog - out, post - out};
      const std::int64_t skip = n - in - 1;  // MVMs that may be skipped: all but the last
      if (seen && lag == last_lag && ready <= std::max(last[0], last[1]) && skip > 0) {
        const Picos d = *times[0] - last[0];
        bool uniform = true;
        for (std::size_t k = 0; k < kTimes; ++k) uniform = uniform && *times[k] - last[k] == d;
        if (uniform) {
          for (Picos* t : times) *t += skip * d;
          in += skip;
          analog += skip;
          post += skip;
          out += skip;
          have_last = false;
          continue;
        }
      }
      for (std::size_t k = 0; k < kTimes; ++k) last[k] = *times[k];
      last_lag = lag;
      seen = true;
    }
  }
  if (n > 0) span.end = reduce_free_;
  if (span.start < 0) span.start = ready;
  return span;
}

Picos mvm_batch_ps(const MvmStages& s, std::int64_t n, bool pipelined) {
  if (n <= 0) return 0;
  return s.total() + (n - 1) * s.period(pipelined);
}

AIMCSIM_REGISTER_PARAMS(20, "tile", TileParams);

}  // namespace aimcsim
