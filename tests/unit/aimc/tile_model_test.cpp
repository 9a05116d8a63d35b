#include "models/aimc/tile_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "sim/base/error.hpp"

namespace aimcsim {
namespace {

// Default tile: 256-bit ports at 1 GHz, 8-bit inputs, FP16 outputs, 512 ADCs at 2 ns,
// post-processing 64 outputs per cycle at 1 GHz.
TEST(TileModelTest, MvmStagesFollowFromTheParameters) {
  TileParams p = TileParams::defaults();
  p.t_int_ns = 512;
  const MvmStages s = mvm_stages(p, 512, 128);
  EXPECT_EQ(s.stream_in, 16000);   // 512 inputs * 8 bit / 256 bit = 16 cycles = 16 ns
  EXPECT_EQ(s.integrate, 512000);  // t_int
  EXPECT_EQ(s.convert, 2000);      // ceil(128 / 512 ADCs) = 1 round * 2 ns
  EXPECT_EQ(s.post, 2000);         // 128 outputs / 64 per cycle = 2 cycles
  EXPECT_EQ(s.stream_out, 8000);   // 128 outputs * 16 bit / 256 bit = 8 cycles
  EXPECT_EQ(s.analog(), 514000);   // 512 + 2
  EXPECT_EQ(s.total(), 540000);    // 16 + 514 + 2 + 8
  EXPECT_FALSE(s.shared_port);
  // Pipelined, the slowest stage: integration + conversion, max(16, 514, 2, 8) = 514 ns.
  EXPECT_EQ(s.period(true), 514000);
  EXPECT_EQ(s.period(false), 540000);
}

TEST(TileModelTest, SharedAdcsConvertInRounds) {
  TileParams p = TileParams::defaults();
  p.adc_count = 64;
  p.t_adc_ns = 5;
  EXPECT_EQ(mvm_stages(p, 512, 512).convert, 40000);  // ceil(512 / 64) = 8 rounds * 5 ns
}

TEST(TileModelTest, PipelinedBatchOverlapsStreamingWithCompute) {
  TileParams p = TileParams::defaults();
  p.t_int_ns = 512;
  const MvmStages s = mvm_stages(p, 512, 128);
  TilePipeline pipe(true);
  const auto span = pipe.run(0, 8, s);
  EXPECT_EQ(span.start, 0);
  EXPECT_EQ(span.end, 540000 + 7 * 514000);  // first MVM 540 ns, then one per 514 ns
  EXPECT_EQ(span.end, mvm_batch_ps(s, 8, true));
  // A second batch issued at once continues the pipeline: no refill bubble.
  const auto next = pipe.run(0, 8, s);
  EXPECT_EQ(next.end, 540000 + 15 * 514000);
}

TEST(TileModelTest, SequentialMvmsDoNotOverlap) {
  TileParams p = TileParams::defaults();
  p.t_int_ns = 512;
  p.streaming = "sequential";
  const MvmStages s = mvm_stages(p, 512, 128);
  TilePipeline pipe(false);
  EXPECT_EQ(pipe.run(0, 8, s).end, 8 * 540000);
  EXPECT_EQ(mvm_batch_ps(s, 8, false), 8 * 540000);
  // Issued later than the tile is free: starts when issued.
  EXPECT_EQ(pipe.run(5000000, 1, s).end, 5000000 + 540000);
}

TEST(TileModelTest, StreamBoundTilePipelinesAtTheStreamRate) {
  TileParams p = TileParams::defaults();
  p.t_int_ns = 1;
  p.io_width_bits = 8;  // 512 inputs take 512 cycles to stream in
  const MvmStages s = mvm_stages(p, 512, 2);
  EXPECT_EQ(s.stream_in, 512000);
  TilePipeline pipe(true);
  EXPECT_EQ(pipe.run(0, 3, s).end, s.total() + 2 * 512000);
}

// Slow post-processing: 128 outputs at 1 per cycle at 1 GHz = 128 ns, longer than the 102 ns
// of integration + conversion. It is a stage of its own behind the output register, so the next
// MVM integrates while this one is post-processed.
TEST(TileModelTest, PostProcessingOverlapsTheNextIntegration) {
  TileParams p = TileParams::defaults();
  p.t_int_ns = 100;
  p.post_outputs_per_cycle = 1;
  const MvmStages s = mvm_stages(p, 512, 128);
  EXPECT_EQ(s.analog(), 102000);
  EXPECT_EQ(s.post, 128000);
  EXPECT_EQ(s.total(), 254000);       // 16 + 102 + 128 + 8
  EXPECT_EQ(s.period(true), 128000);  // post-processing, not 102 + 128
  // By hand (ns): MVM 0 in [0, 16], analog [16, 118], post [118, 246], out [246, 254].
  // MVM 1 analog [118, 220] (the output register is free once post 0 started), post waits for
  // post 0: [246, 374], out [374, 382]; then every 128 ns: MVM 3 streams out [630, 638].
  TilePipeline pipe(true);
  EXPECT_EQ(pipe.run(0, 4, s).end, 638000);
  EXPECT_EQ(mvm_batch_ps(s, 4, true), 254000 + 3 * 128000);
  // Sequential streaming keeps every stage back to back: 4 * 254 ns.
  TilePipeline seq(false);
  EXPECT_EQ(seq.run(0, 4, s).end, 4 * 254000);
}

// A port of 32 bit at 1 GHz: 512 x 8 bit stream in in 128 ns, 128 x 16 bit stream out in 64 ns,
// around 102 ns of integration + conversion and 2 ns of post-processing.
TEST(TileModelTest, SharedPortCarriesBothStreams) {
  TileParams p = TileParams::defaults();
  p.t_int_ns = 100;
  p.io_width_bits = 32;
  const MvmStages separate = mvm_stages(p, 512, 128);
  EXPECT_EQ(separate.stream_in, 128000);
  EXPECT_EQ(separate.stream_out, 64000);
  EXPECT_EQ(separate.period(true), 128000);  // stream-in bound
  p.io_ports = "shared";
  const MvmStages s = mvm_stages(p, 512, 128);
  EXPECT_TRUE(s.shared_port);
  EXPECT_EQ(s.period(true), 192000);  // one stream-in and one stream-out per MVM: 128 + 64
  // By hand (ns), the port serving whichever stream was ready first:
  //   in 0 [0, 128]; analog 0 [128, 230]; post 0 [230, 232];
  //   in 1 ready at 128 (before out 0 at 232): [128, 256]; analog 1 [256, 358];
  //   out 0 ready at 232, in 2 at 256: out 0 [256, 320]; post 1 [358, 360];
  //   in 2 [320, 448]; analog 2 [448, 550]; out 1 [448, 512]; post 2 [550, 552]; out 2 [552, 616].
  TilePipeline shared(true);
  EXPECT_EQ(shared.run(0, 3, s).end, 616000);
  // Separate ports: 296 + 2 * 128 = 552 ns.
  TilePipeline two(true);
  EXPECT_EQ(two.run(0, 3, separate).end, 296000 + 2 * 128000);
  // In steady state one more MVM costs the port's 192 ns.
  TilePipeline a(true), b(true);
  EXPECT_EQ(b.run(0, 51, s).end - a.run(0, 50, s).end, 192000);
  // Sequential streaming never overlaps the two streams: the port changes nothing.
  TilePipeline seq(false);
  EXPECT_EQ(seq.run(0, 3, s).end, 3 * s.total());
}

// Four batches of 8 issued at once end where one batch of 32 does: total + 31 * period. With
// separate ports; and with a shared port that is not the slowest stage (8 + 16 ns of streams
// against 130 ns of integration + conversion and 130 ns of post-processing).
TEST(TileModelTest, ChunkedBatchesRunAsOneBatch) {
  MvmStages s;
  s.stream_in = 8000;
  s.integrate = 128000;
  s.convert = 2000;
  s.post = 130000;
  s.stream_out = 16000;
  for (bool shared : {false, true}) {
    s.shared_port = shared;
    TilePipeline whole(true), chunked(true);
    EXPECT_EQ(whole.run(0, 32, s).end, 284000 + 31 * 130000) << shared;
    Picos end = 0;
    for (int c = 0; c < 4; ++c) end = chunked.run(0, 8, s).end;
    EXPECT_EQ(end, 284000 + 31 * 130000) << shared;
  }
}

TEST(TileModelTest, MvmEnergySplitsByComponent) {
  TileParams p = TileParams::defaults();
  const EnergyBreakdown e = mvm_energy(p, 512, 128);
  EXPECT_DOUBLE_EQ(e.get("aimc.dac"), 5.23 * 512);            // per active row
  EXPECT_DOUBLE_EQ(e.get("aimc.array"), 0.0511 * 512 * 128);  // per active cell
  EXPECT_DOUBLE_EQ(e.get("aimc.adc"), 34.0 * 128);            // per conversion
  EXPECT_DOUBLE_EQ(e.get("aimc.post"), 1.0 * 128);
  // Calibration: a full 256x256 MVM costs 13.4 nJ (HERMES, 0.86 uJ / 64 cores) before
  // post-processing.
  const EnergyBreakdown h = mvm_energy(p, 256, 256);
  EXPECT_NEAR(h.total() - h.get("aimc.post"), 13400, 13400 * 0.01);
}

TEST(TileModelTest, TheModelIsChosenByNameFromTheRegistry) {
  EXPECT_EQ(TileModelRegistry::instance().names(), std::vector<std::string>{"pcm-crossbar"});
  Schema schema;
  TileParams::declare(schema);
  const TileParams p = TileParams::from(Config::load(schema, {}, {"tile.model=pcm-crossbar"}));
  // The free functions go through the chosen model: 512 x 512 MVM on the default tile streams in
  // 512 * 8 / 256 = 16 cycles at 1 GHz.
  EXPECT_EQ(mvm_stages(p, 512, 512).stream_in, 16000);
  EXPECT_THROW(Config::load(schema, {}, {"tile.model=sram"}), InputError);
}

// The MVM-by-MVM flow shop TilePipeline::run computes for separate ports, written out plainly:
// each stage takes MVM k once MVM k left the stage before it and MVM k - 1 left the stage after.
struct ReferencePipeline {
  Picos in_free = 0, analog_start = 0, analog_free = 0, post_start = 0, post_free = 0;
  Picos out_start = 0, out_free = 0, reduce_free = 0;
  TilePipeline::Span run(Picos ready, std::int64_t n, const MvmStages& s) {
    TilePipeline::Span span{-1, ready};
    std::int64_t in = 0, analog = 0, post = 0, out = 0;
    while (out < n) {
      if (analog < in && post == analog) {
        analog_start = std::max({in_free, analog_free, post_start});
        analog_free = analog_start + s.analog();
        ++analog;
      } else if (post < analog && out == post) {
        post_start = std::max({analog_free, post_free, out_start});
        post_free = post_start + s.post;
        ++post;
      } else if (in < n && analog == in) {
        const Picos start = std::max({ready, in_free, analog_start});
        if (span.start < 0) span.start = start;
        in_free = start + s.stream_in;
        ++in;
      } else {
        out_start = std::max(post_free, out_free);
        out_free = out_start + s.stream_out;
        reduce_free = std::max(out_free, reduce_free) + s.reduce;
        ++out;
      }
    }
    if (n > 0) span.end = reduce_free;
    if (span.start < 0) span.start = ready;
    return span;
  }
};

// run() skips ahead once the pipeline repeats itself; on random stage times and random batches
// (issued early, late, back to back) it gives the reference's every start and end.
TEST(TileModelTest, SteadyStateSkipGivesTheMvmByMvmTimes) {
  std::uint64_t state = 12345;
  const auto next = [&state](std::int64_t lo, std::int64_t hi) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + static_cast<std::int64_t>((state >> 33) % static_cast<std::uint64_t>(hi - lo + 1));
  };
  for (int trial = 0; trial < 300; ++trial) {
    MvmStages s;
    s.stream_in = next(0, 40) * 1000;
    s.integrate = next(1, 60) * 1000;
    s.convert = next(0, 10) * 1000;
    s.post = next(0, 40) * 1000;
    s.stream_out = next(0, 40) * 1000;
    s.reduce = next(0, 3) * next(0, 30) * 1000;
    TilePipeline pipe(true);
    ReferencePipeline ref;
    Picos now = 0;
    for (int call = 0; call < 6; ++call) {
      now += next(0, 2) == 0 ? 0 : next(0, 2000) * 1000;
      const std::int64_t n = next(0, 3) == 0 ? next(0, 4) : next(5, 300);
      const auto got = pipe.run(now, n, s);
      const auto want = ref.run(now, n, s);
      ASSERT_EQ(got.start, want.start) << "trial " << trial << " call " << call << " n " << n;
      ASSERT_EQ(got.end, want.end) << "trial " << trial << " call " << call << " n " << n;
    }
  }
}

}  // namespace
}  // namespace aimcsim
