#include "sim/schedule/strategy.hpp"

#include <gtest/gtest.h>

#include "models/aimc/tile.hpp"
#include "models/interconnect/link.hpp"
#include "models/riscv/pmca.hpp"
#include "platform/platform.hpp"
#include "sim/map/mapper.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {
namespace {

// linear:512x128, 320 tokens, rank 8, chunks of 8 on the default platform.
//   Tile (t_int = T): stream-in 16 ns, integration + conversion T + 2 ns, post 2 ns,
//   stream-out 8 ns; pipelined, one MVM per T + 2 ns (the slowest stage).
//   Link: 8 tokens * 128 outputs * 2 B = 2048 B -> 10 ns + 2048 B / 32 GB/s = 74 ns.
//   PMCA chunk of 8: 2386 + 679 + 182 = 3247 cycles = 3247 ns (pmca_model_test).
struct Fixture {
  SimulationContext context;
  PlatformParams params = PlatformParams::defaults();
  Operator op = [] {
    Operator o;
    o.in = 512;
    o.out = 128;
    o.tokens = 320;
    o.rank = 8;
    return o;
  }();
  std::unique_ptr<Platform> platform;
  JobGraph graph;

  explicit Fixture(double t_int_ns) {
    params.tile.t_int_ns = t_int_ns;
    platform = std::make_unique<Platform>("hybrid", params,
                                          std::vector<LayerSlot>{{512, 128, 512, 128, 8}},
                                          std::vector<bool>{true}, true);
  }
  // The schedule before the dataflow was followed: the whole chunk waits for X W, no buffer bound.
  static constexpr ScheduleOptions kXwFirst{AdapterStart::XwFirst, 0};

  // X is in place at the tile and the PMCA from the start.
  Picos run(const std::string& strategy_name, std::int64_t chunk, Picos* analytic,
            ScheduleOptions options = kXwFirst) {
    auto strategy = StrategyRegistry::instance().create(strategy_name);
    strategy->set_options(options);
    const OpResources r{
        platform->tile(0), platform->link(0), platform->pmca(0), 0, 0, 320, chunk, 256};
    const DepsFn none = [](std::int64_t, std::int64_t) { return std::vector<Job*>{}; };
    const Progress done = strategy->schedule(graph, r, {none, none});
    run_jobs(graph);
    OpTiming t = op_timing(params, op, chunk);
    t.x_transfer = nullptr;  // X is in place at the PMCA too, as the schedule above has it
    *analytic = strategy->analytic(t, [](std::int64_t, std::int64_t) { return Picos{0}; }).back();
    EXPECT_EQ(done.back().end, 320);
    return done.back().job->end;
  }
};

TEST(StrategyTest, TokenPipelinedTileBoundHidesThePmca) {
  Fixture f(512);
  Picos analytic = 0;
  const Picos end = f.run("token-pipelined", 8, &analytic);
  // Tile: first MVM 540 ns, then one per 514 ns; all 320 done at 540 + 319 * 514 = 164506 ns.
  // The PMCA (3247 ns a chunk) keeps up with the tile (8 * 514 = 4112 ns a chunk), so only the
  // last chunk's transfer and PMCA work show: 164506 + 74 + 3247 = 167827 ns.
  EXPECT_EQ(end, 167827000);
  EXPECT_EQ(analytic, end);
  EXPECT_EQ(f.platform->tile(0).mvms(), 320);
  EXPECT_EQ(f.platform->link(0).bytes_moved(), 320 * 256);
  EXPECT_EQ(f.platform->pmca(0).busy_ps(), 40 * 3247000);
  EXPECT_EQ(f.platform->tile(0).busy_ps(), 164506000);
}

TEST(StrategyTest, TokenPipelinedPmcaBoundSerialisesOnThePmca) {
  Fixture f(128);
  Picos analytic = 0;
  const Picos end = f.run("token-pipelined", 8, &analytic);
  // Tile: 156 ns first, 130 ns period; chunk 1 done at 156 + 7 * 130 = 1066, arrives at 1140,
  // PMCA done at 1140 + 3247 = 4387. Later chunks arrive every 1040 ns, faster than the PMCA's
  // 3247 ns, so the PMCA runs back to back: 4387 + 39 * 3247 = 131020 ns.
  EXPECT_EQ(end, 131020000);
  EXPECT_EQ(analytic, end);
}

TEST(StrategyTest, SequentialWaitsForTheWholeLayer) {
  Fixture f(512);
  Picos analytic = 0;
  const Picos end = f.run("sequential", 8, &analytic);
  // Tile done at 164506; one transfer of 320 * 256 B = 81920 B: 10 + 2560 = 2570 ns;
  // then 40 PMCA chunks: 164506 + 2570 + 40 * 3247 = 296956 ns.
  EXPECT_EQ(end, 296956000);
  EXPECT_EQ(analytic, end);
}

TEST(StrategyTest, OverlappedComputesXAWhileTheTileWorks) {
  Fixture f(512);
  Picos analytic = 0;
  const Picos end = f.run("overlapped", 8, &analytic);
  // X A of a chunk takes round(2386 / 3247 * 3247) = 2386 ns, (X A) B + add 3247 - 2386 = 861 ns.
  // The PMCA runs down(c + 1) before up(c); each up(c) waits for its X W (tile chunk end + 74).
  // The PMCA (3247 ns a chunk) outpaces the tile (4112 ns), so at the end: down(39) ran early,
  // and up(39) starts when X W arrives at 164506 + 74 = 164580: 164580 + 861 = 165441 ns.
  EXPECT_EQ(end, 165441000);
  EXPECT_EQ(analytic, end);
  EXPECT_EQ(f.platform->pmca(0).busy_ps(), 40 * 3247000);
}

// With the dataflow followed (adapter_start input), a chunk's adapter work needs only X:
// X A + (X A) B = round((2386 + 679) / 3247 * 3247) = 3065 ns, the add 3247 - 3065 = 182 ns.
constexpr ScheduleOptions kInput{AdapterStart::Input, 0};

TEST(StrategyTest, InputFirstPmcaBoundStartsAtOnce) {
  Fixture f(128);
  Picos analytic = 0;
  const Picos end = f.run("token-pipelined", 8, &analytic, kInput);
  // X is there at 0: adapter(0) 0 -> 3065; add(0) needs X W(0) at 1066 + 74 = 1140, runs 3065 ->
  // 3247; every later chunk's X W arrives long before the PMCA gets to it, so the PMCA never idles:
  // 40 * 3247 = 129880 ns (X W first waits 1140 ns for the first chunk).
  EXPECT_EQ(end, 129880000);
  EXPECT_EQ(analytic, end);
  EXPECT_EQ(f.platform->pmca(0).busy_ps(), 40 * 3247000);
}

TEST(StrategyTest, InputFirstTileBoundLeavesOnlyTheLastAdd) {
  Fixture f(512);
  Picos analytic = 0;
  const Picos end = f.run("token-pipelined", 8, &analytic, kInput);
  // The adapter of each chunk runs before its X W arrives; after the last MVM (164506) only the
  // transfer and the add remain: 164506 + 74 + 182 = 164762 ns.
  EXPECT_EQ(end, 164762000);
  EXPECT_EQ(analytic, end);
}

TEST(StrategyTest, InputFirstSequentialRunsTheAdaptersDuringTheTile) {
  Fixture f(512);
  Picos analytic = 0;
  const Picos end = f.run("sequential", 8, &analytic, kInput);
  // The 40 adapters (40 * 3065 = 122600 ns) run while the tile works; X W of the whole layer
  // arrives at 164506 + 2570 = 167076, then 40 adds of 182 ns: 167076 + 7280 = 174356 ns.
  EXPECT_EQ(end, 174356000);
  EXPECT_EQ(analytic, end);
}

TEST(StrategyTest, OverlappedInputFirstRunsAChunkAhead) {
  Fixture f(128);
  Picos analytic = 0;
  const Picos end = f.run("overlapped", 8, &analytic, kInput);
  // adapter(0), adapter(1), add(0), ...: the PMCA never waits (X is there, X W arrives early):
  // 40 * 3247 = 129880 ns.
  EXPECT_EQ(end, 129880000);
  EXPECT_EQ(analytic, end);
}

TEST(StrategyTest, FullXwBufferStallsTheTile) {
  Fixture f(128);
  Picos analytic = 0;
  // A buffer of one chunk: the tile's chunk c waits for the PMCA's add of chunk c - 1. The PMCA
  // still never idles (each add(c) ends 3247 (c + 1) ns; chunk c + 1's MVMs then take
  // 156 + 7 * 130 = 1066 ns and its X W 74 ns, ready long before add(c + 1) at
  // 3247 (c + 1) + 3065): the end is still 129880 ns, but the tile waits.
  const Picos end = f.run("token-pipelined", 8, &analytic, {AdapterStart::Input, 1});
  EXPECT_EQ(end, 129880000);
  EXPECT_EQ(analytic, end);
  // The last chunk's MVMs start when add(38) ends, 39 * 3247 = 126633 ns, and end 1066 ns later.
  Picos last_mvm_end = 0;
  for (const Job& j : f.graph.jobs())
    if (j.role == JobRole::Mvm) last_mvm_end = std::max(last_mvm_end, j.end);
  EXPECT_EQ(last_mvm_end, 126633000 + 1066000);
}

TEST(StrategyTest, UnevenLastChunkIsShorter) {
  EXPECT_EQ(chunk_sizes(20, 8), (std::vector<std::int64_t>{8, 8, 4}));
  EXPECT_EQ(chunk_sizes(8, 8), (std::vector<std::int64_t>{8}));
  EXPECT_EQ(chunk_sizes(3, 8), (std::vector<std::int64_t>{3}));
}

TEST(StrategyTest, BothStrategiesAreRegistered) {
  EXPECT_EQ(
      StrategyRegistry::instance().names(),
      (std::vector<std::string>{"layer-pipelined", "overlapped", "sequential", "token-pipelined"}));
}

}  // namespace
}  // namespace aimcsim
