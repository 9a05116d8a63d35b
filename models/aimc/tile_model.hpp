#pragma once
#include <cstdint>

#include "sim/params.hpp"
#include "sim/energy.hpp"
#include "sim/units.hpp"

namespace aimcsim {

// Parameters of one AIMC crossbar tile. Simplification: one MVM is three stages (stream-in,
// compute = integration + ADC conversion + digital post-processing, stream-out) with fixed
// durations from these parameters; noise and accuracy are not modelled.
struct TileParams : Params<TileParams> {
  std::int64_t rows, cols;         // crossbar inputs (word lines) and outputs (bit lines)
  double t_int_ns;                 // MVM integration time
  std::int64_t input_bits;         // DAC/PWM input precision, bits streamed in per input
  std::int64_t output_bits;        // bits streamed out per output after post-processing
  std::int64_t adc_count;          // ADCs per tile; columns share them when fewer
  double t_adc_ns;                 // one ADC conversion
  double post_outputs_per_cycle;   // digital post-processing throughput
  double post_freq_hz;
  std::int64_t io_width_bits;      // stream-in/stream-out port width
  double io_freq_hz;
  std::string streaming;           // "pipelined" or "sequential"
  double e_dac_per_row_pj, e_cell_pj, e_adc_pj, e_post_pj;
  double p_static_mw;

  bool pipelined() const { return streaming == "pipelined"; }
  static void bind(ParamBinder<TileParams>& b);
};

// Stage durations of one MVM that uses `rows_used` x `cols_used` of the crossbar, in ps.
struct MvmStages {
  Picos stream_in = 0;
  Picos integrate = 0;
  Picos convert = 0;
  Picos post = 0;
  Picos stream_out = 0;
  Picos compute() const { return integrate + convert + post; }
  Picos total() const { return stream_in + compute() + stream_out; }
  Picos period(bool pipelined) const;  // time between MVM completions in steady state
};

MvmStages mvm_stages(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used);
// Bytes one MVM streams out for `cols_used` outputs.
inline std::int64_t output_bytes(const TileParams& p, std::int64_t cols_used) {
  return (cols_used * p.output_bits + 7) / 8;
}
EnergyBreakdown mvm_energy(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used);

// The occupancy of a tile's three stages (a flow shop). `run` issues `n` MVMs no earlier than
// `ready` and returns when the last one has streamed out; in pipelined mode a stage takes the
// next MVM as soon as it is free, in sequential mode an MVM starts after the previous one ended.
class TilePipeline {
 public:
  explicit TilePipeline(bool pipelined) : pipelined_(pipelined) {}
  struct Span {
    Picos start, end;
  };
  Span run(Picos ready, std::int64_t n, const MvmStages& s);

 private:
  bool pipelined_;
  Picos in_free_ = 0, compute_free_ = 0, out_free_ = 0;
  Picos compute_start_ = 0, out_start_ = 0;
};

// Closed form of `run` on an idle tile: n MVMs take total + (n - 1) * period.
Picos mvm_batch_ps(const MvmStages& s, std::int64_t n, bool pipelined);

}  // namespace aimcsim
