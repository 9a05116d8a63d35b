#include "models/aimc/tile_model.hpp"

#include <gtest/gtest.h>

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
  EXPECT_EQ(s.compute(), 516000);  // 512 + 2 + 2
  EXPECT_EQ(s.total(), 540000);    // 16 + 516 + 8
  EXPECT_EQ(s.period(true), 516000);
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
  EXPECT_EQ(span.end, 540000 + 7 * 516000);  // first MVM 540 ns, then one per 516 ns
  EXPECT_EQ(span.end, mvm_batch_ps(s, 8, true));
  // A second batch issued at once continues the pipeline: no refill bubble.
  const auto next = pipe.run(0, 8, s);
  EXPECT_EQ(next.end, 540000 + 15 * 516000);
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

}  // namespace
}  // namespace aimcsim
