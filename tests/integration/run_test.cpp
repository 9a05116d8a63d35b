#include "sim/run/run.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "models/memory/memory.hpp"
#include "models/riscv/pmca_model.hpp"
#include "sim/base/error.hpp"
#include "sim/report/report.hpp"
#include "tests/support/calibration.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::reference_config;

// The reference row: linear:512x128, t_int 512 ns, chunks of 8, token-pipelined.
TEST(RunTest, SingleLinearLayerMatchesTheHandDerivedRow) {
  const RunResult r = simulate(reference_config({"tile.t_int=512ns", "pipeline.chunk_tokens=8"}));
  ASSERT_EQ(r.ops.size(), 1u);
  const OpResult& o = r.ops[0];
  EXPECT_EQ(o.chunk, 8);
  EXPECT_EQ(o.analog_only, 164506000);  // 540 + 319 * 514 ns (tile_model_test)
  EXPECT_EQ(o.hybrid, 167827000);       // + 74 ns transfer + 3247 ns PMCA (strategy_test)
  EXPECT_EQ(o.hybrid_analytic, o.hybrid);
  EXPECT_DOUBLE_EQ(o.overhead(), 167827.0 / 164506.0);
  EXPECT_EQ(o.bottleneck, "aimc");
  EXPECT_EQ(o.tile_busy, 164506000);
  EXPECT_EQ(o.link_busy, 40 * 74000);
  EXPECT_EQ(o.pmca_busy, 40 * 3247000);
  // Energy, pJ. One MVM on 512 rows x 128 columns:
  //   5.23*512 + 0.0511*512*128 + 34*128 + 1*128 = 2677.76 + 3348.8896 + 4352 + 128 = 10506.6496
  const double mvms = 320 * 10506.6496;
  // Analog-only adds 1 tile * 1 mW leakage over 164506 ns = 164506 pJ.
  EXPECT_NEAR(o.analog_only_energy.total(), mvms + 164506, 1e-6);
  // Hybrid: link 0.1 pJ/bit * 8 * 81920 B = 65536; PMCA per chunk 11.896 pJ (kCoresFmaPj) *
  // 41984 lane ops + 0.5 pJ * 98560 L1 bytes, times 40 chunks; leakage (1 + 2 mW) * 167827 ns.
  const double chunk = test::kCoresFmaPj * 41984 + 0.5 * 98560;
  EXPECT_NEAR(o.hybrid_energy.total(), mvms + 65536 + 40 * chunk + 3 * 167827, 1e-6);
  EXPECT_EQ(o.chunk_cost.l1_bytes, 20608);
  EXPECT_FALSE(o.chunk_cost.spilled);
}

TEST(RunTest, AutoChunkPicksTheFastestChunkStagingIncluded) {
  const RunResult r = simulate(reference_config({"tile.t_int=128ns"}));
  const OpResult& o = r.ops[0];
  // 512x128 at rank 8 needs 2 * (648 t + 5120) bytes of L1: t = 128 spills (X alone is 128 KiB)
  // and pays DMA staging; auto takes the fastest of 1, 2, ..., 256 and 320, spilling or not.
  for (std::int64_t t : {1, 2, 4, 8, 16, 32, 64, 128, 256, 320}) {
    const RunResult other = simulate(
        reference_config({"tile.t_int=128ns", "pipeline.chunk_tokens=" + std::to_string(t)}));
    EXPECT_LE(o.hybrid, other.ops[0].hybrid) << "chunk " << t;
  }
}

TEST(RunTest, MobileBertRunsWholeAndTotalsAddUp) {
  const RunResult r = test::run_config("workload:\n  model: mobilebert\n  seq_len: 320\n",
                                       {"pipeline.chunk_tokens=32"});
  EXPECT_EQ(r.workload.linear_count(), 362u);
  EXPECT_EQ(r.tiles, 362u);
  // lora.targets all adapts every linear but the task head (PEFT's all-linear): the QA head's
  // tile gets no PMCA of its own, 362 - 1 = 361.
  EXPECT_EQ(r.pmcas, 361u);
  // The analog-only baseline keeps the PMCAs that run attention, norms and activations.
  EXPECT_GT(r.analog_only_pmcas, 0u);
  EXPECT_LT(r.analog_only_pmcas, 362u);
  // Layers run one after another: the blocks' latencies add up to the whole.
  Picos sum = 0;
  for (const auto& b : r.blocks) sum += b.hybrid;
  EXPECT_EQ(sum, r.hybrid);
  // All 24 encoder layers are identical, so their latencies are too.
  EXPECT_EQ(r.blocks[1].hybrid, r.blocks[24].hybrid);
  EXPECT_GT(r.hybrid, r.analog_only);
}

// Two chained linears, 512 -> 128 then 128 -> 512, 16 tokens in chunks of 8, t_int 512 ns.
//   op0: MVM 540 ns first, 514 ns period; X W chunk 2048 B: 74 ns; PMCA chunk 3247 ns.
//   op1: stream-in 4, integration + conversion 512 + 2 = 514, post 8, stream-out 32: 558 ns
//        first, 514 ns period (the analog stage);
//        X W chunk 8 * 512 * 2 B = 8192 B: 10 + 256 = 266 ns; PMCA chunk
//        down 8x8x128: ceil(512 / 0.9 + 110) = 679, up 8x512x8: ceil(2048 / 0.9 + 110) = 2386,
//        add 8x512: ceil(256 / 0.9 + 110) = 395 -> 3460 ns.
Workload two_layers() {
  Workload w;
  w.model = "toy";
  w.seq_len = 16;
  w.blocks = {"toy"};
  Operator a;
  a.block = "toy";
  a.name = "down";
  a.tokens = 16;
  a.in = 512;
  a.out = 128;
  a.rank = 8;
  Operator b = a;
  b.name = "up";
  b.in = 128;
  b.out = 512;
  b.inputs = {0};
  w.ops = {a, b};
  return w;
}

TEST(RunTest, TwoLayersTokenPipelinedRunLayerAfterLayer) {
  const RunResult r =
      simulate(reference_config({"tile.t_int=512ns", "pipeline.chunk_tokens=8"}), two_layers());
  // op0: chunk 0 tile 540 + 7 * 514 = 4138, link 4212, PMCA 7459; chunk 1 tile 8250, link 8324,
  //      PMCA 8324 + 3247 = 11571.
  EXPECT_EQ(r.ops[0].hybrid_end, 11571000);
  // op1 from 11571: chunk 0 tile 11571 + 558 + 7 * 514 = 15727, link 15993, PMCA 19453;
  //      chunk 1 tile 11571 + 558 + 15 * 514 = 19839, link 20105, PMCA 20105 + 3460 = 23565.
  EXPECT_EQ(r.hybrid, 23565000);
  // Analog-only: 540 + 15 * 514 = 8250, then 8250 + 558 + 15 * 514 = 16518.
  EXPECT_EQ(r.analog_only, 16518000);
  for (const auto& o : r.ops) EXPECT_EQ(o.hybrid_analytic, o.hybrid) << o.op.name;
}

TEST(RunTest, TwoLayersSequentialPaysEveryPmcaChunk) {
  const RunResult r = simulate(reference_config({"tile.t_int=512ns", "pipeline.chunk_tokens=8",
                                                 "pipeline.strategy=sequential"}),
                               two_layers());
  // op0: tile 8250; one transfer of 16 * 256 B = 4096 B: 10 + 128 = 138 -> 8388; two PMCA chunks
  //      of 3247 -> 14882.
  EXPECT_EQ(r.ops[0].hybrid_end, 14882000);
  // op1: tile 14882 + 558 + 15 * 514 = 23150; 16 * 1024 B: 10 + 512 = 522 -> 23672; two PMCA
  //      chunks of 3460 -> 30592.
  EXPECT_EQ(r.hybrid, 30592000);
  for (const auto& o : r.ops) EXPECT_EQ(o.hybrid_analytic, o.hybrid) << o.op.name;
}

TEST(RunTest, TwoLayersOverlappedStartXAWithTheTile) {
  const RunResult r = simulate(reference_config({"tile.t_int=512ns", "pipeline.chunk_tokens=8",
                                                 "pipeline.strategy=overlapped"}),
                               two_layers());
  // op0: X A 2386, (X A) B + add 861. down0 [0, 2386], down1 [2386, 4772]; up0 waits for X W at
  //      4212 and for down1 (in order): [4772, 5633]; up1 waits for X W at 8324: [8324, 9185].
  EXPECT_EQ(r.ops[0].hybrid_end, 9185000);
  // op1 (X A 679, (X A) B + add 3460 - 679 = 2781) from 9185: down0 [9185, 9864], down1
  //      [9864, 10543]; tile chunk 0 ends 9185 + 558 + 7 * 514 = 13341, X W arrives 13607: up0
  //      [13607, 16388]; tile chunk 1 ends 9185 + 558 + 15 * 514 = 17453, arrives 17719: up1
  //      [17719, 20500].
  EXPECT_EQ(r.hybrid, 20500000);
  for (const auto& o : r.ops) EXPECT_EQ(o.hybrid_analytic, o.hybrid) << o.op.name;
}

TEST(RunTest, TwoLayersLayerPipelinedOverlapAsAWavefront) {
  const RunResult r = simulate(reference_config({"tile.t_int=512ns", "pipeline.chunk_tokens=8",
                                                 "pipeline.strategy=layer-pipelined"}),
                               two_layers());
  // op1's chunk 0 starts when op0's chunk 0 is done (7459): tile 7459 + 558 + 7 * 514 = 11615,
  // link 11881, PMCA 15341. Its chunk 1 is released at 11571 and streams on behind chunk 0 (the
  // tile's pipeline is still full): MVMs end every 514 ns after 11615, the last at 11615 + 8 *
  // 514 = 15727; link 15993; PMCA max(15993, 15341) + 3460 = 19453.
  EXPECT_EQ(r.hybrid, 19453000);
  // Analog-only: op1 chunk 0 from 4138 ends 8294; chunk 1 (released 8250) ends 8294 + 8 * 514.
  EXPECT_EQ(r.analog_only, 12406000);
  // Nothing contends, so the twin matches.
  for (const auto& o : r.ops) EXPECT_EQ(o.hybrid_analytic, o.hybrid) << o.op.name;
}

TEST(RunTest, SameConfigSameBytes) {
  const Config c = reference_config({"pipeline.chunk_tokens=16"});
  EXPECT_EQ(layers_csv(simulate(c)), layers_csv(simulate(c)));
  EXPECT_EQ(summary_json(simulate(c), c), summary_json(simulate(c), c));
}

// linear:1024x1024 on 512x512 tiles: 2 row blocks x 2 column blocks = 4 tiles, t_int 128 ns,
// chunks of 8. Each tile's stages (512 rows x 512 columns): stream-in 512*8/256 = 16 ns,
// integration + conversion 128 + 2 (one ADC round) = 130 ns, post 512/64 = 8 ns, stream-out
// 512*16/256 = 32 ns.
TEST(RunTest, LayerOfFourTilesAddsPartialSumsInTheTiles) {
  const RunResult r =
      simulate(reference_config({"workload.model=linear:1024x1024", "pipeline.chunk_tokens=8"}));
  ASSERT_EQ(r.ops.size(), 1u);
  const OpResult& o = r.ops[0];
  EXPECT_EQ(r.tiles, 4u);
  EXPECT_EQ(o.tiles, 4);
  EXPECT_EQ(o.row_blocks, 2);
  EXPECT_EQ(o.col_blocks, 2);
  // Reduction in the tiles: (2 - 1) * 512 partial sums / 64 per cycle = 8 ns, a last stage.
  // One token: 16 + 130 + 8 + 32 + 8 = 194 ns; then one per 130 ns (the analog stage):
  // 194 + 319 * 130 = 41664 ns.
  EXPECT_EQ(o.analog_only, 41664000);
  EXPECT_EQ(o.tile_busy, 41664000);
  // The PMCA (1024x1024, rank 8) is slower than the tiles (8 * 130 = 1040 ns a chunk), so the
  // layer ends 40 PMCA chunks after the first chunk arrives: tiles 194 + 7 * 130 = 1104 ns,
  // transfer 10 ns + 8 * 2048 B / 32 GB/s = 522 ns.
  const PmcaParams pmca = PmcaParams::defaults();
  const Picos chunk = lora_chunk_cost(pmca, 8, 1024, 1024, 8).duration;
  ASSERT_GT(chunk, 1040000);
  EXPECT_EQ(o.hybrid, 1104000 + 522000 + 40 * chunk);
  EXPECT_EQ(o.hybrid_analytic, o.hybrid);
  // Energy of one token, pJ: per tile 5.23*512 + 0.0511*512*512 + 34*512 + 1*512 = 33993.3184,
  // times 4 tiles, plus 1 pJ for each of the 1024 additions: 136997.2736; leakage 4 tiles * 1 mW.
  EXPECT_NEAR(o.analog_only_energy.total(), 320 * 136997.2736 + 4 * 41664, 1e-6);
  EXPECT_NEAR(o.analog_only_energy.get("aimc.reduce"), 320 * 1024.0, 1e-9);
}

TEST(RunTest, LayerOfFourTilesCanAddPartialSumsOnThePmca) {
  const RunResult r = simulate(reference_config(
      {"workload.model=linear:1024x1024", "pipeline.chunk_tokens=8", "tile.reduction=pmca"}));
  const OpResult& o = r.ops[0];
  // The hybrid tiles no longer reduce: 186 ns for the first token, then 130 ns each.
  EXPECT_EQ(o.tile_busy, 186000 + 319 * 130000);
  // The tiles send both row blocks' partial sums: 8 tokens * 2 * 2048 B over 32 GB/s + 10 ns =
  // 1034 ns; the PMCA adds them (one element-wise add of 8 x 1024) before the LoRA chunk.
  const PmcaParams pmca = PmcaParams::defaults();
  const Picos chunk = lora_chunk_cost(pmca, 8, 1024, 1024, 8).duration +
                      ns_to_ps(static_cast<double>(add_cost(pmca, 8, 1024).cycles));  // 1 GHz
  EXPECT_EQ(o.hybrid, 186000 + 7 * 130000 + 1034000 + 40 * chunk);
  EXPECT_EQ(o.hybrid_analytic, o.hybrid);
  EXPECT_EQ(o.bottleneck, "pmca");
}

TEST(RunTest, MeshCarriesLayerInputsAndCanBeTheBottleneck) {
  // Narrow 8-bit mesh links (1 GB/s): moving each layer's input dominates.
  const RunResult r =
      test::run_config("workload:\n  model: mobilebert\n  seq_len: 320\n",
                       {"interconnect.topology=mesh", "interconnect.link_width_bits=8"});
  EXPECT_EQ(r.topology, "mesh");
  std::size_t transfer_bound = 0, linears = 0;
  for (const auto& o : r.ops) {
    if (o.op.kind != OpKind::Linear) continue;
    if (linears++ == 0) {
      EXPECT_EQ(o.input_transfer, 0);  // the first layer's input is already there
    } else {
      EXPECT_GT(o.input_transfer, 0) << o.op.block << "." << o.op.name;
    }
    transfer_bound += o.bottleneck == "transfer";
  }
  EXPECT_GT(transfer_bound, 0u);
  ASSERT_FALSE(r.busiest_links.empty());
  EXPECT_GT(r.busiest_links[0].bytes, 0);
}

TEST(RunTest, ProgrammingCostFollowsProgramAndVerify) {
  const RunResult r = simulate(reference_config({}));
  // One iteration: RESET 125 + SET 250 + verify 512 + precharge 256 = 1143 ns. A full 512x512
  // tile: 512 rows * 512/32 column groups * 30 iterations * 1143 ns = 280903680 ns.
  EXPECT_EQ(r.programming.one_tile, 280903680000LL);
  // The 512x128 layer: 512 * 4 * 30 * 1143 = 70225920 ns; energy 512*128 cells * 30 * 11 pJ.
  EXPECT_EQ(r.programming.all_tiles_sequential, 70225920000LL);
  EXPECT_DOUBLE_EQ(r.programming.energy_pj, 512.0 * 128 * 30 * 11);
  // Adapters: rank 8 * (512 + 128) * 2 B = 10240 B; over the link 10 ns + 10240 / 32 = 330 ns.
  EXPECT_EQ(r.programming.lora_bytes, 10240);
  EXPECT_EQ(r.programming.lora_over_link, 330000);
}

TEST(RunTest, AdaptersLargerThanL1AreAnInputError) {
  EXPECT_THROW(simulate(reference_config({"pmca.l1_size=16B"})), InputError);
}

}  // namespace
}  // namespace aimcsim

namespace aimcsim {
namespace {

TEST(RunTest, TileBudgetTooSmallSaysHowManyAreNeeded) {
  // linear:1024x1024 on 512x512 tiles: 2 row blocks x 2 column blocks = 4 tiles.
  const std::string e = test::error_of([] {
    simulate(reference_config({"workload.model=linear:1024x1024", "platform.tiles=3"}));
  });
  EXPECT_NE(e.find("platform.tiles: linear:1024x1024 needs 4 tiles of 512x512"), std::string::npos)
      << e;
  const RunResult r =
      simulate(reference_config({"workload.model=linear:1024x1024", "platform.tiles=4"}));
  EXPECT_EQ(r.mapping.tiles_needed, 4);
  EXPECT_DOUBLE_EQ(r.mapping.array_utilisation, 1.0);
}

TEST(RunTest, MappingReportsArrayUtilisation) {
  // 512x128 on one 512x512 tile: 65536 of 262144 cells.
  const RunResult r = simulate(reference_config({}));
  EXPECT_EQ(r.mapping.tiles_needed, 1);
  EXPECT_DOUBLE_EQ(r.mapping.array_utilisation, 0.25);
  EXPECT_EQ(r.mapping.tile_budget, 0);  // auto
}

}  // namespace
}  // namespace aimcsim

namespace aimcsim {
namespace {

TEST(RunTest, DecodeChecksTheKvCacheAgainstThePmcaSideMemory) {
  // gpt2, 100 prompt + 4 generated tokens: one layer's K and V are 2 * 12 heads * 64 * 104 * 2 B
  // = 319488 B, within one PMCA's 1 MiB L2.
  const Config ok =
      test::load_config("workload:\n  model: gpt2\n  seq_len: 100\n  decode_tokens: 4\n",
                        {"pipeline.chunk_tokens=32"});
  const RunResult r = simulate(ok);
  EXPECT_EQ(r.mapping.kv_cache_layer_bytes, 2 * 12 * 64 * 104 * 2);
  EXPECT_EQ(r.mapping.kv_cache_capacity_bytes, 1024 * 1024);
  EXPECT_TRUE(capacity_violations(r).empty());
  EXPECT_GT(r.hybrid, r.prefill_hybrid);  // the decode steps come after the prompt
  // With a 256 KiB L2 that must hold it (memory.kv_cache l2) it does not fit: the run is flagged
  // over capacity.
  const Config small =
      test::load_config("workload:\n  model: gpt2\n  seq_len: 100\n  decode_tokens: 4\n",
                        {"pipeline.chunk_tokens=32", "pmca.l2_size=256KiB", "memory.kv_cache=l2"});
  const RunResult s = simulate(small);
  const std::vector<std::string> v = capacity_violations(s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("kv_cache: a layer's K and V (319488 B at 104 tokens) exceed the L2 of the "
                      "PMCAs running its attention (262144 B)"),
            std::string::npos)
      << v[0];
  const auto summary = nlohmann::json::parse(summary_json(s, small));
  EXPECT_EQ(summary.at("status"), "over_capacity");
  EXPECT_EQ(summary.at("capacity_violations").size(), 1u);
  EXPECT_EQ(summary.at("decode").at("kv_cache_fits"), false);
  EXPECT_EQ(summary.at("decode").at("kv_cache_dram_layers"), 0);
}

TEST(RunTest, AKvCacheLargerThanL2IsReadFromDram) {
  // gpt2, 100 + 4 tokens, 256 KiB of L2: a layer's K and V (319488 B) go to the DRAM
  // (memory.kv_cache auto), and its attention reads them from there.
  const std::string yaml = "workload:\n  model: gpt2\n  seq_len: 100\n  decode_tokens: 4\n";
  const std::vector<std::string> small = {"pipeline.chunk_tokens=32", "pmca.l2_size=256KiB"};
  const RunResult r = simulate(test::load_config(yaml, small));
  EXPECT_TRUE(capacity_violations(r).empty());
  EXPECT_EQ(r.mapping.kv_cache_dram_layers, 12);
  // Each attention matmul reads the K (or V) of the keys its last row attends, 12 heads x 64 x
  // 2 B = 1536 B a key, at 40 pJ a byte: the prompt's 100 rows in one chunk, 100 keys
  // (6144000 pJ); the four steps 101 + 102 + 103 + 104 = 410 keys (25190400 pJ).
  for (const OpResult& o : r.ops) {
    if (o.op.kind != OpKind::Matmul) continue;
    SCOPED_TRACE(o.op.block + "." + o.op.name);
    EXPECT_NEAR(o.hybrid_energy.get("dram"), (o.op.decode ? 410 : 100) * 1536 * 40.0, 1e-3);
    EXPECT_NEAR(o.analog_only_energy.get("dram"), (o.op.decode ? 410 : 100) * 1536 * 40.0, 1e-3);
  }
  // At the default 17.064 GB/s the reads hide behind the compute (step 3's scores: 100 ns +
  // 1536 x 104 B / 17.064 GB/s = 9461.8 ns). At 100 MB/s they do not: a decode matmul takes
  // 100 ns + 10 ns a byte, over the four steps 4 x 100 + 410 x 1536 x 10 = 6298000 ns, which
  // the analytic twin (no contention) gives exactly, and the steps take longer than from L2.
  EXPECT_EQ(dram_level(MemoryParams::defaults()).transfer(1536 * 104),
            ns_to_ps(100 + 1536 * 104 / 17.064));
  std::vector<std::string> slow = small;
  slow.push_back("memory.dram.bandwidth=100MB/s");
  const RunResult s = simulate(test::load_config(yaml, slow));
  for (const OpResult& o : s.ops) {
    if (o.op.kind != OpKind::Matmul || !o.op.decode) continue;
    EXPECT_EQ(o.hybrid_analytic, 6298000LL * 1000) << o.op.block << "." << o.op.name;
  }
  // A step runs its layers one after another: the decode phase takes at least the 12 x 2 reads.
  EXPECT_GE(s.hybrid - s.prefill_hybrid, 12 * 2 * 6298000000LL);
  const RunResult l2 = simulate(test::load_config(yaml, {"pipeline.chunk_tokens=32"}));
  EXPECT_GT(s.hybrid - s.prefill_hybrid, l2.hybrid - l2.prefill_hybrid);
  // A DRAM too small for every layer's cache is over capacity.
  std::vector<std::string> tiny = small;
  tiny.push_back("memory.dram.size=1MiB");
  const std::vector<std::string> v = capacity_violations(simulate(test::load_config(yaml, tiny)));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("kv_cache: every layer's K and V (3833856 B at 104 tokens; 12 layers in "
                      "DRAM, as their PMCAs' L2 holds 262144 B) exceed memory.dram.size (1048576 "
                      "B)"),
            std::string::npos)
      << v[0];
}

TEST(RunTest, PmcasPerTileShareALayersAdapter) {
  // linear:1024x1024 spans 4 tiles; one PMCA per tile gives the layer a group of 4 that splits
  // each chunk's tokens: a chunk of 8 costs what 2 tokens cost on one PMCA.
  const RunResult one =
      simulate(reference_config({"workload.model=linear:1024x1024", "pipeline.chunk_tokens=8"}));
  const RunResult four = simulate(reference_config(
      {"workload.model=linear:1024x1024", "pipeline.chunk_tokens=8", "platform.tiles_per_pmca=1"}));
  EXPECT_EQ(four.pmcas, 4u);
  EXPECT_EQ(four.ops[0].chunk_cost.duration,
            lora_chunk_cost(PmcaParams::defaults(), 2, 1024, 1024, 8).duration);
  EXPECT_LT(four.hybrid, one.hybrid);
}

}  // namespace
}  // namespace aimcsim

namespace aimcsim {
namespace {

TEST(RunTest, DensePackingSharesTilesBetweenSmallLayers) {
  const auto run = [&](const std::string& packing) {
    return test::run_config("workload:\n  model: mobilebert\n  seq_len: 32\n",
                            {"pipeline.chunk_tokens=16", "platform.packing=" + packing});
  };
  const RunResult none = run("none"), dense = run("dense");
  // Per layer, Q, K and the attention output (128x128) go diagonally into one 512x512 tile with
  // room for a fourth 128x128 block: the next layer's Q. Layers of 512 rows or 512 columns fill a
  // tile's rows or columns and stay alone. 72 small layers on 18 tiles instead of 72.
  EXPECT_EQ(none.mapping.tiles_needed, 362);
  EXPECT_EQ(dense.mapping.tiles_needed, 362 - 72 + 18);
  EXPECT_GT(dense.mapping.array_utilisation, none.mapping.array_utilisation);
  // The packed layers serialise their MVMs on the shared tiles: never faster.
  EXPECT_GE(dense.analog_only, none.analog_only);
  EXPECT_EQ(dense.pmcas, none.pmcas);  // every layer keeps its PMCA
}

}  // namespace
}  // namespace aimcsim

namespace aimcsim {
namespace {

TEST(RunTest, PmcaReductionIsTimedInEveryStrategy) {
  // With the PMCA adding the partial sums, X A alone (overlapped) must not hide the reduction:
  // the simulation matches the twin, which counts it before every (X A) B.
  for (const char* s : {"overlapped", "token-pipelined", "sequential"}) {
    const RunResult r =
        simulate(reference_config({"workload.model=linear:1024x1024", "pipeline.chunk_tokens=8",
                                   "tile.reduction=pmca", std::string("pipeline.strategy=") + s}));
    EXPECT_EQ(r.ops[0].hybrid, r.ops[0].hybrid_analytic) << s;
  }
}

TEST(RunTest, LayersWithoutAdapterOrDigitalWorkGetNoPmca) {
  // linear:512x128 is not a Q, K or V: with lora.targets=qkv it has no adapter and no digital
  // operator, so the hybrid design is the analog one.
  const RunResult r = simulate(reference_config({"lora.targets=qkv"}));
  EXPECT_EQ(r.pmcas, 0u);
  EXPECT_EQ(r.hybrid, r.analog_only);
}

TEST(RunTest, DecodeBlocksAddUpToTheDecodePhase) {
  const RunResult r = test::run_config(
      "workload:\n  model: gpt2\n  seq_len: 16\n  decode_tokens: 3\n", {"pipeline.chunk_tokens=8"});
  Picos decode = 0;
  for (const auto& b : r.blocks)
    if (b.name.rfind("decode/", 0) == 0) decode += b.hybrid;
  // Layer after layer, step after step: the decode blocks' spans add up to the decode phase.
  EXPECT_EQ(decode, r.hybrid - r.prefill_hybrid);
}

TEST(RunTest, KvCacheSizeFollowsThePmcaDataFormat) {
  static const Schema schema = build_schema();
  auto kv = [&](const std::string& format) {
    return simulate(Config::load(schema, {{"test", "workload:\n  model: gpt2\n  seq_len: 64\n"}},
                                 {"workload.decode_tokens=4", "pmca.format=" + format}))
        .mapping;
  };
  // GPT-2: 12 layers, 12 heads of 64; K and V at 64 + 4 = 68 positions: 2 * 12 * 64 * 68 values
  // per layer.
  const MappingReport fp16 = kv("fp16"), fp32 = kv("fp32");
  EXPECT_EQ(fp16.kv_cache_layer_bytes, 2 * 12 * 64 * 68 * 2);
  EXPECT_EQ(fp16.kv_cache_bytes, 12 * fp16.kv_cache_layer_bytes);
  EXPECT_EQ(fp32.kv_cache_layer_bytes, 2 * 12 * 64 * 68 * 4);
  EXPECT_EQ(fp32.kv_cache_bytes, 12 * fp32.kv_cache_layer_bytes);
  // The workload counts the values; the PMCA's format sizes them.
  const RunResult r =
      simulate(Config::load(schema, {{"test", "workload:\n  model: gpt2\n  seq_len: 64\n"}},
                            {"workload.decode_tokens=4"}));
  EXPECT_EQ(r.workload.kv_cache_values * 2, fp16.kv_cache_bytes);
}

TEST(RunTest, PointToPointXReachesThePmcaOverItsOwnLink) {
  // linear:512x128, t_int 128 ns, chunks of 8, X W buffer unbounded. X of a chunk is
  // 8 * 512 * 2 B = 8192 B: 10 + 256 = 266 ns on its 32 GB/s link, the chunks back to back. The
  // PMCA (3065 ns adapter + 182 ns add a chunk) is the bottleneck from the first X on:
  // 266 + 40 * 3247 = 130146 ns.
  const RunResult r = simulate(reference_config(
      {"tile.t_int=128ns", "pipeline.chunk_tokens=8", "pipeline.adapter_start=input"}));
  const OpResult& o = r.ops[0];
  EXPECT_EQ(o.hybrid, 130146000);
  EXPECT_EQ(o.hybrid_analytic, o.hybrid);
  EXPECT_EQ(o.bottleneck, "pmca");
  // The link energy counts X as well as X W: 0.1 pJ/bit * 8 * (320 * 1024 + 320 * 256) B.
  EXPECT_NEAR(o.hybrid_energy.get("link"), 0.8 * (327680 + 81920), 1e-6);
}

// The report test's small run (linear:512x128, 16 tokens in chunks of 8, xw-first, unbounded
// X W buffer): tile [0, 2106] ns, X W of chunk 0 on the link at 1066 -> 1140, the PMCA's chunks
// of 3247 ns. Gated after 500 ns idle, the PMCA is idle from 0 until chunk 0 arrives at 1140:
// gated 640 ns, it wakes in 100 ns, so chunk 0 runs 1240 -> 4487 and chunk 1 4487 -> 7734 (the
// hybrid run is 100 ns longer). The tile idles after 2106: gated 7734 - 2106 - 500 = 5128 ns.
// Leakage: tile 1 mW x (7734 - 5128) + PMCA 2 mW x (7734 - 640) = 2606 + 14188 pJ, plus one PMCA
// wake-up of 2 nJ. The analog-only tile never idles, so its leakage stays 1 mW x 2106 ns.
TEST(RunTest, PowerGatingChargesWakeUpsAndSavesIdleLeakage) {
  const std::string yaml =
      "workload:\n  model: linear:512x128\n  seq_len: 16\npipeline:\n  chunk_tokens: 8\n"
      "  adapter_start: xw-first\n  xw_buffer_chunks: 0\n";
  const RunResult off = test::run_config(yaml);
  EXPECT_EQ(off.hybrid, 7634000);
  EXPECT_FALSE(off.gating);
  EXPECT_DOUBLE_EQ(off.hybrid_gating.leakage_pj, 3 * 7634.0);
  EXPECT_EQ(off.hybrid_gating.wakes, 0);
  const RunResult on = test::run_config(
      yaml, {"power.gating=true", "power.idle_threshold=500ns", "power.link_wake=0ns"});
  EXPECT_TRUE(on.gating);
  EXPECT_EQ(on.hybrid, 7734000);
  EXPECT_EQ(on.analog_only, off.analog_only);
  EXPECT_NEAR(on.hybrid_gating.ungated_pj, 3 * 7734.0, 1e-6);
  EXPECT_NEAR(on.hybrid_gating.leakage_pj, 2606 + 14188, 1e-6);
  EXPECT_NEAR(on.hybrid_energy.get("static"), 2606 + 14188, 1e-6);
  EXPECT_NEAR(on.hybrid_energy.get("wake"), 2000, 1e-9);  // the PMCA's one wake-up
  EXPECT_NEAR(on.hybrid_gating.gated_fraction, (5128 + 2 * 640) / (3 * 7734.0), 1e-12);
  EXPECT_NEAR(on.analog_only_gating.leakage_pj, 2106, 1e-6);
  // The dynamic energy does not change with gating.
  EXPECT_NEAR(
      on.hybrid_energy.total() - on.hybrid_energy.get("static") - on.hybrid_energy.get("wake"),
      off.hybrid_energy.total() - off.hybrid_energy.get("static"), 1e-6);
}

TEST(RunTest, BadGatingValuesNameTheKey) {
  const std::string error = test::config_error(
      "workload:\n  model: linear:512x128\n  seq_len: 16\n", {"power.idle_threshold=-1us"});
  EXPECT_NE(error.find("power.idle_threshold"), std::string::npos) << error;
  const std::string unit = test::config_error("workload:\n  model: linear:512x128\n  seq_len: 16\n",
                                              {"power.tile_wake=100"});
  EXPECT_NE(unit.find("power.tile_wake"), std::string::npos) << unit;
  EXPECT_NE(unit.find("has no unit"), std::string::npos) << unit;
}

// Area (models/README.md#area) of the reference layer's platform, by hand. One 512 x 512 tile at
// 14 nm: 262144 x 3.869 um2 + 512 ADCs x 866.7 um2 + (512 + 512) x 309.6 um2 = 1.014235136 +
// 0.4437504 + 0.3170304 = 1.775016 mm2. One PMCA at 22 nm: 9 cores x 0.0215 + 128 KiB x
// 1512 um2 + 0.043 (DMA) + 0.07 (RedMulE, the default job's engine) = 0.1935 + 0.193536 +
// 0.043 + 0.07 = 0.500036 mm2. Links: the X W link and the X link, 0.01 mm2 each.
TEST(RunTest, AreaSumsTheUnitsTheDesignBuilds) {
  const RunResult r = test::run_config("workload:\n  model: linear:512x128\n  seq_len: 16\n",
                                       {"pmca.engine=redmule"});
  EXPECT_NEAR(r.hybrid_area.tile.array, 262144 * 3.869e-6, 1e-12);
  EXPECT_NEAR(r.hybrid_area.tile.total(), 1.775016, 1e-6);
  EXPECT_NEAR(r.hybrid_area.pmca.engine, 0.07, 1e-12);
  EXPECT_NEAR(r.hybrid_area.pmca.total(), 0.500036, 1e-6);
  EXPECT_NEAR(r.hybrid_area.link, 0.01, 1e-12);
  EXPECT_NEAR(r.hybrid_area.total(), 1.775016 + 0.500036 + 2 * 0.01, 1e-6);
  // The analog-only design has no PMCA (no digital operator) and no link.
  EXPECT_NEAR(r.analog_only_area.total(), 1.775016, 1e-6);
  // A node of 7 nm scales the tile by (7 / 14)^2 = 1/4; the cores alone have no engine area.
  const RunResult s = test::run_config("workload:\n  model: linear:512x128\n  seq_len: 16\n",
                                       {"tile.node=7nm", "pmca.engine=cores", "pmca.node=11nm"});
  EXPECT_NEAR(s.hybrid_area.tile.total(), 1.775016 / 4, 1e-6);
  EXPECT_NEAR(s.hybrid_area.pmca.total(), (0.500036 - 0.07) / 4, 1e-6);
  EXPECT_NEAR(s.hybrid_area.link, 0.01 / 4, 1e-12);
  // A 256 x 256 tile with 256 ADCs: 65536 x 3.869 + 256 x 866.7 + 512 x 309.6 um2.
  const RunResult h = test::run_config("workload:\n  model: linear:256x128\n  seq_len: 16\n",
                                       {"tile.rows=256", "tile.cols=256", "tile.adc_count=256"});
  EXPECT_NEAR(h.hybrid_area.tile.total(), (65536 * 3.869 + 256 * 866.7 + 512 * 309.6) * 1e-6, 1e-9);
}

// GPT-2 layer-pipelined: from layer.3 on, attn.c_proj is faster in the hybrid design than
// analog-only. Not the hardware: in the analog-only design layer.0's tiles deliver every chunk
// of c_attn at once, so its PMCA queues every chunk's attention scores before the first chunk's
// softmax and context, and the next layers' first chunks arrive later; the hybrid's adapters pace
// the chunks. The run says so in a note; token-pipelined has no such layer.
TEST(RunTest, LinearFasterWithLoraIsExplainedInTheNotes) {
  const std::string yaml = "workload:\n  model: gpt2\n  seq_len: 320\n";
  const RunResult r = test::run_config(yaml, {"pipeline.strategy=layer-pipelined"});
  const OpResult* c_proj = nullptr;
  for (const OpResult& o : r.ops)
    if (o.op.block == "layer.3" && o.op.name == "attn.c_proj") c_proj = &o;
  ASSERT_NE(c_proj, nullptr);
  EXPECT_LT(c_proj->hybrid, c_proj->analog_only);
  // Its first chunk could start earlier in the hybrid design: the input came sooner.
  EXPECT_LT(c_proj->hybrid_end - c_proj->hybrid, c_proj->analog_only_end - c_proj->analog_only);
  std::string note;
  for (const std::string& n : r.notes)
    if (n.find("faster in the hybrid design") != std::string::npos) note = n;
  EXPECT_NE(note.find("first layer.3.attn.c_proj"), std::string::npos) << note;
  EXPECT_NE(note.find("list-scheduling anomaly"), std::string::npos) << note;
  const RunResult t = test::run_config(yaml);
  for (const std::string& n : t.notes)
    EXPECT_EQ(n.find("faster in the hybrid design"), std::string::npos) << n;
}

// Iso-area sizing: linear:512x128 on 128 x 128 tiles (128 ADCs) needs 4 tiles of 16384 x 3.869
// + 128 x 866.7 + 256 x 309.6 um2 = 0.2535849 mm2. A cores-only PMCA is 0.430036 mm2, the X W and
// X links 0.01 mm2 each. The splits: auto (1 PMCA) 1.4643756 mm2, 2 tiles a PMCA (2 PMCAs)
// 1.8944116 mm2, 1 (4 PMCAs) 2.7544836 mm2. Within 2 mm2 the first two fit; the faster wins.
TEST(RunTest, AreaBudgetPicksTheFastestSplitThatFits) {
  const std::string yaml = "workload:\n  model: linear:512x128\n  seq_len: 64\n";
  const std::vector<std::string> tiles = {"tile.rows=128", "tile.cols=128", "tile.adc_count=128"};
  std::vector<std::string> with_budget = tiles;
  with_budget.push_back("platform.area_budget=2mm2");
  const RunResult r = test::run_config(yaml, with_budget);
  ASSERT_EQ(r.sizing.candidates.size(), 3u);
  const double tile = (16384 * 3.869 + 128 * 866.7 + 256 * 309.6) * 1e-6;
  const double areas[3] = {4 * tile + 0.430036 + 0.02, 4 * tile + 4 * 0.430036 + 0.02,
                           4 * tile + 2 * 0.430036 + 0.02};
  const std::int64_t splits[3] = {0, 1, 2};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.sizing.candidates[i].tiles_per_pmca, splits[i]);
    EXPECT_NEAR(r.sizing.candidates[i].area_mm2, areas[i], 1e-6);
    EXPECT_EQ(r.sizing.candidates[i].fits, areas[i] <= 2.0);
  }
  // Each candidate is the run with its split; the chosen one is the fastest that fits.
  for (std::size_t i = 0; i < 3; ++i) {
    std::vector<std::string> o = tiles;
    if (splits[i] > 0) o.push_back("platform.tiles_per_pmca=" + std::to_string(splits[i]));
    EXPECT_EQ(r.sizing.candidates[i].hybrid, test::run_config(yaml, o).hybrid) << i;
  }
  const std::size_t best = r.sizing.candidates[0].hybrid <= r.sizing.candidates[2].hybrid ? 0 : 2;
  EXPECT_EQ(r.sizing.chosen, best);
  EXPECT_EQ(r.hybrid, r.sizing.candidates[best].hybrid);
  EXPECT_NEAR(r.hybrid_area.total(), areas[best], 1e-6);
  // A budget below the smallest platform is an input error naming the key and the smallest area.
  std::vector<std::string> small = tiles;
  small.push_back("platform.area_budget=1mm2");
  const std::string error = test::error_of([&] { test::run_config(yaml, small); });
  EXPECT_NE(error.find("platform.area_budget: 1 mm2 is less than the smallest platform"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("1.464 mm2"), std::string::npos) << error;
}

// A 32k-token prompt on LLaMA-3.1-8B: attention streams key and query blocks through L1
// (attention_cost), so the run completes; the KV cache is checked against the L2 beside it.
TEST(RunTest, LlamaRunsA32kTokenPrompt) {
  const RunResult r =
      simulate(test::default_config({"workload.model=llama-3.1-8b", "workload.seq_len=32768",
                                     "lora.rank=16", "platform.tiles_per_pmca=1"}));
  EXPECT_EQ(r.workload.seq_len, 32768);
  EXPECT_GT(r.prefill_hybrid, 0);
  EXPECT_EQ(r.hybrid, r.prefill_hybrid);  // no decode steps
  // One layer's K and V: 2 x 8 KV heads x 128 x 32768 positions x 2 bytes = 128 MiB.
  EXPECT_EQ(r.mapping.kv_cache_layer_bytes, 2LL * 8 * 128 * 32768 * 2);
  EXPECT_EQ(r.mapping.kv_cache_bytes, 32 * r.mapping.kv_cache_layer_bytes);
  // The attention runs on the PMCAs of q_proj's 4096 x 4096 weights: 8 x 8 tiles of 512 x 512,
  // one PMCA each, 1 MiB of L2 apiece: 64 MiB, half the cache, which so lives in the DRAM
  // (32 x 128 MiB = 4 GiB of the 8 GiB).
  EXPECT_EQ(r.mapping.kv_cache_capacity_bytes, 64LL << 20);
  EXPECT_EQ(r.mapping.kv_cache_dram_layers, 32);
  EXPECT_TRUE(capacity_violations(r).empty());
  for (const OpResult& o : r.ops) {
    if (o.op.kind != OpKind::Matmul) continue;
    EXPECT_GT(o.pmca_busy, 0) << o.op.block << "." << o.op.name;
  }
}

}  // namespace
}  // namespace aimcsim
