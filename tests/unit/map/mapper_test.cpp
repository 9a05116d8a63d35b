// The mapper (sim/map/mapper.hpp): slots per distinct linear, chunk choice (fixed, capped, and
// auto against the strategies' analytic latencies), where digital operators run, dense packing,
// PMCAs per tile group, the L1 error, and the idle-resource timing it hands the strategies.
// Default platform: 512x512 tiles with 16-bit outputs, 32 GB/s p2p links with 10 ns latency,
// 1 GHz PMCAs with a 128 KiB L1.
#include "sim/map/mapper.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/riscv/pmca.hpp"
#include "sim/base/error.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;

Workload build(const std::string& model, std::int64_t seq_len, std::int64_t decode = 0,
               std::int64_t rank = 8) {
  WorkloadParams p;
  p.model = model;
  p.seq_len = seq_len;
  p.decode_tokens = decode;
  p.rank = rank;
  p.targets = "all";
  p.rank_overrides = "none";
  return build_workload(p);
}

std::unique_ptr<Strategy> strategy(const std::string& name = "token-pipelined") {
  return StrategyRegistry::instance().create(name);
}

Operator linear(const std::string& name, std::int64_t in, std::int64_t out,
                std::int64_t tokens = 16, std::int64_t rank = 8,
                std::vector<std::size_t> inputs = {}) {
  Operator op;
  op.block = "layer.0";
  op.name = name;
  op.kind = OpKind::Linear;
  op.tokens = tokens;
  op.in = in;
  op.out = out;
  op.rank = rank;
  op.inputs = std::move(inputs);
  return op;
}

Operator digital(const std::string& name, OpKind kind, std::vector<std::size_t> inputs = {}) {
  Operator op;
  op.block = "layer.0";
  op.name = name;
  op.kind = kind;
  op.variant = kind == OpKind::Norm ? "layernorm" : "gelu";
  op.tokens = 16;
  op.width = 128;
  op.inputs = std::move(inputs);
  return op;
}

Workload hand_built(std::vector<Operator> ops) {
  Workload w;
  w.model = "hand-built";
  w.family = "linear";
  w.seq_len = 16;
  w.blocks = {"layer.0"};
  w.ops = std::move(ops);
  return w;
}

const PlatformParams& defaults() {
  static const PlatformParams p = PlatformParams::defaults();
  return p;
}

TEST(MapperTest, EachDistinctLinearOfAnEncoderGetsASlotOfItsShape) {
  const Workload w = build("bert-base", 16);
  const Mapping m = map_workload(w, defaults(), 8, *strategy());
  // 12 layers x (query, key, value, attention output, intermediate, output) + the QA head.
  ASSERT_EQ(m.slots.size(), 12u * 6 + 1);
  ASSERT_EQ(m.ops.size(), w.ops.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    if (w.ops[i].kind != OpKind::Linear) continue;
    EXPECT_EQ(m.ops[i].slot, next) << w.ops[i].block << "." << w.ops[i].name;  // in graph order
    const LayerSlot& s = m.slots[next++];
    EXPECT_EQ(s.rows_used, w.ops[i].in);
    EXPECT_EQ(s.cols_used, w.ops[i].out);
    EXPECT_EQ(s.rank, w.ops[i].block == "head" ? 0 : 8);  // all: every linear but the head
    EXPECT_EQ(s.clusters, 1);
    EXPECT_EQ(s.shares_tile_of, -1);
  }
  // Layer 0's intermediate.dense, 768 -> 3072: 2 row blocks x 6 column blocks.
  EXPECT_EQ(m.slots[4].cols_used, 3072);
  EXPECT_EQ(m.ops[w.ops.size() - 1].split.tiles(), 2);  // qa_outputs 768 -> 2: 2 x 1 tiles
  std::size_t intermediate = 0;
  for (std::size_t i = 0; i < w.ops.size(); ++i)
    if (w.ops[i].name == "intermediate.dense") {
      intermediate = i;
      break;
    }
  EXPECT_EQ(m.ops[intermediate].split.row_blocks(), 2);
  EXPECT_EQ(m.ops[intermediate].split.col_blocks(), 6);
}

TEST(MapperTest, DecodeStepsReuseThePromptsSlots) {
  // GPT-2: 12 layers x (c_attn, attn.c_proj, c_fc, mlp.c_proj) + lm_head = 49 linears per
  // pass; the prompt and the 2 decode steps, held once (Workload::shared_steps), are 98 linears
  // on 49 slots.
  const Workload w = build("gpt2", 8, 2);
  ASSERT_EQ(w.linear_count(), 49u);  // the prompt's
  const Mapping m = map_workload(w, defaults(), 8, *strategy());
  ASSERT_EQ(m.slots.size(), 49u);
  std::map<std::pair<std::string, std::string>, std::size_t> prompt_slot;
  std::size_t decode_linears = 0;
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    if (op.kind != OpKind::Linear) continue;
    if (!op.decode) {
      prompt_slot[{op.block, op.name}] = m.ops[i].slot;
      continue;
    }
    ++decode_linears;
    const std::string base = op.block.substr(std::string("decode/").size());
    const auto it = prompt_slot.find({base, op.name});
    ASSERT_NE(it, prompt_slot.end()) << op.block << "." << op.name;
    EXPECT_EQ(m.ops[i].slot, it->second) << op.block << "." << op.name;
    // One token per decode step: chunk 8 capped at 1.
    EXPECT_EQ(m.ops[i].chunk, 1) << op.block << "." << op.name;
  }
  ASSERT_TRUE(w.shared_steps);
  EXPECT_EQ(decode_linears, 49u);
  EXPECT_EQ(prompt_slot.size(), 49u);
}

TEST(MapperTest, FixedChunkIsCappedAtTheOpsTokens) {
  const Workload w = build("linear:512x128", 16);
  EXPECT_EQ(map_workload(w, defaults(), 8, *strategy()).ops[0].chunk, 8);
  EXPECT_EQ(map_workload(w, defaults(), 16, *strategy()).ops[0].chunk, 16);
  EXPECT_EQ(map_workload(w, defaults(), 64, *strategy()).ops[0].chunk, 16);  // min(64, 16)
  // Without an adapter too; and its chunk has no PMCA cost.
  const Workload plain = build("linear:512x128", 16, 0, 0);
  const Mapping m = map_workload(plain, defaults(), 64, *strategy());
  EXPECT_EQ(m.ops[0].chunk, 16);
  EXPECT_EQ(m.ops[0].chunk_cost().cycles, 0);
  // Auto without an adapter: the whole sequence at once.
  EXPECT_EQ(map_workload(plain, defaults(), std::nullopt, *strategy()).ops[0].chunk, 16);
}

TEST(MapperTest, FixedChunkCarriesThePmcaCostOfOneFullChunk) {
  // 512x128, rank 8, 8 tokens: 2386 + 679 + 182 = 3247 cycles at 1 GHz (pmca_model_test).
  const Mapping m = map_workload(build("linear:512x128", 16), defaults(), 8, *strategy());
  EXPECT_EQ(m.ops[0].chunk_cost().cycles, 3247);
  EXPECT_EQ(m.ops[0].chunk_cost().duration, ns_to_ps(3247));
}

TEST(MapperTest, ChunkCandidatesArePowersOfTwoBelowTheSequenceAndTheSequence) {
  EXPECT_EQ(chunk_candidates(1), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(chunk_candidates(8), (std::vector<std::int64_t>{1, 2, 4, 8}));
  EXPECT_EQ(chunk_candidates(20), (std::vector<std::int64_t>{1, 2, 4, 8, 16, 20}));
}

// The chunk `auto` should pick: the lowest analytic latency among the candidates that are
// feasible; on a tie, one that fits L1 over one that spills, then the smaller.
std::int64_t expected_auto_chunk(const PlatformParams& p, const Operator& op, const Strategy& s,
                                 std::int64_t clusters, Picos* best_latency) {
  std::int64_t best_chunk = 0;
  Picos best = -1;
  bool best_fits = false;
  for (std::int64_t t : chunk_candidates(op.tokens)) {
    const LoraChunkCost c = lora_group_cost(p.pmca, clusters, t, op.in, op.out, op.rank);
    if (!c.feasible) continue;
    const Picos lat = s.analytic(op_timing(p, op, t, clusters), [](std::int64_t, std::int64_t) {
                         return Picos{0};
                       }).back();
    const bool fits = !c.spilled;
    if (best < 0 || lat < best || (lat == best && fits && !best_fits)) {
      best = lat;
      best_chunk = t;
      best_fits = fits;
    }
  }
  *best_latency = best;
  return best_chunk;
}

TEST(MapperTest, AutoChunkHasTheLowestAnalyticLatencyUnderEachStrategy) {
  // 512x128 over 320 tokens: candidates 1, 2, 4, ..., 256 and 320.
  const Workload w = build("linear:512x128", 320);
  const Operator& op = w.ops[0];
  for (const std::string& name : StrategyRegistry::instance().names()) {
    SCOPED_TRACE(name);
    const auto s = strategy(name);
    const Mapping m = map_workload(w, defaults(), std::nullopt, *s);
    Picos best = 0;
    const std::int64_t expected = expected_auto_chunk(defaults(), op, *s, 1, &best);
    EXPECT_EQ(m.ops[0].chunk, expected);
    // No feasible candidate is faster than the chosen one.
    const auto at_zero = [](std::int64_t, std::int64_t) { return Picos{0}; };
    for (std::int64_t t : chunk_candidates(op.tokens)) {
      if (!lora_chunk_cost(defaults().pmca, t, 512, 128, 8).feasible) continue;
      EXPECT_GE(s->analytic(op_timing(defaults(), op, t), at_zero).back(), best) << "chunk " << t;
    }
    EXPECT_EQ(m.ops[0].chunk_cost().duration,
              lora_chunk_cost(defaults().pmca, expected, 512, 128, 8).duration);
  }
}

TEST(MapperTest, AutoChunkOfAClusterGroupIsCostedOnTheGroup) {
  // 1024x1024 is 4 tiles; one PMCA per 2 tiles: a group of 2 clusters.
  const Workload w = build("linear:1024x1024", 64);
  const auto s = strategy();
  const Mapping m = map_workload(w, defaults(), std::nullopt, *s, 2);
  ASSERT_EQ(m.slots[0].clusters, 2);
  Picos best = 0;
  const std::int64_t expected = expected_auto_chunk(defaults(), w.ops[0], *s, 2, &best);
  EXPECT_EQ(m.ops[0].chunk, expected);
  EXPECT_EQ(m.ops[0].chunk_cost().duration,
            lora_group_cost(defaults().pmca, 2, expected, 1024, 1024, 8).duration);
}

TEST(MapperTest, LayersOfTheSameShapeGetTheSameAutoChunk) {
  const Workload w = build("bert-base", 64);
  const Mapping m = map_workload(w, defaults(), std::nullopt, *strategy());
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> chunk_of;
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    if (op.kind != OpKind::Linear) continue;
    const auto [it, fresh] = chunk_of.emplace(std::make_pair(op.in, op.out), m.ops[i].chunk);
    if (!fresh) {
      EXPECT_EQ(m.ops[i].chunk, it->second) << op.block << "." << op.name;
    }
  }
  // 768x768, 768x3072, 3072x768 and 768x2.
  EXPECT_EQ(chunk_of.size(), 4u);
}

TEST(MapperTest, DigitalOperatorsRunOnTheirFirstProducersSlot) {
  const Workload w = build("bert-base", 16);
  const Mapping m = map_workload(w, defaults(), 8, *strategy());
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    if (op.kind == OpKind::Linear || op.inputs.empty()) continue;
    EXPECT_EQ(m.ops[i].slot, m.ops[op.inputs.front()].slot) << op.block << "." << op.name;
  }
  // The word embeddings have no producer: they go to the next linear, layer 0's query (slot 0).
  EXPECT_EQ(w.ops[0].kind, OpKind::Embedding);
  EXPECT_EQ(m.ops[0].slot, 0u);
  // Per layer (slots 6l .. 6l+5): attention runs beside the query (scores, softmax, context),
  // the add and norm beside attention.output.dense, the activation beside intermediate.dense,
  // the last add and norm beside output.dense; key, value and the QA head host none.
  ASSERT_EQ(m.slot_runs_digital.size(), 73u);
  for (std::size_t l = 0; l < 12; ++l) {
    const std::vector<bool> expected{true, false, false, true, true, true};
    for (std::size_t k = 0; k < 6; ++k)
      EXPECT_EQ(m.slot_runs_digital[6 * l + k], expected[k]) << "layer " << l << " slot " << k;
  }
  EXPECT_FALSE(m.slot_runs_digital[72]);
}

TEST(MapperTest, DigitalOperatorWithoutProducerGoesToTheNextLinear) {
  // norm (no input), A, B, act(B): the norm runs beside A (slot 0), the activation beside B.
  const Workload w =
      hand_built({digital("norm", OpKind::Norm), linear("a", 128, 128),
                  linear("b", 128, 128, 16, 8, {1}), digital("act", OpKind::Activation, {2})});
  const Mapping m = map_workload(w, defaults(), 8, *strategy());
  ASSERT_EQ(m.slots.size(), 2u);
  EXPECT_EQ(m.ops[0].slot, 0u);
  EXPECT_EQ(m.ops[3].slot, 1u);
  EXPECT_EQ(m.slot_runs_digital, (std::vector<bool>{true, true}));
}

TEST(MapperTest, WorkloadWithoutLinearsHasNoSlots) {
  const Workload w = hand_built({digital("norm", OpKind::Norm)});
  const Mapping m = map_workload(w, defaults(), 8, *strategy());
  EXPECT_TRUE(m.slots.empty());
  EXPECT_TRUE(m.slot_runs_digital.empty());
  EXPECT_EQ(m.ops.size(), 1u);
}

TEST(MapperTest, DensePackingPlacesSmallLayersInDisjointRangesOfSharedTiles) {
  // On 512x512 tiles, each layer goes below and right of those already on a tile:
  //   a 256x128 opens tile 1: next free row 256, column 128;
  //   b 256x384 fits (256 + 256 <= 512, 128 + 384 <= 512): rows 256-511, columns 128-511;
  //   c 64x64 fits nowhere else (tile 1 is full): opens tile 2 (row 64, column 64);
  //   d 1024x1024 spans 4 tiles: never packed;
  //   e 128x448 fits tile 2 (64 + 128 <= 512, 64 + 448 <= 512): rows 64-191, columns 64-511;
  //   f 300x10 fits neither (columns 512 + 10 > 512): opens tile 3.
  const Workload w =
      hand_built({linear("a", 256, 128), linear("b", 256, 384), linear("c", 64, 64),
                  linear("d", 1024, 1024), linear("e", 128, 448), linear("f", 300, 10)});
  const Mapping m = map_workload(w, defaults(), 8, *strategy(), 0, true);
  ASSERT_EQ(m.slots.size(), 6u);
  std::vector<std::int64_t> shares;
  for (const LayerSlot& s : m.slots) shares.push_back(s.shares_tile_of);
  EXPECT_EQ(shares, (std::vector<std::int64_t>{-1, 0, -1, -1, 2, -1}));
  // The layers on one tile take disjoint row and column ranges: their rows and their columns
  // each add up to at most a tile's.
  std::map<std::size_t, std::pair<std::int64_t, std::int64_t>> used;
  for (std::size_t s = 0; s < m.slots.size(); ++s) {
    const LayerSlot& slot = m.slots[s];
    if (slot.rows_used > 512 || slot.cols_used > 512) continue;
    const std::size_t host =
        slot.shares_tile_of >= 0 ? static_cast<std::size_t>(slot.shares_tile_of) : s;
    used[host].first += slot.rows_used;
    used[host].second += slot.cols_used;
  }
  for (const auto& [host, rc] : used) {
    EXPECT_LE(rc.first, 512) << "tile of slot " << host;
    EXPECT_LE(rc.second, 512) << "tile of slot " << host;
  }
  // Without packing every layer has tiles of its own.
  const Mapping apart = map_workload(w, defaults(), 8, *strategy());
  for (const LayerSlot& s : apart.slots) EXPECT_EQ(s.shares_tile_of, -1);
}

TEST(MapperTest, TilesPerPmcaGivesOneClusterPerThatManyTilesRoundedUp) {
  // 1024x1024: 4 tiles. ceil(4 / N) clusters; 0: one PMCA.
  const Workload w = build("linear:1024x1024", 16);
  auto clusters = [&](std::int64_t tiles_per_pmca) {
    return map_workload(w, defaults(), 8, *strategy(), tiles_per_pmca).slots[0].clusters;
  };
  EXPECT_EQ(clusters(0), 1);
  EXPECT_EQ(clusters(1), 4);
  EXPECT_EQ(clusters(3), 2);
  EXPECT_EQ(clusters(4), 1);
  EXPECT_EQ(clusters(5), 1);
  // bert-base, 5 tiles per PMCA: 768x768 on 4 tiles -> 1; 768x3072 and 3072x768 on 12 -> 3;
  // the QA head on 2 -> 1.
  const Workload bert = build("bert-base", 16);
  const Mapping m = map_workload(bert, defaults(), 8, *strategy(), 5);
  for (std::size_t l = 0; l < 12; ++l) {
    const std::vector<std::int64_t> expected{1, 1, 1, 1, 3, 3};
    for (std::size_t k = 0; k < 6; ++k)
      EXPECT_EQ(m.slots[6 * l + k].clusters, expected[k]) << "layer " << l << " slot " << k;
  }
  EXPECT_EQ(m.slots[72].clusters, 1);
}

TEST(MapperTest, L1ThatCannotHoldOneRowOfAIsAnInputErrorNamingTheLayerAndTheKey) {
  // Rank 8, FP16: even one row of A (16 B) and one column of B (16 B) fill a 32-byte L1, with
  // no room for the two one-token buffers.
  PlatformParams p = PlatformParams::defaults();
  p.pmca.l1_bytes = 32;
  const Workload w = build("linear:512x128", 16);
  for (const std::optional<std::int64_t> chunk :
       {std::optional<std::int64_t>(8), std::optional<std::int64_t>(std::nullopt)}) {
    SCOPED_TRACE(chunk ? "chunk 8" : "chunk auto");
    const std::string error = error_of([&] { map_workload(w, p, chunk, *strategy()); });
    EXPECT_NE(error.find("linear.linear_512x128"), std::string::npos) << error;
    EXPECT_NE(error.find("pmca.l1_size (32 bytes)"), std::string::npos) << error;
    EXPECT_NE(error.find("rank-8"), std::string::npos) << error;
    EXPECT_NE(error.find("512x128"), std::string::npos) << error;
  }
  // A layer without an adapter needs no L1.
  EXPECT_EQ(error_of([&] { map_workload(build("linear:512x128", 16, 0, 0), p, 8, *strategy()); }),
            "");
}

TEST(MapperTest, OpTimingCostsTheTileLinkAndPmcaOfOneLinear) {
  Operator op = linear("l", 512, 128, 16);
  const OpTiming t = op_timing(defaults(), op, 8);
  EXPECT_EQ(t.tokens, 16);
  EXPECT_EQ(t.chunk, 8);
  EXPECT_EQ(t.out_bytes_per_token, 256);  // 128 outputs x 2 bytes
  // One MVM: stream-in 512 x 8 bit / 256 bit = 16 ns, integration + conversion 128 + 2 ns,
  // post 2 ns, stream-out 128 x 16 bit / 256 bit = 8 ns: 156 ns, then one per 130 ns. 8 MVMs:
  // 156 + 7 x 130 = 1066 ns; the next 8, released at 0, follow on the pipeline:
  // 1066 + 8 x 130 = 2106 ns.
  EXPECT_EQ(tile_chunk_ends(t, {8, 8}, {0, 0}),
            (std::vector<Picos>{ns_to_ps(1066), ns_to_ps(2106)}));
  // 2048 bytes on a 32 GB/s link: 64 ns, + 10 ns latency.
  EXPECT_EQ(t.serialisation(2048), ns_to_ps(64));
  EXPECT_EQ(t.transfer(2048), ns_to_ps(74));
  // A chunk of 8 on the PMCA: 3247 cycles at 1 GHz.
  EXPECT_EQ(t.pmca(8, JobRole::Lora), ns_to_ps(3247));
  EXPECT_EQ(t.pmca(8, JobRole::LoraDown) + t.pmca(8, JobRole::LoraUpAdd), ns_to_ps(3247));
}

TEST(MapperTest, OpTimingOnASharedNetworkAddsItsHops) {
  // 2048 bytes at 256 bit x 1 GHz = 64 ns; the bus adds one arbitration (1 ns), the mesh the
  // source router and the PMCA's (2 x 1 ns).
  const Operator op = linear("l", 512, 128, 16);
  PlatformParams bus = PlatformParams::defaults();
  bus.net.set_topology("bus");
  EXPECT_EQ(op_timing(bus, op, 8).transfer(2048), ns_to_ps(65));
  EXPECT_EQ(op_timing(bus, op, 8).serialisation(2048), ns_to_ps(64));
  PlatformParams mesh = PlatformParams::defaults();
  mesh.net.set_topology("mesh");
  EXPECT_EQ(op_timing(mesh, op, 8).transfer(2048), ns_to_ps(66));
}

TEST(MapperTest, OpTimingSendsPartialSumsOnlyWhenThePmcaReducesAnAdapter) {
  // 1024x384: 2 row blocks; one output row is 768 bytes.
  PlatformParams p = PlatformParams::defaults();
  p.tile.reduction = "pmca";
  EXPECT_EQ(op_timing(p, linear("l", 1024, 384), 8).out_bytes_per_token, 2 * 768);
  EXPECT_EQ(op_timing(p, linear("l", 1024, 384, 16, 0), 8).out_bytes_per_token, 768);
  EXPECT_EQ(op_timing(defaults(), linear("l", 1024, 384), 8).out_bytes_per_token, 768);
  // A group of 2 PMCAs has two links: 2048 B at 64 GB/s = 32 ns, + 10 ns.
  EXPECT_EQ(op_timing(defaults(), linear("l", 1024, 384), 8, 2).transfer(2048), ns_to_ps(42));
}

}  // namespace
}  // namespace aimcsim
