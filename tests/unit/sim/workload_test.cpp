#include "workloads/workload.hpp"

#include <gtest/gtest.h>

#include "sim/error.hpp"

namespace aimcsim {
namespace {

Workload build(const std::string& model, std::int64_t seq_len, std::int64_t rank) {
  WorkloadParams p;
  p.model = model;
  p.seq_len = seq_len;
  p.rank = rank;
  return build_workload(p);
}

TEST(WorkloadTest, MobileBertHasThePublishedShapes) {
  const Workload w = build("mobilebert", 320, 8);
  // 24 layers x 15 linears + embedding transformation + QA head
  EXPECT_EQ(w.ops.size(), 24u * 15 + 2);
  EXPECT_EQ(w.blocks.size(), 26u);
  // per layer: 3 x 128x128 + 7 x 512x128 + 5 x 128x512 = 49152 + 458752 + 327680 = 835584
  std::int64_t layer0 = 0;
  for (const auto& op : w.ops)
    if (op.block == "layer.0") layer0 += op.in * op.out;
  EXPECT_EQ(layer0, 835584);
  // 24 * 835584 + 384*512 + 512*2 = 20054016 + 196608 + 1024 = 20251648 (about 20.25 M)
  EXPECT_EQ(w.analog_weights(), 20251648);
  // LoRA rank 8 on every linear: 8 * sum(in + out) = 1,633,296 (AHWA-LoRA)
  EXPECT_EQ(w.lora_params(), 1633296);
  for (const auto& op : w.ops) EXPECT_EQ(op.tokens, 320);
}

TEST(WorkloadTest, LinearShapeIsParsed) {
  const Workload w = build("linear:512x128", 320, 8);
  ASSERT_EQ(w.ops.size(), 1u);
  EXPECT_EQ(w.ops[0].in, 512);
  EXPECT_EQ(w.ops[0].out, 128);
  EXPECT_EQ(w.ops[0].rank, 8);
  EXPECT_EQ(w.lora_params(), 8 * (512 + 128));
}

TEST(WorkloadTest, BadModelNamesAreInputErrors) {
  for (const char* bad : {"bert-huge", "linear:512", "linear:0x128", "linear:512x", "linear:axb", "linear:512x128x3"}) {
    try {
      build(bad, 320, 8);
      FAIL() << bad;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("workload.model"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace aimcsim
