#include "sim/map/kernel_shape.hpp"

#include <gtest/gtest.h>

#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;

TEST(KernelShapeTest, CyclesAreTheKernelsAndTheLoraChunks) {
  const PmcaParams p = PmcaParams::defaults();
  // 16 x 64 softmax: ceil(726 / 0.9 + 2 * 3 * 10 + 80 + 20) = 967 (kernels_test).
  EXPECT_EQ(kernel_cycles(p, {"softmax", {{"rows", 16}, {"cols", 64}}}), 967);
  EXPECT_EQ(kernel_cycles(p, {"gemm", {{"m", 64}, {"n", 64}, {"k", 64}}}),
            gemm_staged_cost(p, 64, 64, 64).cycles);
  const KernelShape lora{"lora", {{"tokens", 64}, {"in", 512}, {"out", 128}, {"rank", 8}}};
  EXPECT_EQ(kernel_cycles(p, lora), lora_chunk_cost(p, 64, 512, 128, 8).cycles);
}

TEST(KernelShapeTest, EveryKernelNamesItsShapeOptions) {
  ASSERT_EQ(kernel_names().size(), 12u);
  EXPECT_EQ(*kernel_options("gemm"), (std::vector<std::string>{"m", "n", "k"}));
  EXPECT_EQ(kernel_options("matmul"), nullptr);
  for (const std::string& k : kernel_names())
    for (const std::string& o : *kernel_options(k)) {
      bool listed = false;
      for (const KernelShapeOption& s : kernel_shape_options()) listed = listed || s.name == o;
      EXPECT_TRUE(listed) << k << " takes " << o << ", which is no shape option";
    }
  EXPECT_EQ(kernel_option_flag("m"), "-m");
  EXPECT_EQ(kernel_option_flag("q_tokens"), "--q-tokens");
}

TEST(KernelShapeTest, BadShapesNameTheKernelAndTheFlag) {
  const PmcaParams p = PmcaParams::defaults();
  EXPECT_EQ(error_of([&] {
              kernel_cycles(p, {"gemm", {{"m", 8}, {"n", 8}}});
            }),
            "kernel gemm: -k is required (an integer >= 1)");
  EXPECT_EQ(error_of([&] {
              kernel_cycles(p, {"softmax", {{"rows", 0}, {"cols", 8}}});
            }),
            "kernel softmax: --rows must be an integer >= 1, got 0");
  EXPECT_NE(error_of([&] {
              kernel_cycles(p, {"matmul", {}});
            }).find("kernel 'matmul': unknown; accepted are lora, gemm"),
            std::string::npos);
  // B alone is 512 KiB.
  EXPECT_NE(error_of([&] {
              kernel_cycles(p, {"gemm", {{"m", 512}, {"n", 512}, {"k", 512}}});
            }).find("does not fit pmca.l1_size"),
            std::string::npos);
}

}  // namespace
}  // namespace aimcsim
