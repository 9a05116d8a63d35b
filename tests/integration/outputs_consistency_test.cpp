// The figures of one run agree with each other as README "Reading the outputs" defines them:
// spans within the end-to-end latency, busy times within spans, energy components summing to
// their totals, the linears' spans summed as linears_summed says.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/report/report.hpp"
#include "sim/run/run.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using nlohmann::json;

// GPT-2 with 2 layers, a prompt and two decode steps, layer-pipelined over a mesh: operators
// overlap across layers, decode blocks recur, inputs cross the interconnect.
struct Case {
  const char* name;
  std::vector<std::string> overrides;
};

class OutputsConsistencyTest : public ::testing::TestWithParam<Case> {};

double sum_values(const json& group) {
  double sum = 0;
  for (const auto& [k, v] : group.items()) sum += v.get<double>();
  return sum;
}

TEST_P(OutputsConsistencyTest, FiguresAgreeWithEachOther) {
  const Config cfg = test::load_config(
      "workload:\n  model: gpt2\n  seq_len: 64\n  decode_tokens: 2\n"
      "lora: {targets: all+head, rank: 8}\n",
      GetParam().overrides);
  const RunResult r = simulate(cfg);
  ASSERT_GT(r.hybrid, 0);
  Picos linears_a = 0, linears_h = 0;
  for (const OpResult& o : r.ops) {
    SCOPED_TRACE(o.op.block + "." + o.op.name);
    // Per operator: ready <= start <= end <= end to end; span = end - ready, or for a decode
    // operator its steps' spans summed, within its first step's ready and its last step's end.
    EXPECT_LE(o.hybrid_ready, o.hybrid_start);
    EXPECT_LE(o.hybrid_start, o.hybrid_end);
    EXPECT_LE(o.hybrid_end, r.hybrid);
    EXPECT_EQ(o.steps, o.op.decode ? 2 : 1);
    if (o.steps == 1)
      EXPECT_EQ(o.hybrid, o.hybrid_end - o.hybrid_ready);
    else
      EXPECT_LT(o.hybrid, o.hybrid_end - o.hybrid_ready);
    EXPECT_LE(o.analog_only_ready, o.analog_only_start);
    EXPECT_LE(o.analog_only_start, o.analog_only_end);
    EXPECT_LE(o.analog_only_end, r.analog_only);
    if (o.steps == 1)
      EXPECT_EQ(o.analog_only, o.analog_only_end - o.analog_only_ready);
    else
      EXPECT_LT(o.analog_only, o.analog_only_end - o.analog_only_ready);
    // The busiest resource of each kind is busy within the span.
    EXPECT_LE(o.tile_busy, o.hybrid);
    EXPECT_LE(o.link_busy, o.hybrid);
    EXPECT_LE(o.pmca_busy, o.hybrid);
    if (o.op.kind == OpKind::Linear) {
      linears_a += o.analog_only;
      linears_h += o.hybrid;
    }
  }
  EXPECT_EQ(r.linear_analog_only, linears_a);
  EXPECT_EQ(r.linear_hybrid, linears_h);
  // Per block: its span and share within the end-to-end latency.
  for (const BlockResult& b : r.blocks) {
    SCOPED_TRACE(b.name);
    EXPECT_LE(b.hybrid, r.hybrid);
    EXPECT_LE(b.analog_only, r.analog_only);
    EXPECT_GE(b.hybrid_share, 0.0);
    EXPECT_LE(b.hybrid_share, 1.0);
    EXPECT_DOUBLE_EQ(b.hybrid_share, static_cast<double>(b.hybrid) / r.hybrid);
  }
  // Energy: components sum to the total, blocks and operators partition it, and the split into
  // dynamic and static is the same total.
  const json s = json::parse(summary_json(r, cfg));
  for (const char* d : {"analog_only", "hybrid"}) {
    SCOPED_TRACE(d);
    const double total = s.at("energy").at(d).at("total_nj").get<double>();
    EXPECT_NEAR(sum_values(s.at("energy").at(d).at("components")), total, 1e-6 * total);
    double blocks = 0;
    for (const json& b : s.at("blocks"))
      blocks += b.at(std::string(d) + "_energy_nj").get<double>();
    EXPECT_NEAR(blocks, total, 1e-6 * total);
    const json& split = s.at("energy").at("split").at(d);
    EXPECT_NEAR(split.at("dynamic_nj").get<double>() + split.at("static_nj").get<double>(), total,
                1e-6 * total);
  }
  double ops_energy = 0;
  for (const OpResult& o : r.ops) ops_energy += o.hybrid_energy.total();
  EXPECT_NEAR(ops_energy, r.hybrid_energy.total(), 1e-9 * r.hybrid_energy.total());
  // Decode: per-token latency is the time after the prompt over the generated tokens.
  EXPECT_NEAR(s.at("decode").at("per_token_hybrid_ns").get<double>(),
              ps_to_ns(r.hybrid - r.prefill_hybrid) / 2, 1e-3);
  // The summary's end-to-end figures are the run's.
  EXPECT_NEAR(s.at("hybrid_ns").get<double>(), ps_to_ns(r.hybrid), 1e-3);
  EXPECT_NEAR(s.at("linears_summed").at("hybrid_ns").get<double>(), ps_to_ns(linears_h), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(
    Runs, OutputsConsistencyTest,
    ::testing::Values(Case{"token_pipelined", {}},
                      Case{"layer_pipelined_mesh",
                           {"pipeline.strategy=layer-pipelined", "interconnect.topology=mesh"}},
                      Case{"sequential_gated",
                           {"pipeline.strategy=sequential", "power.gating=true"}}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace aimcsim
