// Each `aimcsim kernel` subcommand prints the cycles the run charges for the same shape: the
// run's digital operators cost digital_op_cost (sim/map/digital_cost.hpp) on the PMCA, its LoRA
// chunks lora_group_cost and its partial-sum reductions pmca_reduce_ps, all converted to time at
// the cluster clock; the kernel's printed cycles must be that time in cluster cycles. Each tie is
// checked at the default 1 GHz and at 500 MHz (twice the time, the same cycles).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "models/riscv/kernels.hpp"
#include "models/riscv/pmca_model.hpp"
#include "platform/platform.hpp"
#include "sim/map/digital_cost.hpp"
#include "tests/support/config_helpers.hpp"
#include "tests/support/process.hpp"

namespace aimcsim {
namespace {

// Defaults as in kernels_test: 8 cores, 2 FP16 lanes, 90 % streamed-loop utilisation, 10 cycles
// per loop nest, 80 + 20 per kernel.
const char* const kClocks[] = {"1GHz", "500MHz"};

PmcaParams cluster(const std::string& freq) {
  return PmcaParams::from(test::default_config({"pmca.preset=snitch-cores", "pmca.freq=" + freq}));
}

// What `aimcsim kernel` printed: the cycles on the row named `row`, and the time line.
struct Printed {
  std::int64_t cycles = -1;
  std::string time;  // "time: ..." up to " ns"
};

Printed kernel(const std::string& args, const std::string& freq, const std::string& row) {
  // The cores-only cluster the tests derive their cycles on (the embedded default job runs the
  // study's RedMulE cluster); -p pmca.engine=redmule in `args` still picks the engine.
  const test::ProcessResult r =
      test::run_aimcsim("kernel " + args + " -p pmca.preset=snitch-cores -p pmca.freq=" + freq);
  EXPECT_EQ(r.status, 0) << r.output();
  Printed p;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string name, value;
    fields >> name >> value;
    if (name == row) p.cycles = std::stoll(value);
    if (name == "time:") p.time = "time: " + value + " ns";
  }
  EXPECT_GE(p.cycles, 0) << "no row '" << row << "' in:\n" << r.out;
  return p;
}

// A duration the run charges, in cycles of the cluster clock `p.freq_hz`.
std::int64_t cycles_at(const PmcaParams& p, Picos duration) {
  return std::llround(static_cast<double>(duration) * p.freq_hz / 1e12);
}

std::string time_line(Picos duration) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(3);
  s << "time: " << ps_to_ns(duration) << " ns";
  return s.str();
}

// The kernel run with `args` prints `hand` cycles, and the run charges `charged(p)` for the same
// shape: `hand` cycles at 1 GHz and at 500 MHz.
template <typename Charged>
void expect_tie(const std::string& args, const std::string& row, std::int64_t hand,
                const Charged& charged) {
  for (const char* freq : kClocks) {
    const PmcaParams p = cluster(freq);
    const Picos duration = charged(p);
    const Printed printed = kernel(args, freq, row);
    EXPECT_EQ(printed.cycles, hand) << args << " at " << freq;
    EXPECT_EQ(cycles_at(p, duration), hand) << args << " at " << freq;
    EXPECT_EQ(duration, static_cast<Picos>(hand * 1e12 / p.freq_hz)) << args << " at " << freq;
    if (args.rfind("lora ", 0) != 0) {  // the lora kernel prints the time per chunk and token
      EXPECT_EQ(printed.time, time_line(duration)) << args << " at " << freq;
    }
  }
}

Operator op_of(OpKind kind, const std::string& variant) {
  Operator op;
  op.block = "test";
  op.name = variant;
  op.kind = kind;
  op.variant = variant;
  return op;
}

// Attention over 8 query tokens, 2 heads of 8, 16 keys, no causal mask: every row sees 16 keys.
Operator attention(OpKind kind, const std::string& variant) {
  Operator op = op_of(kind, variant);
  op.tokens = 8;
  op.kv_tokens = 16;
  op.heads = 2;
  op.kv_heads = 2;
  op.head_dim = 8;
  return op;
}

// A per-token operator over 8 tokens of 128 features.
Operator rows_of_128(OpKind kind, const std::string& variant) {
  Operator op = op_of(kind, variant);
  op.tokens = 8;
  op.width = 128;
  return op;
}

Picos digital(const PmcaParams& p, const Operator& op) {
  return digital_op_cost(p, op, 0, op.tokens).duration;
}

TEST(KernelTiesTest, SoftmaxPrintsWhatTheRunChargesForTheHeadsRows) {
  // The run's softmax over 8 tokens x 2 heads is one softmax of 16 rows of 16 keys;
  // `kernel softmax` takes the rows directly. 16 rows on 8 cores: 2 rows per core; per row
  // ceil(16 / 2) = 8 lane groups x 11 = 88 SIMD instructions + 11 for the divide: 99; 198 per
  // core; ceil(198 / 0.9 + 2 * 3 * 10 + 100) = ceil(220 + 160) = 380 cycles.
  expect_tie("softmax --rows 16 --cols 16", "softmax", 380,
             [](const PmcaParams& p) { return digital(p, attention(OpKind::Softmax, "softmax")); });
}

TEST(KernelTiesTest, AttentionScoresPrintWhatTheRunCharges) {
  // Per head an 8 x 16 x 8 GEMM: one row per core, 8 * ceil(16 / 2) = 64 SIMD FMAs:
  // ceil(64 / 0.9 + 10 + 100) = 182; two heads: 364 cycles.
  expect_tie("attention_scores --q-tokens 8 --kv-tokens 16 --head-dim 8 --heads 2",
             "attention_scores", 364,
             [](const PmcaParams& p) { return digital(p, attention(OpKind::Matmul, "scores")); });
}

TEST(KernelTiesTest, AttentionContextPrintsWhatTheRunCharges) {
  // Per head 8 x 8 x 16: 16 * ceil(8 / 2) = 64 SIMD FMAs per row, 182 cycles; two heads: 364.
  expect_tie("attention_context --q-tokens 8 --kv-tokens 16 --head-dim 8 --heads 2",
             "attention_context", 364,
             [](const PmcaParams& p) { return digital(p, attention(OpKind::Matmul, "values")); });
}

TEST(KernelTiesTest, AttentionScoresBeyondL1PrintWhatTheRunChargesInKeyBlocks) {
  // A LLaMA-like head, 128 wide, over 2048 keys: K of one head is 2048 * 128 * 2 B = 512 KiB,
  // more than the 128 KiB L1. The run processes the keys in blocks that fit (digital_cost_test)
  // and charges their sum; the kernel should print that too.
  Operator op = op_of(OpKind::Matmul, "scores");
  op.tokens = 1;
  op.kv_tokens = 2048;
  op.heads = 32;
  op.kv_heads = 32;
  op.head_dim = 128;
  const PmcaParams p = cluster("1GHz");
  const std::int64_t charged = cycles_at(p, digital(p, op));
  const test::ProcessResult r = test::run_aimcsim(
      "kernel attention_scores --q-tokens 1 --kv-tokens 2048 --head-dim 128 --heads 32 -p "
      "pmca.preset=snitch-cores");
  EXPECT_EQ(r.status, 0) << r.output();
  EXPECT_EQ(kernel("attention_scores --q-tokens 1 --kv-tokens 2048 --head-dim 128 --heads 32",
                   "1GHz", "attention_scores")
                .cycles,
            charged);
}

TEST(KernelTiesTest, LayerNormPrintsWhatTheRunCharges) {
  // 8 x 128, one row per core: 64 lane groups x 6 + 2 x 11 = 406; 3 nests:
  // ceil(406 / 0.9 + 30 + 100) = ceil(581.11) = 582 cycles.
  expect_tie("layer_norm --tokens 8 --width 128", "layer_norm", 582, [](const PmcaParams& p) {
    return digital(p, rows_of_128(OpKind::Norm, "layernorm"));
  });
}

TEST(KernelTiesTest, NoNormPrintsWhatTheRunCharges) {
  // 1024 elements / 8 cores / 2 lanes = 64 FMAs per core: ceil(71.11 + 110) = 182 cycles.
  expect_tie("no_norm --tokens 8 --width 128", "no_norm", 182,
             [](const PmcaParams& p) { return digital(p, rows_of_128(OpKind::Norm, "nonorm")); });
}

TEST(KernelTiesTest, ActivationsPrintWhatTheRunCharges) {
  // 64 lane groups per core. ReLU one max each: ceil(64 / 0.9 + 110) = 182.
  // SiLU exp 8 + recip 5 + 2 = 15: 960 -> ceil(1066.67 + 110) = 1177.
  // GELU exp 8 + recip 5 + 3 = 16: 1024 -> ceil(1137.78 + 110) = 1248.
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {"relu", 182}, {"silu", 1177}, {"gelu", 1248}};
  for (const auto& [name, hand] : cases) {
    const std::string& kernel = name;  // a lambda captures a variable, not a structured binding
    expect_tie(kernel + " --tokens 8 --width 128", kernel, hand, [&](const PmcaParams& p) {
      return digital(p, rows_of_128(OpKind::Activation, kernel));
    });
  }
}

TEST(KernelTiesTest, AddPrintsWhatTheRunChargesForAnElementwiseAdd) {
  // 1024 elements / 8 cores / 2 lanes = 64 SIMD adds: ceil(71.11 + 10 + 100) = 182 cycles, both
  // for the element-wise operator and for the add of a LoRA chunk of 8 tokens of 128 outputs.
  expect_tie("add --rows 8 --cols 128", "add", 182, [](const PmcaParams& p) {
    return digital(p, rows_of_128(OpKind::Elementwise, "add"));
  });
  expect_tie("add --rows 8 --cols 128", "add", 182, [](const PmcaParams& p) {
    const LoraChunkCost c = lora_group_cost(p, 1, 8, 512, 128, 8);
    return ns_to_ps(cycles_to_ns(static_cast<double>(c.add.cycles), p.freq_hz));
  });
}

// The run's GEMMs are the two of each LoRA chunk, X A and (X A) B, on the cluster's engine.
Picos lora_gemm(const PmcaParams& p, bool down) {
  const LoraChunkCost c = lora_group_cost(p, 1, 8, 512, 128, 8);
  return ns_to_ps(cycles_to_ns(static_cast<double>(down ? c.down.cycles : c.up.cycles), p.freq_hz));
}

TEST(KernelTiesTest, GemmPrintsWhatTheRunChargesForTheLoraGemms) {
  // X A of 8 tokens of a 512-input layer at rank 8, M 8 x N 8 x K 512: one row per core,
  // 512 * ceil(8 / 2) = 2048 SIMD FMAs: ceil(2275.56 + 110) = 2386 cycles.
  expect_tie("gemm -m 8 -n 8 -k 512", "gemm", 2386,
             [](const PmcaParams& p) { return lora_gemm(p, true); });
  // (X A) B, M 8 x N 128 x K 8: 8 * 64 = 512 SIMD FMAs: ceil(568.89 + 110) = 679 cycles.
  expect_tie("gemm -m 8 -n 128 -k 8", "gemm", 679,
             [](const PmcaParams& p) { return lora_gemm(p, false); });
}

TEST(KernelTiesTest, GemmOnRedmulePrintsWhatTheRunCharges) {
  // On the engine the chunk is 2171 + 625 cycles (cli_test): X A 2171 as a plain GEMM, and
  // (X A) B + X W 625 as one accumulating job (pmca_model_test), which `kernel gemm` does not
  // print but `kernel lora` does, on its lora_up_add row.
  const auto on_redmule = [](bool down) {
    return [down](const PmcaParams& q) {
      PmcaParams p = q;
      p.set_engine("redmule");
      return lora_gemm(p, down);
    };
  };
  expect_tie("gemm -m 8 -n 8 -k 512 -p pmca.engine=redmule", "gemm", 2171, on_redmule(true));
  expect_tie("lora --tokens 8 --in 512 --out 128 --rank 8 -p pmca.engine=redmule", "lora_up_add",
             625, on_redmule(false));
}

TEST(KernelTiesTest, LoraPrintsTheChunkTheRunCharges) {
  // 2386 + 679 + 182 = 3247 cycles (pmca_model_test) for a chunk of 8 tokens of 512 -> 128.
  expect_tie("lora --tokens 8 --in 512 --out 128 --rank 8", "chunk", 3247,
             [](const PmcaParams& p) { return lora_group_cost(p, 1, 8, 512, 128, 8).duration; });
}

TEST(KernelTiesTest, ReducePrintsWhatTheRunChargesForPartialSums) {
  // The run adds the partial sums of 4 row blocks of 8 tokens x 128 outputs before the LoRA
  // chunk (Pmca with partial sums) as one reduction kernel: 1024 / 8 cores / 2 lanes = 64 groups
  // x 3 adds = 192 SIMD adds, ceil(192 / 0.9 + 110) = 324 cycles; the kernel prints the same.
  for (const char* freq : kClocks) {
    const PmcaParams p = cluster(freq);
    const Printed printed = kernel("reduce --tokens 8 --out 128 --blocks 4", freq, "reduce");
    EXPECT_EQ(printed.cycles, 324) << freq;
    EXPECT_EQ(printed.cycles, cycles_at(p, pmca_reduce_ps(p, 8, 128, 4))) << freq;
  }
}

}  // namespace
}  // namespace aimcsim
