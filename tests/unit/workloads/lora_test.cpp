#include "workloads/lora.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "sim/base/error.hpp"
#include "workloads/graph_builder.hpp"
#include "workloads/parse.hpp"

namespace aimcsim {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// An embedding projection, one layer with query, value and an FFN, and a head.
Workload small() {
  Workload w;
  w.model = "small";
  GraphBuilder g(w);
  g.block("embedding");
  std::size_t x = g.linear("embedding_transformation", 4, 16, 32, {});
  g.block("layer.0");
  const std::size_t q = g.linear("attention.self.query", 4, 32, 32, {x});
  const std::size_t v = g.linear("attention.self.value", 4, 32, 32, {x});
  x = g.elementwise("add", "add", 4, 32, {q, v});
  x = g.linear("intermediate.dense", 4, 32, 64, {x});
  g.block("head");
  g.linear("qa_outputs", 4, 32, 2, {x});
  return w;
}

WorkloadParams lora(const std::string& targets, const std::string& overrides = "none") {
  WorkloadParams p;
  p.rank = 8;
  p.targets = targets;
  p.rank_overrides = overrides;
  return p;
}

std::vector<std::int64_t> ranks(const Workload& w) {
  std::vector<std::int64_t> out;
  for (const auto& op : w.ops)
    if (op.kind == OpKind::Linear) out.push_back(op.rank);
  return out;
}

TEST(LoraTest, TargetsChooseTheAdaptedLinears) {
  // order: embedding_transformation, query, value, intermediate.dense, qa_outputs
  Workload all = small();
  place_lora(all, lora("all"));
  // all: every linear but the task head (PEFT's all-linear)
  EXPECT_EQ(ranks(all), (std::vector<std::int64_t>{8, 8, 8, 8, 0}));
  Workload every = small();
  place_lora(every, lora("all+head"));
  EXPECT_EQ(ranks(every), (std::vector<std::int64_t>{8, 8, 8, 8, 8}));
  Workload head = small();
  place_lora(head, lora("query,qa_outputs"));  // the head only when named
  EXPECT_EQ(ranks(head), (std::vector<std::int64_t>{0, 8, 0, 0, 8}));
  Workload qkv = small();
  place_lora(qkv, lora("qkv"));
  EXPECT_EQ(ranks(qkv), (std::vector<std::int64_t>{0, 8, 8, 0, 0}));
  Workload ffn = small();  // inside a layer, not Q/K/V: the embedding and the head stay analog
  place_lora(ffn, lora("ffn"));
  EXPECT_EQ(ranks(ffn), (std::vector<std::int64_t>{0, 0, 0, 8, 0}));
  Workload listed = small();  // names match whole trailing components: "dense" but not "ense"
  place_lora(listed, lora("value, dense", "value=2"));
  EXPECT_EQ(ranks(listed), (std::vector<std::int64_t>{0, 0, 2, 8, 0}));
  // LoRA parameters: value 2 * (32 + 32) + dense 8 * (32 + 64) = 128 + 768
  EXPECT_EQ(listed.lora_params(), 896);
}

TEST(LoraTest, UnmatchedNamesListTheWorkloadsLinears) {
  Workload w = small();
  EXPECT_EQ(error_of([&] { place_lora(w, lora("ense")); }),
            "lora.targets: 'ense' matches no linear of small; its linears: "
            "embedding_transformation, attention.self.query, attention.self.value, "
            "intermediate.dense, qa_outputs");
  EXPECT_EQ(error_of([&] {
              place_lora(w, lora("all", "key=4"));
            }).rfind("lora.rank_overrides: 'key' matches no linear of small", 0),
            0u);
  EXPECT_NE(error_of([&] {
              place_lora(w, lora("all", "query=0"));
            }).find("'query=0' is not name=rank with rank >= 1"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { place_lora(w, lora(" , ")); }),
            "lora.targets: empty; accepted: all, all+head, qkv, ffn, or a comma list of operator "
            "names");
}

TEST(ParseTest, DigitsAreWholeBoundedDecimalRuns) {
  EXPECT_EQ(parse_digits("512", 9), 512);
  EXPECT_EQ(parse_digits("007", 3), 7);
  EXPECT_EQ(parse_digits("1234", 3), -1);  // longer than allowed
  EXPECT_EQ(parse_digits("", 3), -1);
  EXPECT_EQ(parse_digits("-1", 3), -1);
  EXPECT_EQ(parse_digits("1 ", 3), -1);
}

TEST(ParseTest, ListsAreTrimmedAndSkipEmptyItems) {
  EXPECT_EQ(split_list(" query, value ,,key"), (std::vector<std::string>{"query", "value", "key"}));
  EXPECT_TRUE(split_list(" , ").empty());
}

}  // namespace
}  // namespace aimcsim
