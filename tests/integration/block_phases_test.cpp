// A design's jobs built block by block while the run goes on (block_phases, Workload::block_phases)
// against the same run with every job built before it starts: the two must give the same bytes in
// every report, and the blocks split as block_phases() says.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sim/run/design.hpp"
#include "sim/run/run.hpp"
#include "tests/support/config_helpers.hpp"
#include "tests/support/same_run.hpp"

namespace aimcsim {
namespace {

using Phases = std::vector<std::pair<std::size_t, std::size_t>>;

void expect_same_run(const std::string& yaml, const std::vector<std::string>& overrides) {
  const Config cfg = test::load_config(yaml, overrides);
  Workload phased = build_workload(WorkloadParams::from(cfg));
  Workload whole = phased;
  whole.block_phases = false;
  ASSERT_GT(block_phases(phased).size(), 1u);
  ASSERT_EQ(block_phases(whole).size(), 1u);
  const RunResult a = simulate(cfg, phased), b = simulate(cfg, whole);
  test::expect_same_run(a, b, cfg);
}

const char* kMobileBert = "workload:\n  model: mobilebert\n  seq_len: 48\n";

TEST(BlockPhasesTest, BlocksBuiltAsTheRunGoesRunAsTheWholeGraphUnderEveryStrategy) {
  for (const char* strategy : {"token-pipelined", "layer-pipelined", "overlapped", "sequential"}) {
    SCOPED_TRACE(strategy);
    expect_same_run(kMobileBert, {std::string("pipeline.strategy=") + strategy,
                                  "pipeline.chunk_tokens=16", "output.trace=true"});
  }
}

TEST(BlockPhasesTest, BlocksBuiltAsTheRunGoesRunAsTheWholeGraphOnOtherPlatforms) {
  // A mesh with the wavefront; a bus with adapters starting on X W; gating with a PMCA per tile;
  // layers packed densely onto shared tiles; a decoder's prompt before its shared steps.
  expect_same_run(kMobileBert, {"interconnect.topology=mesh", "pipeline.strategy=layer-pipelined"});
  expect_same_run(kMobileBert, {"interconnect.topology=bus", "pipeline.adapter_start=xw-first",
                                "pipeline.strategy=overlapped"});
  expect_same_run(kMobileBert, {"power.gating=true", "platform.tiles_per_pmca=1"});
  expect_same_run("workload:\n  model: distilbert-base-uncased\n  seq_len: 32\n",
                  {"platform.packing=dense", "pipeline.strategy=layer-pipelined"});
  expect_same_run("workload:\n  model: gpt2\n  seq_len: 16\n  decode_tokens: 3\n",
                  {"pipeline.strategy=layer-pipelined", "output.trace=true"});
}

TEST(BlockPhasesTest, EachBlockIsAPhaseWhereItReadsOnlyItselfAndTheBlockBefore) {
  // MobileBERT: the embedding's 4 operators, 24 layers of 36 and the head's 1: 4 + 24 x 36 + 1 =
  // 869 operators in 26 phases.
  const Workload w = build_workload(WorkloadParams::from(test::load_config(kMobileBert)));
  const Phases p = block_phases(w);
  ASSERT_EQ(p.size(), 26u);
  EXPECT_EQ(p[0], std::make_pair(std::size_t{0}, std::size_t{4}));
  for (std::size_t k = 1; k <= 24; ++k)
    EXPECT_EQ(p[k], std::make_pair(4 + 36 * (k - 1), 4 + 36 * k)) << k;
  EXPECT_EQ(p[25], std::make_pair(std::size_t{868}, std::size_t{869}));
  EXPECT_EQ(w.ops.size(), 869u);
}

TEST(BlockPhasesTest, ADecoderWithSharedStepsSplitsOnlyItsPrompt) {
  const Workload w = build_workload(WorkloadParams::from(
      test::load_config("workload:\n  model: gpt2\n  seq_len: 16\n  decode_tokens: 3\n")));
  ASSERT_TRUE(w.shared_steps);
  const Phases p = block_phases(w);
  // The embedding, 12 layers and the head, ending where the shared step begins.
  ASSERT_EQ(p.size(), 14u);
  EXPECT_EQ(p.front().first, 0u);
  EXPECT_EQ(p.back().second, w.decode_first);
  for (std::size_t k = 1; k + 1 < p.size(); ++k) {
    EXPECT_EQ(p[k].first, p[k - 1].second);
    EXPECT_EQ(w.ops[p[k].first].block, "layer." + std::to_string(k - 1));
  }
}

TEST(BlockPhasesTest, APhaseThatReadsFurtherBackJoinsThePhaseBefore) {
  // BART, unrolled steps: the decoder starts from a token embedding with no input, ready at the
  // start of the run, so it and the encoder before it are phase 0 (ops 0-89: the encoder's
  // embedding 3 + 6 layers x 14, and the decoder's embedding 3). Every decoder layer reads the
  // encoder's output in phase 0: layer 0 may be phase 1, and each further layer joins it
  // (ops 90-227). The head and the decode steps, which read the decoder layers' keys, join as
  // they come, but for the last step's head.
  const Workload w = build_workload(WorkloadParams::from(
      test::load_config("workload:\n  model: bart-base\n  seq_len: 16\n  decode_tokens: 2\n")));
  const Phases p = block_phases(w);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0], std::make_pair(std::size_t{0}, std::size_t{90}));
  EXPECT_EQ(w.ops[89].block, "decoder.embedding");
  EXPECT_EQ(w.ops[90].block, "decoder.layer.0");
  EXPECT_EQ(p[1], std::make_pair(std::size_t{90}, std::size_t{228}));
  EXPECT_EQ(w.ops[227].block, "decoder.layer.5");
  EXPECT_EQ(w.ops[228].block, "head");
  EXPECT_EQ(p[3].second, w.ops.size());
  // A run of BART is the same built either way.
  expect_same_run("workload:\n  model: bart-base\n  seq_len: 16\n  decode_tokens: 2\n",
                  {"pipeline.strategy=layer-pipelined"});
  // One linear layer: one phase.
  const Workload one = build_workload(
      WorkloadParams::from(test::load_config("workload:\n  model: linear:64x64\n  seq_len: 8\n")));
  EXPECT_EQ(block_phases(one), (Phases{{0, 1}}));
}

}  // namespace
}  // namespace aimcsim
