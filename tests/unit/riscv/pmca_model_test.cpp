#include "models/riscv/pmca_model.hpp"

#include <gtest/gtest.h>

#include <array>
#include <utility>
#include <vector>

#include "models/riscv/gemm_cores.hpp"
#include "models/riscv/gemm_engine.hpp"
#include "models/riscv/gemm_redmule.hpp"
#include "models/riscv/pmca.hpp"
#include "sim/engine/engine.hpp"
#include "tests/support/calibration.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

// Defaults: 8 cores, FP16 on a 32-bit FPU (2 lanes), 90 % streamed-loop utilisation (the other
// 10 % of issue cycles are stalls), 10 setup cycles per loop nest, 80 launch + 20 barrier cycles
// per kernel, 128 KiB L1 in 32 banks of 8 B, DMA 64 B/cycle + 20 setup cycles, L2 latency 10.
// RedMulE: H = 4, L = 8, P = 3, so tiles of 8 rows x T = H (P+1) = 16 columns, K in blocks of 16,
// (P+1) * T = 64 cycles per tile and K block; 256-bit (32 B) port; 98.8 % steady state; 50
// configuration cycles per job.

TEST(PmcaModelTest, GemmThatDividesEvenly) {
  PmcaParams p = PmcaParams::defaults();
  // X A for 8 tokens of a 512-input layer at rank 8: M=8, N=8, K=512.
  const KernelCost c = gemm_cost(p, 8, 8, 512);
  // one row per core; per row K * ceil(N / lanes) = 512 * 4 = 2048 SIMD FMAs
  EXPECT_DOUBLE_EQ(c.compute_cycles, 2048);
  EXPECT_NEAR(c.stall_cycles, 2048 / 0.9 - 2048, 1e-9);  // 227.56
  EXPECT_DOUBLE_EQ(c.overhead_cycles, 1 * 10 + 80 + 20);
  EXPECT_EQ(c.cycles, 2386);  // ceil(2275.56 + 110)
  EXPECT_EQ(c.lane_ops, 8 * 8 * 512);
}

TEST(PmcaModelTest, GemmThatDoesNotDivideEvenly) {
  PmcaParams p = PmcaParams::defaults();
  // M=10 rows on 8 cores: two cores take 2 rows, so the kernel lasts 2 rows; N=5 on 2 lanes
  // needs 3 SIMD FMAs per k.
  const KernelCost c = gemm_cost(p, 10, 5, 16);
  EXPECT_DOUBLE_EQ(c.compute_cycles, 2 * 16 * 3);  // 96, issued at 90 %: 106.67
  EXPECT_NEAR(c.stall_cycles, 96 / 0.9 - 96, 1e-9);
  EXPECT_DOUBLE_EQ(c.overhead_cycles, 2 * 10 + 100);
  EXPECT_EQ(c.cycles, 227);  // ceil(106.67 + 120)
  EXPECT_EQ(c.lane_ops, 10 * 5 * 16);
}

TEST(PmcaModelTest, AddSplitsElementsOverCoresAndLanes) {
  PmcaParams p = PmcaParams::defaults();
  const KernelCost c = add_cost(p, 8, 128);  // 1024 elements / 8 cores = 128, / 2 lanes = 64
  EXPECT_DOUBLE_EQ(c.compute_cycles, 64);
  EXPECT_NEAR(c.stall_cycles, 64 / 0.9 - 64, 1e-9);
  EXPECT_EQ(c.cycles, 182);  // ceil(71.11 + 10 + 100)
}

TEST(PmcaModelTest, LoraChunkIsDownUpAndAdd) {
  PmcaParams p = PmcaParams::defaults();
  const LoraChunkCost c = lora_chunk_cost(p, 8, 512, 128, 8);
  EXPECT_EQ(c.down.cycles, 2386);
  EXPECT_EQ(c.up.cycles, 679);  // M=8, N=128, K=8: 8 * 64 = 512 SIMD FMAs / 0.9 = 568.9, + 110
  EXPECT_EQ(c.add.cycles, 182);
  EXPECT_EQ(c.cycles, 2386 + 679 + 182);
  EXPECT_EQ(c.duration, 3247000);  // at 1 GHz
  EXPECT_FALSE(c.spilled);
  // L1: 2 B * (8*512 + 8*8 + 8*128 + 512*8 + 8*128) = 2 * 10304
  EXPECT_EQ(c.l1_bytes, 20608);
  EXPECT_EQ(c.dma_bytes, 0);
  // 41984 useful lane ops over 16 lanes * 3247 cycles
  EXPECT_DOUBLE_EQ(c.utilisation, 41984.0 / (16.0 * 3247.0));
  EXPECT_NEAR(c.energy.get("pmca.compute"), test::kCoresFmaPj * 41984, 1e-6);
}

TEST(PmcaModelTest, ClockScalesTheDuration) {
  PmcaParams p = PmcaParams::defaults();
  p.freq_hz = 500e6;
  EXPECT_EQ(lora_chunk_cost(p, 8, 512, 128, 8).duration, 2 * 3247000);
}

TEST(PmcaModelTest, ChunkThatSpillsIsDoubleBufferedThroughDma) {
  PmcaParams p = PmcaParams::defaults();
  p.l1_bytes = 16 * 1024;
  p.kernel_launch_cycles = 0;
  p.barrier_cycles = 0;
  p.loop_setup_cycles = 0;
  p.fpu_util = 1.0;
  p.l2_latency_cycles = 0;
  // 32 tokens of 128 -> 128 at rank 8 need 2 * (32*128 + 32*8 + 32*128 + 128*8 + 8*128) = 20992 B.
  const LoraChunkCost c = lora_chunk_cost(p, 32, 128, 128, 8);
  EXPECT_EQ(c.l1_bytes, 20992);
  EXPECT_TRUE(c.spilled);
  // Adapters 2 * (1024 + 1024) = 4096 B stay; each token needs 2 buffers * 2 B * 264 = 1056 B:
  // at most (16384 - 4096) / 1056 = 11 tokens per sub-chunk. The sizes tried are 1..7 and 8 (a
  // multiple of the 8 cores); 8 is the fastest: sub-chunks 8, 8, 8, 8.
  EXPECT_EQ(c.sub_tokens, 8);
  // Compute per sub-chunk of 8 tokens (one row per core):
  //   down M=8,N=8,K=128: 128 * 4 = 512; up M=8,N=128,K=8: 8 * 64 = 512;
  //   add ceil(ceil(128 * 8 / 8) / 2) = 64: 1088 cycles.
  // DMA in (X and XW, 512 B a token): 20 + 8 * 8 = 84; out (Y, 256 B a token): 20 + 4 * 8 = 52.
  //   in0 [0, 84); c0 [84, 1172); in1 [84, 168); out0 [1172, 1224);
  //   c1 [1172, 2260); in2 [1224, 1308); out1 [2260, 2312);
  //   c2 [2260, 3348); in3 [2312, 2396); out2 [3348, 3400);
  //   c3 [3348, 4436); out3 [4436, 4488).
  // The largest that fits, 11 (11, 11, 10: two rows on some cores), would take 6568 cycles:
  //   2136 + 2136 + 2128 compute, in0 of 108 and out2 of 60 exposed.
  EXPECT_EQ(c.compute_cycles, 4 * 1088);
  EXPECT_EQ(c.cycles, 4488);
  EXPECT_EQ(c.dma_bytes, 32 * 256 * 2 + 32 * 128 * 2);  // X and XW in, Y out
  EXPECT_EQ(c.dma_wait_cycles, 84 + 52);                // in0 and out3 are exposed
  EXPECT_EQ(c.l1_peak_bytes, 4096 + 2 * 8 * 528);       // adapters + two 8-token buffers
}

TEST(PmcaModelTest, L2LatencyDelaysEveryTransfer) {
  PmcaParams p = PmcaParams::defaults();
  p.l1_bytes = 16 * 1024;
  p.kernel_launch_cycles = p.barrier_cycles = p.loop_setup_cycles = 0;
  p.fpu_util = 1.0;
  p.l2_latency_cycles = 100;
  // As above with 100 more cycles per transfer: in 120 + 64 = 184, out 120 + 32 = 152.
  //   in0 [0, 184); c0 [184, 1272); in1 [184, 368); out0 [1272, 1424);
  //   c1 [1272, 2360); in2 [1424, 1608); out1 [2360, 2512);
  //   c2 [2360, 3448); in3 [2512, 2696); out2 [3448, 3600);
  //   c3 [3448, 4536); out3 [4536, 4688).
  const LoraChunkCost c = lora_chunk_cost(p, 32, 128, 128, 8);
  EXPECT_EQ(c.sub_tokens, 8);
  EXPECT_EQ(c.cycles, 4688);
  EXPECT_EQ(c.dma_wait_cycles, 184 + 152);
}

TEST(PmcaModelTest, StagingTakesTheFastestAlignedSubBlock) {
  PmcaParams p = PmcaParams::defaults();
  p.l2_latency_cycles = 0;
  p.l1_bytes = 1000;
  // 16 rows of 100 L1 bytes, 64 B in and 64 B out each (a transfer of n rows: 20 + n cycles); the
  // kernel costs 400 cycles plus 100 per started group of 4 rows.
  Staging s;
  s.rows = 16;
  s.row_l1 = 100;
  s.in_row = s.out_row = 64;
  s.align = 4;
  const auto kernel = [](std::int64_t n) {
    KernelCost k;
    k.compute_cycles = static_cast<double>(100 * ((n + 3) / 4));
    k.overhead_cycles = 400;
    return finish_kernel(k);
  };
  // Two buffers of at most 1000 / 200 = 5 rows. Tried: 1, 2, 3 (6 or more blocks of 500 cycles:
  // over 3000) and 4: four blocks of 500, in and out 24 each:
  //   in0 [0, 24); c0 [24, 524); in1 [24, 48); out0 [524, 548); c1 [524, 1024); in2 [548, 572);
  //   out1 [1024, 1048); c2 [1024, 1524); in3 [1048, 1072); out2 [1524, 1548); c3 [1524, 2024);
  //   out3 [2024, 2048).
  // The largest, 5 (5, 5, 5, 1: 600, 600, 600, 500 cycles), would end at 2346.
  StagedCost st = staged_cost(p, s, kernel);
  EXPECT_EQ(st.sub_rows, 4);
  EXPECT_EQ(st.total.sub_blocks, 4);
  EXPECT_EQ(st.total.cycles, 2048);
  EXPECT_DOUBLE_EQ(st.total.dma_wait_cycles, 24 + 24);
  EXPECT_EQ(st.total.l1_footprint, 2 * 4 * 100);
  // Given the kernel's cycles, the choice asks the kernel only for the size it chose, and comes to
  // the same.
  std::vector<std::int64_t> asked;
  const StagedCost by_cycles = staged_cost(
      p, s,
      [&](std::int64_t n) {
        asked.push_back(n);
        return kernel(n);
      },
      [&](std::int64_t n) { return kernel(n).cycles; });
  EXPECT_EQ(asked, std::vector<std::int64_t>{4});
  EXPECT_EQ(by_cycles.sub_rows, 4);
  EXPECT_EQ(by_cycles.total.sub_blocks, 4);
  EXPECT_EQ(by_cycles.total.cycles, 2048);
  EXPECT_DOUBLE_EQ(by_cycles.total.dma_wait_cycles, 24 + 24);
  EXPECT_EQ(by_cycles.total.dma_bytes, st.total.dma_bytes);
  EXPECT_EQ(by_cycles.total.l1_footprint, 2 * 4 * 100);
  // With 1600 B and the rows in L2 (staged although all 16 would fit): 8 rows fit twice, two
  // blocks of 600, in and out 28 each:
  //   in0 [0, 28); c0 [28, 628); in1 [28, 56); out0 [628, 656); c1 [628, 1228); out1 [1228, 1256).
  // All 16 in one buffer is faster: in 36, 800 compute, out 36: 872.
  p.l1_bytes = 1600;
  s.from_l2 = true;
  st = staged_cost(p, s, kernel);
  EXPECT_EQ(st.sub_rows, 16);
  EXPECT_EQ(st.total.sub_blocks, 1);
  EXPECT_EQ(st.total.cycles, 872);
  EXPECT_EQ(st.total.l1_footprint, 1600);
  // Without from_l2 the rows are already in L1: one run of 800 cycles, no DMA.
  s.from_l2 = false;
  EXPECT_EQ(staged_cost(p, s, kernel).total.cycles, 800);
}

TEST(PmcaModelTest, FormatSetsLanesAndElementSize) {
  PmcaParams p = PmcaParams::defaults();
  EXPECT_EQ(p.lanes, 2);
  EXPECT_EQ(p.elem_bytes, 2);
  p.format = "fp8";
  p.derive();
  EXPECT_EQ(p.lanes, 4);
  EXPECT_EQ(p.elem_bytes, 1);
  p.format = "fp32";
  p.derive();
  EXPECT_EQ(p.lanes, 1);
  EXPECT_EQ(p.elem_bytes, 4);
  // GEMM 8 x 8 x 512 in FP32: 512 * 8 SIMD FMAs per row (was 512 * 4 in FP16).
  EXPECT_DOUBLE_EQ(gemm_cores_cost(p, 8, 8, 512).compute_cycles, 4096);
  // FP32 at 1.8x the FP16 lane operation (assumed ratio).
  EXPECT_NEAR(gemm_cores_cost(p, 8, 8, 512).energy.get("pmca.compute"),
              1.8 * test::kCoresFmaPj * 8 * 8 * 512, 1e-6);
}

TEST(PmcaModelTest, EngineGemmThatDividesEvenly) {
  PmcaParams p = PmcaParams::defaults();
  const RedmuleParams rm = RedmuleParams::defaults();
  // M=16, N=32, K=32: 2 x 2 tiles, 2 K blocks: 4 * 2 * 64 = 512 compute cycles.
  const KernelCost c = gemm_redmule_cost(p, rm, 16, 32, 32);
  EXPECT_DOUBLE_EQ(c.compute_cycles, 512);
  // Port per tile: 2 blocks * 2 B * (8*16 + 16*16) + 2 B * 8*16 = 1792 B = 56 cycles < 128: no
  // stall.
  EXPECT_NEAR(c.stall_cycles, 512 / 0.988 - 512, 1e-9);
  // 50 configuration + fill ceil(768 / 32) = 24 + drain 16 (chain) + 256 / 32 = 8 (last tile).
  EXPECT_DOUBLE_EQ(c.overhead_cycles, 50 + 24 + 24);
  EXPECT_EQ(c.cycles, 617);  // ceil(518.22 + 98)
  EXPECT_EQ(c.lane_ops, 16 * 32 * 32);
  EXPECT_DOUBLE_EQ(c.utilisation(), 16384.0 / (32.0 * 617));
}

TEST(PmcaModelTest, EngineGemmThatDoesNotDivideEvenlyPaysForPadding) {
  PmcaParams p = PmcaParams::defaults();
  const RedmuleParams rm = RedmuleParams::defaults();
  // M=10, N=20, K=20 pads to 16 x 32 x 32 tiles: the same 617 cycles for 4000 MACs.
  const KernelCost c = gemm_redmule_cost(p, rm, 10, 20, 20);
  EXPECT_DOUBLE_EQ(c.compute_cycles, 512);
  EXPECT_EQ(c.cycles, 617);
  EXPECT_EQ(c.lane_ops, 4000);
}

TEST(PmcaModelTest, SkinnyLoraGemmsUseHalfTheEngine) {
  PmcaParams p = PmcaParams::defaults();
  const RedmuleParams rm = RedmuleParams::defaults();
  // Down, X A for 128 tokens of 512 -> rank 8: 16 x 1 tiles (N = 8 of 16 columns), 32 K blocks:
  // 16 * 32 * 64 = 32768 cycles; port per tile 32 * 768 + 256 B = 776 cycles < 2048.
  const KernelCost down = gemm_redmule_cost(p, rm, 128, 8, 512);
  EXPECT_DOUBLE_EQ(down.compute_cycles, 32768);
  EXPECT_EQ(down.cycles, 33264);  // ceil(32768 / 0.988 + 98) = ceil(33263.59)
  EXPECT_LT(down.utilisation(), 0.5);
  // Up, (X A) B to 128 outputs: 16 x 8 tiles, one K block of which r = 8 is used: 128 * 64 = 8192.
  const KernelCost up = gemm_redmule_cost(p, rm, 128, 128, 8);
  EXPECT_DOUBLE_EQ(up.compute_cycles, 8192);
  EXPECT_EQ(up.cycles, 8390);  // ceil(8192 / 0.988 + 98) = ceil(8389.50)
  EXPECT_LT(up.utilisation(), 0.5);
  // At rank 16 both fill the tiles.
  EXPECT_GT(gemm_redmule_cost(p, rm, 128, 16, 512).utilisation(), 0.95);
}

TEST(PmcaModelTest, EngineReachesPublishedRateOnLargeGemms) {
  PmcaParams p = PmcaParams::defaults();
  const RedmuleParams rm = RedmuleParams::defaults();
  const KernelCost c = gemm_redmule_cost(p, rm, 512, 512, 512);
  // 64 x 32 tiles x 32 K blocks x 64 = 4194304 cycles at 98.8 % + 98: 31.6 MAC/cycle.
  EXPECT_EQ(c.cycles, 4245345);
  EXPECT_NEAR(static_cast<double>(c.lane_ops) / static_cast<double>(c.cycles), 31.6, 0.02);
}

TEST(PmcaModelTest, NarrowEnginePortStalls) {
  PmcaParams p = PmcaParams::defaults();
  RedmuleParams rm = RedmuleParams::defaults();
  rm.port_bits = 32;  // 4 B/cycle
  // One tile, one K block: 64 compute cycles; port (768 + 256) / 4 = 256: 192 stall cycles.
  const KernelCost c = gemm_redmule_cost(p, rm, 8, 16, 16);
  EXPECT_NEAR(c.stall_cycles, 64 / 0.988 - 64 + 192, 1e-9);
  EXPECT_DOUBLE_EQ(c.overhead_cycles, 50 + 192 + 16 + 64);  // fill 768 / 4; drain 16 + 256 / 4
}

TEST(PmcaModelTest, EngineAccumulatesTheAddIntoTheUpProjection) {
  PmcaParams p = PmcaParams::defaults();
  const RedmuleParams rm = RedmuleParams::defaults();
  // (X A) B + X W for 8 tokens of 128 outputs at rank 8: 1 x 8 tiles, one K block: 512 compute.
  // Port per tile: A and B 2 B * (8*16 + 16*16) = 768 B, Y 2 B * 8*16 = 256 B, C 256 B: 1280 B =
  // 40 cycles < 64, no stall. Fill: A, B and the first Y tile, (768 + 256) / 32 = 32 cycles
  // (24 without Y); drain 16 + 256 / 32 = 24; configuration 50.
  const KernelCost c = gemm_redmule_cost(p, rm, 8, 128, 8, true);
  EXPECT_DOUBLE_EQ(c.compute_cycles, 512);
  EXPECT_NEAR(c.stall_cycles, 512 / 0.988 - 512, 1e-9);
  EXPECT_DOUBLE_EQ(c.overhead_cycles, 50 + 32 + 24);
  EXPECT_EQ(c.cycles, 625);  // ceil(518.22 + 106); without Y, 617
  EXPECT_EQ(c.lane_ops, 8 * 128 * 8);
  EXPECT_EQ(c.l1_bytes, 8 * 1280);
  p.set_engine("redmule");
  EXPECT_TRUE(p.gemm().accumulates());
  EXPECT_EQ(p.gemm().gemm_accumulate(p, 8, 128, 8).cycles, 625);
  p.set_engine("cores");
  EXPECT_FALSE(p.gemm().accumulates());
}

TEST(PmcaModelTest, LoraOnTheEngineRunsBothGemmsAndTheAddThere) {
  PmcaParams p = PmcaParams::defaults();
  p.set_engine("redmule");
  const LoraChunkCost c = lora_chunk_cost(p, 8, 512, 128, 8);
  // down: 1 tile, 32 K blocks: 2048 compute -> ceil(2048 / 0.988 + 98) = ceil(2170.87) = 2171;
  // up and add as one engine job, (X A) B + X W: 625 (EngineAccumulatesTheAddIntoTheUpProjection);
  // no add on the cores.
  EXPECT_EQ(c.down.cycles, 2171);
  EXPECT_EQ(c.up.cycles, 625);
  EXPECT_EQ(c.up.name, "lora_up_add");
  EXPECT_TRUE(c.add_fused);
  EXPECT_EQ(c.add.cycles, 0);
  EXPECT_EQ(c.add.lane_ops, 0);
  EXPECT_DOUBLE_EQ(c.add.energy.total(), 0);
  EXPECT_EQ(c.cycles, 2171 + 625);
  EXPECT_EQ(c.down.unit, "redmule");
  EXPECT_EQ(c.up.unit, "redmule");
  // Engine utilisation: (8*8*512 + 8*128*8) MACs over 32 MAC/cycle.
  EXPECT_DOUBLE_EQ(c.utilisation, 40960.0 / (32.0 * 2796));
  EXPECT_NEAR(c.energy.get("pmca.redmule"), test::kRedmuleCyclePj * (2171 + 625), 1e-6);
  EXPECT_DOUBLE_EQ(c.energy.get("pmca.compute"), 0);  // the cores did nothing
}

TEST(PmcaModelTest, AdaptersThatDoNotFitAreStreamedThroughL1) {
  PmcaParams p = PmcaParams::defaults();
  const LoraChunkCost resident = lora_chunk_cost(p, 8, 512, 128, 8);
  p.l1_bytes = 8 * 1024;  // the adapters alone are 2 B * 8 * (512 + 128) = 10240 B
  const LoraChunkCost c = lora_chunk_cost(p, 8, 512, 128, 8);
  EXPECT_TRUE(c.feasible);
  EXPECT_TRUE(c.spilled);
  EXPECT_GE(c.dma_bytes, 10240);  // A and B come in every chunk
  EXPECT_GT(c.cycles, resident.cycles);
  // The work is the same GEMMs in blocks: as many useful lane ops as the resident chunk.
  EXPECT_EQ(c.down.lane_ops + c.up.lane_ops + c.add.lane_ops,
            resident.down.lane_ops + resident.up.lane_ops + resident.add.lane_ops);
  p.l1_bytes = 16;  // not even one row of A, one column of B and two one-token buffers
  EXPECT_FALSE(lora_chunk_cost(p, 8, 512, 128, 8).feasible);
}

TEST(PmcaModelTest, LoraKernelsAreTheChunksThreeKernelsAndTheirSum) {
  PmcaParams p = PmcaParams::defaults();
  p.set_engine("redmule");
  // As LoraOnTheEngineRunsBothGemmsAndTheAddThere: down 2171, up + add 625, no add.
  const LoraKernels k = lora_kernels(p, 8, 512, 128, 8);
  EXPECT_EQ(k.down.cycles, 2171);
  EXPECT_EQ(k.up.cycles, 625);
  EXPECT_EQ(k.add.cycles, 0);
  EXPECT_TRUE(k.add_fused);
  EXPECT_EQ(k.sum.cycles, 2171 + 625);
  EXPECT_EQ(k.sum.lane_ops, 8 * 8 * 512 + 8 * 128 * 8);
}

// Every field a run reads of a chunk's cost, compared exactly.
void expect_same_chunk(const LoraChunkCost& a, const LoraChunkCost& b) {
  EXPECT_EQ(a.feasible, b.feasible);
  EXPECT_EQ(a.spilled, b.spilled);
  EXPECT_EQ(a.sub_tokens, b.sub_tokens);
  EXPECT_EQ(a.l1_bytes, b.l1_bytes);
  EXPECT_EQ(a.l1_peak_bytes, b.l1_peak_bytes);
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.compute_cycles, b.compute_cycles);
  EXPECT_EQ(a.dma_wait_cycles, b.dma_wait_cycles);
  EXPECT_EQ(a.dma_bytes, b.dma_bytes);
  EXPECT_EQ(a.duration, b.duration);
  EXPECT_EQ(a.utilisation, b.utilisation);
  EXPECT_EQ(a.add_fused, b.add_fused);
  EXPECT_EQ(a.energy.total(), b.energy.total());
  for (const auto& [x, y] : {std::pair{&a.down, &b.down}, {&a.up, &b.up}, {&a.add, &b.add}}) {
    EXPECT_EQ(x->name, y->name);
    EXPECT_EQ(x->cycles, y->cycles);
    EXPECT_EQ(x->compute_cycles, y->compute_cycles);
    EXPECT_EQ(x->stall_cycles, y->stall_cycles);
    EXPECT_EQ(x->overhead_cycles, y->overhead_cycles);
    EXPECT_EQ(x->lane_ops, y->lane_ops);
    EXPECT_EQ(x->l1_bytes, y->l1_bytes);
    EXPECT_EQ(x->energy.total(), y->energy.total());
  }
}

TEST(PmcaModelTest, RunMemoGivesTheUncachedChunkCosts) {
  // Chunks that fit, spill with resident adapters, and stream the adapters (8 KiB of L1 holds
  // neither the 10240 B adapters of 512 x 128 nor those of 512 x 512), on both engines: the costs
  // within a run's memo (which also keeps the cycles of every sub-chunk tried), asked twice and
  // in two orders, are those computed without one.
  for (const char* engine : {"cores", "redmule"}) {
    for (const std::int64_t l1 : {128 * 1024, 16 * 1024, 8 * 1024}) {
      PmcaParams p = PmcaParams::defaults();
      p.set_engine(engine);
      p.l1_bytes = l1;
      std::vector<std::array<std::int64_t, 4>> shapes;
      for (const std::int64_t t : {1, 8, 24, 64, 320})
        for (const auto& [in, out] : {std::pair{512, 128}, {128, 512}, {512, 512}})
          shapes.push_back({t, in, out, 8});
      std::vector<LoraChunkCost> uncached;
      for (const auto& s : shapes) uncached.push_back(lora_chunk_cost(p, s[0], s[1], s[2], s[3]));
      const LoraCostMemo memo(p);
      for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < shapes.size(); ++i) {
          const std::size_t j = pass == 0 ? shapes.size() - 1 - i : i;
          const auto& s = shapes[j];
          SCOPED_TRACE(::testing::Message()
                       << engine << " l1 " << l1 << " t " << s[0] << " " << s[1] << "x" << s[2]);
          expect_same_chunk(lora_chunk_cost(p, s[0], s[1], s[2], s[3]), uncached[j]);
        }
    }
  }
}

TEST(PmcaModelTest, MoreCoresOrLanesAreNeverSlower) {
  for (std::int64_t t : {1, 8, 13, 64, 128}) {
    PmcaParams a = PmcaParams::defaults(), b = a;
    b.cores = 16;
    EXPECT_LE(lora_chunk_cost(b, t, 512, 128, 8).cycles, lora_chunk_cost(a, t, 512, 128, 8).cycles)
        << t;
    b = a;
    b.fpu_width_bits = 64;
    b.derive();
    EXPECT_LE(lora_chunk_cost(b, t, 512, 128, 8).cycles, lora_chunk_cost(a, t, 512, 128, 8).cycles)
        << t;
  }
}

TEST(PmcaModelTest, BiggerChunkNeverNeedsLessL1OrTime) {
  for (const char* engine : {"cores", "redmule"}) {
    PmcaParams p = PmcaParams::defaults();
    p.set_engine(engine);
    std::int64_t prev_l1 = 0, prev_cycles = 0;
    for (std::int64_t t = 1; t <= 320; ++t) {
      const LoraChunkCost c = lora_chunk_cost(p, t, 512, 128, 8);
      EXPECT_GT(c.l1_bytes, prev_l1) << engine << " " << t;
      EXPECT_GE(c.cycles, prev_cycles) << engine << " " << t;
      prev_l1 = c.l1_bytes;
      prev_cycles = c.cycles;
    }
  }
}

TEST(PmcaModelTest, BiggerChunkNeverNeedsLessL1Bytes) {
  std::int64_t prev = 0;
  for (std::int64_t t = 1; t <= 320; ++t) {
    const std::int64_t now = lora_l1_bytes(t, 512, 128, 8, 2);
    EXPECT_GT(now, prev);
    prev = now;
  }
}

}  // namespace
}  // namespace aimcsim

namespace aimcsim {
namespace {

TEST(PmcaGroupTest, ClustersSplitTokensThenOutputs) {
  const PmcaParams p = PmcaParams::defaults();
  // 8 tokens on 4 clusters: 2 tokens each, all 128 outputs.
  EXPECT_EQ(lora_group_cost(p, 4, 8, 512, 128, 8).duration,
            lora_chunk_cost(p, 2, 512, 128, 8).duration);
  // 1 token on 4 clusters: each takes a quarter of the outputs, 128 / 4 = 32.
  EXPECT_EQ(lora_group_cost(p, 4, 1, 512, 128, 8).duration,
            lora_chunk_cost(p, 1, 512, 32, 8).duration);
  // 2 tokens on 8 clusters: 1 token each, outputs in 4 slices of 32.
  EXPECT_EQ(lora_group_cost(p, 8, 2, 512, 128, 8).duration,
            lora_chunk_cost(p, 1, 512, 32, 8).duration);
  // The group's energy is the whole work's: 4 clusters x 2 tokens cost what 8 tokens' share does.
  EXPECT_DOUBLE_EQ(lora_group_cost(p, 4, 8, 512, 128, 8).energy.total(),
                   4 * lora_chunk_cost(p, 2, 512, 128, 8).energy.total());
}

TEST(PmcaGroupTest, TheRunsPmcasShareOneGroupCostPerShape) {
  const PmcaParams p = PmcaParams::defaults();
  const LoraChunkCost uncached = lora_group_cost(p, 4, 8, 512, 128, 8);
  // Without a memo: a new object each time, of the same value.
  const auto a = shared_lora_group_cost(p, 4, 8, 512, 128, 8);
  EXPECT_NE(a, shared_lora_group_cost(p, 4, 8, 512, 128, 8));
  expect_same_chunk(*a, uncached);
  SimulationContext context;
  const LoraCostMemo memo(p);
  // Within a run: one object per shape, the uncached value, whichever PMCA asks.
  const auto b = shared_lora_group_cost(p, 4, 8, 512, 128, 8);
  EXPECT_EQ(b, shared_lora_group_cost(p, 4, 8, 512, 128, 8));
  expect_same_chunk(*b, uncached);
  EXPECT_NE(b, shared_lora_group_cost(p, 2, 8, 512, 128, 8));  // another shape
  Pmca first("first", p, 512, 128, 8, 4), second("second", p, 512, 128, 8, 4);
  EXPECT_EQ(&first.chunk_cost(8), b.get());
  EXPECT_EQ(&second.chunk_cost(8), b.get());
  expect_same_chunk(first.chunk_cost(3), lora_group_cost(p, 4, 3, 512, 128, 8));
}

TEST(GemmEngineTest, EnginesAreChosenByNameFromTheRegistry) {
  EXPECT_EQ(GemmEngineRegistry::instance().names(), (std::vector<std::string>{"cores", "redmule"}));
  PmcaParams p = PmcaParams::defaults();
  EXPECT_TRUE(p.gemm().on_cores());
  EXPECT_EQ(p.gemm().peak_ops(p), 8 * 2);  // 8 cores x 2 FP16 lanes
  p.set_engine("redmule");
  EXPECT_FALSE(p.gemm().on_cores());
  EXPECT_EQ(p.gemm().peak_ops(p), 4 * 8);  // H x L
  EXPECT_EQ(p.gemm().row_block(p), 8);     // whole rows of engine tiles when staged
  // The engine reads its own keys from the config.
  Schema schema;
  PmcaParams::declare(schema);
  const Config cfg = Config::load(schema, {}, {"pmca.engine=redmule", "pmca.redmule.width=4"});
  const PmcaParams q = PmcaParams::from(cfg);
  EXPECT_EQ(q.gemm().peak_ops(q), 4 * 4);
  EXPECT_EQ(q.gemm().describe(q), "RedMulE 4x4 P=3 (16 MAC/cycle, 256-bit port)");
}

}  // namespace
}  // namespace aimcsim

namespace aimcsim {
namespace {

TEST(PmcaL1Test, MoreL1IsNeverSlower) {
  struct Shape {
    std::int64_t tokens, in, out, rank;
  };
  const Shape shapes[] = {{128, 512, 128, 8},  {77, 512, 128, 8},   {64, 768, 768, 16},
                          {13, 512, 512, 8},   {256, 128, 512, 4},  {100, 1024, 1024, 32},
                          {128, 2048, 512, 8}, {512, 768, 3072, 8}, {1, 4096, 4096, 16}};
  for (const char* engine : {"cores", "redmule"}) {
    for (const Shape& s : shapes) {
      PmcaParams p = PmcaParams::defaults();
      p.set_engine(engine);
      std::int64_t prev = -1;
      for (std::int64_t kib = 16; kib <= 256; kib += 8) {
        p.l1_bytes = kib * 1024;
        const LoraChunkCost c = lora_chunk_cost(p, s.tokens, s.in, s.out, s.rank);
        if (!c.feasible) continue;
        if (prev >= 0) {
          EXPECT_LE(c.cycles, prev) << engine << " " << s.tokens << " x " << s.in << "->" << s.out
                                    << " r" << s.rank << " at " << kib << " KiB";
        }
        prev = c.cycles;
      }
    }
  }
}

// One calibration for the cores and the engine (models/README.md#energy-calibration): RedMulE's
// published cluster power less the cluster's leakage, and the cores at 4.65x its energy per MAC.
TEST(PmcaEnergyTest, EngineCycleEnergyIsThePublishedPowerLessLeakage) {
  EXPECT_NEAR(redmule_e_cycle_pj(2.0), test::kRedmuleCyclePj, 1e-9);
  EXPECT_NEAR(redmule_e_cycle_pj(2.0), 87.637, 1e-3);  // 41.5 mW / 473.544 MHz
  // Without leakage the whole 43.5 mW is dynamic: 43.5 / 473.544 MHz = 91.8604 pJ.
  EXPECT_NEAR(redmule_e_cycle_pj(0.0), 43.5 / (43.5 * 688 / 63.2) * 1e3, 1e-9);
  // A leakage above the published power leaves nothing dynamic, never a negative energy.
  EXPECT_DOUBLE_EQ(redmule_e_cycle_pj(50.0), 0.0);
  const PmcaParams p = PmcaParams::defaults();
  EXPECT_NEAR(p.e_fma_fp16_pj, test::kCoresFmaPj, 1e-9);  // 11.896 pJ
  EXPECT_NEAR(p.e_fma_fp32_pj, 1.8 * test::kCoresFmaPj, 1e-9);
  EXPECT_NEAR(p.e_fma_fp8_pj, 0.6 * test::kCoresFmaPj, 1e-9);
}

TEST(PmcaEnergyTest, LargeGemmOnTheCoresCostsThePublishedRatioOfTheEngine) {
  PmcaParams cores = PmcaParams::defaults();
  PmcaParams engine = PmcaParams::defaults();
  engine.set_engine("redmule");
  // 512^3: the cores do 134217728 lane ops and 2 x (512^3 + 2 x 512^2) L1 bytes, i.e.
  // kCoresFmaPj + 0.5 x 2 x (1 + 2 / 512) pJ per MAC; the engine 4245345 cycles
  // (EngineReachesPublishedRateOnLargeGemms) at 87.637 pJ, 2.77209 pJ per MAC.
  const double macs = 512.0 * 512 * 512;
  const KernelCost c = gemm_cost(cores, 512, 512, 512), e = gemm_cost(engine, 512, 512, 512);
  EXPECT_NEAR(c.energy.total(), test::kCoresFmaPj * macs + 0.5 * 2 * (macs + 2 * 512 * 512), 1e-3);
  EXPECT_NEAR(e.energy.total(), test::kRedmuleCyclePj * 4245345, 1e-3);
  // Per MAC: (11.896 + 1.0039) / 2.77209 = 4.6535, the published 4.65 within 0.1 %.
  EXPECT_NEAR(c.energy.total() / e.energy.total(), 4.65, 4.65 * 1e-3);
}

TEST(PmcaEnergyTest, LeakageIsCountedOnceWhateverItsValue) {
  // Raising the cluster's leakage moves energy from the engine's dynamic share to the static
  // one: the engine's cycle costs (43.5 - 10) mW / 473.544 MHz = 70.743 pJ.
  PmcaParams p = PmcaParams::defaults();
  p.p_static_mw = 10;
  p.set_engine("redmule");
  const KernelCost k = gemm_cost(p, 512, 512, 512);
  EXPECT_NEAR(k.energy.total(), 33.5 / (43.5 * 688 / 63.2) * 1e3 * 4245345, 1e-3);
  EXPECT_NEAR(redmule_e_cycle_pj(10.0), 70.743, 1e-3);
  // A config that gives the energy per cycle (and per lane operation) keeps it.
  const PmcaParams given = PmcaParams::from(test::reference_config(
      {"pmca.engine=redmule", "pmca.redmule.e_cycle=91.9pJ", "pmca.e_fma_fp16=2pJ"}));
  EXPECT_NEAR(gemm_cost(given, 512, 512, 512).energy.total(), 91.9 * 4245345, 1e-3);
  EXPECT_DOUBLE_EQ(given.e_fma_fp16_pj, 2.0);
  EXPECT_NEAR(given.e_fma_fp32_pj, 3.6, 1e-12);  // auto: 1.8 x the given FP16
  // An explicit zero is not accepted: auto is how the calibrated value is asked for.
  const std::string error = test::error_of([] { test::reference_config({"pmca.e_fma_fp16=0pJ"}); });
  EXPECT_NE(error.find("pmca.e_fma_fp16"), std::string::npos) << error;
}

}  // namespace
}  // namespace aimcsim
