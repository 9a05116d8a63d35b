#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/base/energy.hpp"
#include "sim/base/params.hpp"
#include "sim/base/units.hpp"

namespace aimcsim {

class TileModel;

// Parameters of one AIMC crossbar tile: geometry, converters, streaming, energy and programming
// figures, read by the tile model chosen with `tile.model`. Simplification: one MVM is four
// stages (stream-in, integration + ADC conversion, digital post-processing, stream-out) with
// fixed durations; noise and accuracy are not modelled.
struct TileParams : Params<TileParams> {
  std::string preset;             // named set of published figures (tile_presets())
  std::string model;              // the cost model: a TileModelRegistry name
  std::int64_t rows, cols;        // crossbar inputs (word lines) and outputs (bit lines)
  std::string input_encoding;     // "dac" or "pwm"
  double pwm_lsb_ns;              // PWM time per input LSB
  double t_int_ns;                // MVM integration time; 0 = auto (derived from PWM)
  std::int64_t input_bits;        // DAC/PWM input precision, bits streamed in per input
  std::int64_t output_bits;       // bits streamed out per output after post-processing
  std::int64_t adc_count;         // ADCs per tile; columns share them when fewer
  double t_adc_ns;                // one ADC conversion
  double post_outputs_per_cycle;  // digital post-processing throughput
  double post_freq_hz;
  std::int64_t io_width_bits;  // stream-in/stream-out port width
  double io_freq_hz;
  std::string io_ports;   // "separate": a port each way; "shared": one port takes turns
  std::string streaming;  // "pipelined" or "sequential"
  std::string reduction;  // where partial sums of a multi-tile layer are added: "tile" or "pmca"
  double e_dac_per_row_pj, e_cell_pj, e_adc_pj, e_post_pj;
  double p_static_mw;
  std::int64_t program_iterations;  // program-and-verify iterations per cell
  std::int64_t program_columns;     // columns programmed in parallel
  double t_reset_ns, t_set_ns, t_verify_ns, t_precharge_ns;
  double e_program_pulse_pj, e_program_verify_pj;
  double node_nm;                      // process node the tile is built in
  double area_cell_mm2, area_adc_mm2;  // at 14 nm: per unit cell, per ADC
  double area_periph_mm2;              // at 14 nm: per row (drivers) and per column (post)

  // The model named by `model` (set by from() and defaults()).
  std::shared_ptr<const TileModel> tile_model;

  bool pipelined() const { return streaming == "pipelined"; }
  bool shared_port() const { return io_ports == "shared"; }
  const TileModel& cost_model() const;
  // The integration time: t_int when given, else 2^(input_bits - 1) PWM LSBs (sign + magnitude:
  // 8-bit PWM at 1 ns/LSB integrates for 128 ns, as in HERMES).
  double integration_ns() const;
  static void bind(ParamBinder<TileParams>& b);
  static TileParams from(const Config& cfg);
};

// A tile's area, mm2 (models/README.md#area). Simplification: array, ADCs and periphery scale with
// cells, ADCs and rows + columns from the HERMES core's 0.634 mm2 at 256 x 256 in 14 nm, and the
// whole with (node / 14 nm)^2.
struct TileArea {
  double array = 0, adc = 0, periphery = 0;
  double total() const { return array + adc + periphery; }
};
TileArea tile_area(const TileParams& p);

// The tile presets: name -> (key, value) pairs, each from one published design.
const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& tile_presets();

// How a layer's in x out weight matrix splits over rows x cols tiles: row blocks hold partial
// sums that must be added, column blocks hold independent outputs.
struct TileSplit {
  std::int64_t in = 0, out = 0, rows = 0, cols = 0;
  std::int64_t row_blocks() const { return (in + rows - 1) / rows; }
  std::int64_t col_blocks() const { return (out + cols - 1) / cols; }
  std::int64_t tiles() const { return row_blocks() * col_blocks(); }
  std::int64_t block_rows(std::int64_t i) const { return std::min(rows, in - i * rows); }
  std::int64_t block_cols(std::int64_t j) const { return std::min(cols, out - j * cols); }
};
TileSplit split_layer(const TileParams& p, std::int64_t in, std::int64_t out);

// Stage durations of one MVM that uses `rows_used` x `cols_used` of the crossbar, in ps, and
// whether its two stream stages share one port. `reduce` is the partial-sum addition of a layer
// that spans several row blocks when the tiles' digital units do it; it is a last stage after
// stream-out.
struct MvmStages {
  Picos stream_in = 0;
  Picos integrate = 0;
  Picos convert = 0;
  Picos post = 0;
  Picos stream_out = 0;
  Picos reduce = 0;
  bool shared_port = false;  // stream-in and stream-out take turns on one port (tile.io_ports)
  // The analog stage: integration, then conversion into the output register.
  Picos analog() const { return integrate + convert; }
  Picos total() const { return stream_in + analog() + post + stream_out + reduce; }
  // Time between MVM completions in steady state: pipelined, the slowest stage (a shared port
  // carries one stream-in and one stream-out per MVM); sequential, the whole MVM.
  Picos period(bool pipelined) const;
};

// Bytes one MVM streams out for `cols_used` outputs.
inline std::int64_t output_bytes(const TileParams& p, std::int64_t cols_used) {
  return (cols_used * p.output_bits + 7) / 8;
}
// Time and energy to program a block of cells (TileModel::program).
struct ProgramCost {
  Picos time = 0;
  double energy_pj = 0;
};

// The occupancy of a tile's stages (a flow shop): stream-in, the analog stage, post-processing,
// stream-out, reduction. `run` issues `n` MVMs no earlier than `ready` and returns when the last
// one has streamed out (and been reduced). Sequential, an MVM starts after the previous one
// ended. Pipelined, each stage takes the next MVM as soon as it is free and the next stage has
// taken the previous one: one input buffer (the next MVM streams in while this one integrates),
// an output register behind the ADCs (the next MVM integrates while this one is post-processed)
// and the post-processor's own output (post-processing goes on while the previous result streams
// out), as in Garofalo et al. 2022's pipelined streamer with post-processing as a stage of its
// own. A shared port serves the stream-in or stream-out that was ready first (stream-out on a
// tie). Simplification: across two calls the earlier call's stream-outs stay where they were;
// the later call's stream-ins use the shared port's idle time before them only where they fit.
// So batches issued back to back run as one batch would, except when a shared port is the
// slowest stage: there each new batch can cost up to two periods more.
class TilePipeline {
 public:
  explicit TilePipeline(bool pipelined) : pipelined_(pipelined) {}
  struct Span {
    Picos start, end;
  };
  Span run(Picos ready, std::int64_t n, const MvmStages& s);

 private:
  // The start of a stream of `length` ready at `ready`: at once on its own port; on a shared
  // port, in the earliest idle stretch that holds it, else after the port's last use.
  Picos stream_slot(Picos ready, Picos length, bool shared);
  bool pipelined_;
  // Start and end of the last MVM each stage took.
  Picos in_free_ = 0, analog_start_ = 0, analog_free_ = 0, post_start_ = 0, post_free_ = 0;
  Picos out_start_ = 0, out_free_ = 0, reduce_free_ = 0;
  Picos port_free_ = 0;          // end of the shared port's last use
  std::vector<Span> port_idle_;  // idle stretches of the shared port before port_free_
};

// Closed form of `run` on an idle tile: n MVMs take total + (n - 1) * period. It is exact with
// separate ports; with a shared port `run` repeats at this period in steady state, and its first
// MVMs can take a little more or less.
Picos mvm_batch_ps(const MvmStages& s, std::int64_t n, bool pipelined);

}  // namespace aimcsim
