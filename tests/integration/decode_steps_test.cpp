// Decode steps held once (Workload::shared_steps) and simulated phase by phase against the same
// run with every step's operators listed and built before the simulation starts: the two must
// give the same bytes in every report.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/run/run.hpp"
#include "tests/support/config_helpers.hpp"
#include "tests/support/same_run.hpp"

namespace aimcsim {
namespace {

struct Case {
  std::string yaml;
  std::vector<std::string> overrides;
};

Workload workload_of(const Config& cfg, bool share) {
  WorkloadParams p = WorkloadParams::from(cfg);
  p.share_steps = share;
  return build_workload(p);
}

void expect_same_run(const Case& c) {
  const Config cfg = test::load_config(c.yaml, c.overrides);
  const Workload shared = workload_of(cfg, true), unrolled = workload_of(cfg, false);
  ASSERT_TRUE(shared.shared_steps);
  ASSERT_FALSE(unrolled.shared_steps);
  EXPECT_EQ(shared.unrolled_ops(), unrolled.ops.size());
  EXPECT_EQ(shared.macs(), unrolled.macs());
  const RunResult a = simulate(cfg, shared), b = simulate(cfg, unrolled);
  test::expect_same_run(a, b, cfg);
}

const char* kGpt2 = "workload:\n  model: gpt2\n  seq_len: 16\n  decode_tokens: 5\n";

TEST(DecodeStepsTest, SharedStepsRunAsTheUnrolledGraphUnderEveryStrategy) {
  for (const char* strategy : {"token-pipelined", "layer-pipelined", "overlapped", "sequential"}) {
    SCOPED_TRACE(strategy);
    expect_same_run({kGpt2,
                     {std::string("pipeline.strategy=") + strategy, "pipeline.chunk_tokens=8",
                      "output.trace=true"}});
  }
}

TEST(DecodeStepsTest, SharedStepsRunAsTheUnrolledGraphOnOtherPlatforms) {
  // Grouped-query attention and a mesh; a bus with adapters starting on X W; power gating with
  // one PMCA per tile.
  expect_same_run({"workload:\n  model: qwen2-0.5b\n  seq_len: 8\n  decode_tokens: 4\n",
                   {"interconnect.topology=mesh", "lora.rank=4"}});
  expect_same_run({kGpt2,
                   {"interconnect.topology=bus", "pipeline.adapter_start=xw-first",
                    "pipeline.strategy=overlapped"}});
  expect_same_run({kGpt2, {"power.gating=true", "platform.tiles_per_pmca=1"}});
}

TEST(DecodeStepsTest, AGraphHoldsOneStepOfOperators) {
  const Config cfg = test::load_config(kGpt2);
  const Workload w = workload_of(cfg, true), unrolled = workload_of(cfg, false);
  // GPT-2's pass: the embedding (wte, wpe, their add), 12 layers, the final norm and LM head.
  const std::size_t step = (unrolled.ops.size() - w.decode_first) / 5;
  EXPECT_EQ(w.ops.size(), w.decode_first + step);
  EXPECT_EQ(unrolled.ops.size(), w.decode_first + 5 * step);
  // Only the attention's scores, softmax and context grow, one key a step: 3 per layer.
  EXPECT_EQ(w.growing.size(), 3u * 12);
  for (std::size_t i : w.growing) {
    EXPECT_EQ(w.ops[i].kv_tokens, 16 + 1);  // the prompt and the step's own token
    EXPECT_EQ(w.step_op(i, 4).kv_tokens, 16 + 5);
    // Step 4 of the listed graph is the same operator.
    const Operator& listed = unrolled.ops[i + 4 * step];
    EXPECT_EQ(listed.name, w.ops[i].name);
    EXPECT_EQ(listed.kv_tokens, 21);
    EXPECT_EQ(listed.width, w.step_op(i, 4).width);
  }
}

TEST(DecodeStepsTest, MixtureOfExpertsStepsAreListed) {
  // Each step routes its token to other experts: its operators differ from step to step.
  const Config cfg =
      test::load_config("workload:\n  model: mixtral-8x7b\n  seq_len: 4\n  decode_tokens: 3\n");
  const Workload w = workload_of(cfg, true);
  EXPECT_FALSE(w.shared_steps);
  EXPECT_EQ(w.unrolled_ops(), w.ops.size());
}

TEST(DecodeStepsTest, DenseDecodersOfTheZooHoldOneStep) {
  // Dense decoders hold one step; Mixture-of-Experts models (each step routed anew) and BART
  // (whose steps read the encoder's K and V, not only the previous pass) list every step.
  for (const char* model : {"gpt2", "llama-3.1-8b", "qwen2-0.5b", "gemma-2b", "phi-3-mini-4k",
                            "opt-125m", "pythia-160m", "mistral-7b-v0.1"}) {
    const Config cfg = test::load_config(std::string("workload:\n  model: ") + model +
                                         "\n  seq_len: 4\n  decode_tokens: 3\n");
    const Workload w = workload_of(cfg, true);
    EXPECT_TRUE(w.shared_steps) << model;
    EXPECT_EQ(w.unrolled_ops(), workload_of(cfg, false).ops.size()) << model;
  }
  for (const char* model : {"mixtral-8x7b", "qwen1.5-moe-a2.7b", "bart-base"}) {
    const Config cfg = test::load_config(std::string("workload:\n  model: ") + model +
                                         "\n  seq_len: 4\n  decode_tokens: 3\n");
    EXPECT_FALSE(workload_of(cfg, true).shared_steps) << model;
  }
}

TEST(DecodeStepsTest, DecodeRowsAddTheirSteps) {
  const RunResult r = test::run_config(kGpt2, {"pipeline.chunk_tokens=8"});
  const Workload unrolled = workload_of(test::load_config(kGpt2), false);
  const RunResult each = simulate(test::load_config(kGpt2, {"pipeline.chunk_tokens=8"}), unrolled);
  ASSERT_EQ(r.ops.size(), each.ops.size());
  std::size_t decode_rows = 0;
  for (const OpResult& o : r.ops) {
    if (!o.op.decode) {
      EXPECT_EQ(o.steps, 1);
      continue;
    }
    ++decode_rows;
    // One token a step, five steps.
    EXPECT_EQ(o.steps, 5);
    EXPECT_EQ(o.op.tokens, 5);
    EXPECT_EQ(o.op.step, 4);
  }
  EXPECT_EQ(decode_rows, r.workload.ops.size() - r.workload.decode_first);
  // The blocks count every step's operators.
  std::size_t ops = 0;
  for (const BlockResult& b : r.blocks) ops += b.ops;
  EXPECT_EQ(ops, r.workload.unrolled_ops());
}

}  // namespace
}  // namespace aimcsim
