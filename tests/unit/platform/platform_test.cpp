// The platform builder (platform/platform.hpp): how a list of layer slots becomes tiles, PMCAs
// and links, what the tiles send their PMCA, the leakage of what was built, and the snake
// placement of a bus or mesh. Counts and times are derived by hand from the default parameters:
// 512x512 tiles with 16-bit outputs, 32 GB/s links with 10 ns latency, 256-bit bus / mesh links
// at 1 GHz (32 GB/s) with 1 ns per hop, 1 mW per tile and 2 mW per PMCA.
#include "platform/platform.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;
using test::load_config;

// A layer of `in` x `out` weights with a rank-`rank` adapter on `clusters` PMCAs.
LayerSlot slot(std::int64_t in, std::int64_t out, std::int64_t rank = 8, std::int64_t clusters = 1,
               std::int64_t shares_tile_of = -1) {
  return LayerSlot{in, out, in, out, rank, clusters, shares_tile_of};
}

// The platform keys of the reference workload's config with `yaml` added.
PlatformParams params_of(const std::string& yaml) {
  return PlatformParams::from(load_config(std::string(test::kReferenceWorkload) + yaml));
}

PlatformParams with_topology(const std::string& topology) {
  PlatformParams p = PlatformParams::defaults();
  p.net.set_topology(topology);
  return p;
}

// Each test elaborates in a SimulationContext of its own, declared before the platform so that
// the platform's modules are destroyed first.

TEST(PlatformTest, LayerLargerThanATileSpansRowAndColumnBlocks) {
  SimulationContext context;
  // 1024x1024 on 512x512: ceil(1024/512) = 2 row blocks x 2 column blocks = 4 tiles.
  // 1000x1100: ceil(1000/512) = 2 row blocks x ceil(1100/512) = 3 column blocks = 6 tiles, the
  // last ones partly used (1000 - 512 = 488 rows, 1100 - 1024 = 76 columns).
  // 512x128 fits one tile.
  Platform pf("hybrid", PlatformParams::defaults(),
              {slot(1024, 1024), slot(1000, 1100), slot(512, 128)}, {true, true, true}, true);
  EXPECT_EQ(pf.tile(0).split().row_blocks(), 2);
  EXPECT_EQ(pf.tile(0).split().col_blocks(), 2);
  EXPECT_EQ(pf.tile(0).tiles(), 4);
  EXPECT_EQ(pf.tile(1).split().row_blocks(), 2);
  EXPECT_EQ(pf.tile(1).split().col_blocks(), 3);
  EXPECT_EQ(pf.tile(1).tiles(), 6);
  EXPECT_EQ(pf.tile(1).split().block_rows(1), 488);
  EXPECT_EQ(pf.tile(1).split().block_cols(2), 76);
  EXPECT_EQ(pf.tile(2).tiles(), 1);
  EXPECT_EQ(pf.slots(), 3u);
  EXPECT_EQ(pf.tiles(), 3u);  // one Tile module per layer
  EXPECT_EQ(pf.physical_tiles(), 4u + 6u + 1u);
}

TEST(PlatformTest, SmallerTilesFromAConfigSplitALayerIntoMoreBlocks) {
  SimulationContext context;
  // tile.rows 256, tile.cols 128: a 512x512 layer is 2 row blocks x 4 column blocks = 8 tiles.
  const PlatformParams p = params_of("tile:\n  rows: 256\n  cols: 128\n");
  EXPECT_EQ(p.tile.rows, 256);
  EXPECT_EQ(p.tile.cols, 128);
  Platform pf("hybrid", p, {slot(512, 512)}, {true}, true);
  EXPECT_EQ(pf.tile(0).split().row_blocks(), 2);
  EXPECT_EQ(pf.tile(0).split().col_blocks(), 4);
  EXPECT_EQ(pf.physical_tiles(), 8u);
}

TEST(PlatformTest, PmcasCountEveryClusterOfTheSlotsThatHaveOne) {
  SimulationContext context;
  // Slot 0: a group of 3 PMCAs; slot 1: one; slot 2: 2 clusters but no PMCA. 3 + 1 = 4 PMCAs.
  Platform pf("hybrid", PlatformParams::defaults(),
              {slot(1024, 1024, 8, 3), slot(512, 128, 8, 1), slot(512, 128, 8, 2)},
              {true, true, false}, true);
  EXPECT_EQ(pf.pmcas(), 4u);
  EXPECT_TRUE(pf.has_pmca(0));
  EXPECT_TRUE(pf.has_pmca(1));
  EXPECT_FALSE(pf.has_pmca(2));
  EXPECT_EQ(pf.pmca(0).clusters(), 3);
  EXPECT_EQ(pf.pmca(1).clusters(), 1);
}

TEST(PlatformTest, PointToPointHasOneLinkPerSlotWithAPmcaAndNoInputPath) {
  SimulationContext context;
  Platform pf("hybrid", PlatformParams::defaults(),
              {slot(512, 128), slot(512, 128), slot(512, 128)}, {true, false, true}, true);
  EXPECT_EQ(pf.links(), 2u);  // slots 0 and 2
  EXPECT_EQ(pf.network(), nullptr);
  EXPECT_TRUE(pf.placement().nodes.empty());  // p2p places nothing
  // A layer's input is taken as already in place on p2p.
  for (std::size_t s = 0; s < 3; ++s) EXPECT_EQ(pf.input(s), nullptr) << "slot " << s;
}

TEST(PlatformTest, LinkOfAClusterGroupHasTheGroupsBandwidth) {
  SimulationContext context;
  const LinkParams link = LinkParams::defaults();
  EXPECT_DOUBLE_EQ(group_link(link, 3).bandwidth_Bps, 3 * 32e9);
  EXPECT_DOUBLE_EQ(group_link(link, 0).bandwidth_Bps, 32e9);  // at least one link
  // 2048 bytes from the tiles of a layer with 2 PMCAs: 10 ns + 2048 B / 64 GB/s = 10 + 32 ns;
  // with one PMCA: 10 ns + 2048 B / 32 GB/s = 10 + 64 ns.
  Platform pf("hybrid", PlatformParams::defaults(), {slot(1024, 1024, 8, 2), slot(512, 128)},
              {true, true}, true);
  JobGraph graph;
  Job& group = graph.add(pf.tile_to_pmca(0), 0, 8, 2048);
  Job& single = graph.add(pf.tile_to_pmca(1), 1, 8, 2048);
  run_jobs(graph);
  EXPECT_EQ(group.end, ns_to_ps(42));
  EXPECT_EQ(single.end, ns_to_ps(74));
}

TEST(PlatformTest, BusSerialisesEveryTransferOnOneSharedLink) {
  SimulationContext context;
  Platform pf("hybrid", with_topology("bus"), {slot(512, 128), slot(512, 128)}, {true, true}, true);
  ASSERT_NE(pf.network(), nullptr);
  EXPECT_EQ(pf.input(0), nullptr);  // the first layer's input comes from outside
  ASSERT_NE(pf.input(1), nullptr);  // the second's from the first layer's PMCA, over the bus
  EXPECT_EQ(pf.links(), 0u);        // links are counted once they carry traffic
  // Two transfers of 256 bytes issued at 0: one arbitration (1 ns) + 256 B / 32 GB/s (8 ns).
  // The first holds the bus until 0 + 1 + 8 = 9 ns; the second starts at 9 - 1 = 8 ns (its
  // arbitration overlaps the first's tail) and ends at 8 + 1 + 8 = 17 ns.
  JobGraph graph;
  Job& out = graph.add(pf.tile_to_pmca(0), 0, 1, 256);
  Job& in = graph.add(*pf.input(1), 1, 1, 256);
  run_jobs(graph);
  std::vector<Picos> ends{out.end, in.end};
  std::sort(ends.begin(), ends.end());
  EXPECT_EQ(ends, (std::vector<Picos>{ns_to_ps(9), ns_to_ps(17)}));
  EXPECT_EQ(pf.links(), 1u);  // the bus
}

TEST(PlatformTest, MeshCountsTheLinksOfEveryRouteUsed) {
  SimulationContext context;
  // Nodes in placement order: slot 0 tile 0, PMCA 1; slot 1 tile 2, PMCA 3. An auto mesh for 4
  // nodes is 2 wide; the snake puts them at (0,0), (1,0), (1,1), (0,1).
  Platform pf("hybrid", with_topology("mesh"), {slot(512, 128), slot(512, 128)}, {true, true},
              true);
  const std::vector<MeshCoord> snake{{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  EXPECT_EQ(pf.placement().nodes, snake);
  ASSERT_NE(pf.input(1), nullptr);
  JobGraph graph;
  // Tile (0,0) -> PMCA (1,0): inject(0,0), (0,0)->(1,0), eject(1,0): 3 links; 2 routers, so
  // 2 x 1 ns + 256 B / 32 GB/s = 10 ns.
  Job& out = graph.add(pf.tile_to_pmca(0), 0, 1, 256);
  // Slot 1's input, from slot 0's PMCA (1,0) to its tile (1,1) and PMCA (0,1), one multicast:
  // inject(1,0); (1,0)->(1,1), eject(1,1); (1,0)->(0,0), (0,0)->(0,1), eject(0,1): 6 more links.
  // The farthest destination is 3 hops deep: 3 x 1 ns + 8 ns = 11 ns. No link is shared with the
  // first transfer.
  Job& in = graph.add(*pf.input(1), 1, 1, 256);
  run_jobs(graph);
  EXPECT_EQ(out.end, ns_to_ps(10));
  EXPECT_EQ(in.end, ns_to_ps(11));
  EXPECT_EQ(pf.links(), 3u + 6u);
}

TEST(PlatformTest, PmcaReductionSendsThePartialSumsOfEveryRowBlock) {
  SimulationContext context;
  // 1024x384: 2 row blocks x 1 column block; one output row is 384 x 16 bit = 768 bytes.
  PlatformParams p = PlatformParams::defaults();
  p.tile.reduction = "pmca";
  // Slot 0: the PMCA adds the 2 partial sums: 2 x 768 = 1536 bytes per token.
  // Slot 1: no adapter, so the tiles add them: 768. Slot 2: no PMCA: 768.
  Platform hybrid("hybrid", p, {slot(1024, 384), slot(1024, 384, 0), slot(1024, 384)},
                  {true, true, false}, true);
  EXPECT_EQ(hybrid.tile_to_pmca_bytes_per_token(0), 1536);
  EXPECT_EQ(hybrid.tile_to_pmca_bytes_per_token(1), 768);
  EXPECT_EQ(hybrid.tile_to_pmca_bytes_per_token(2), 768);
  // The input is the 1024 FP16 activations of the layer: 2048 bytes per token.
  EXPECT_EQ(hybrid.input_bytes_per_token(0), 2048);
  // The analog-only baseline runs no adapters: its tiles always add the partial sums.
  Platform analog("analog", p, {slot(1024, 384)}, {true}, false);
  EXPECT_EQ(analog.tile_to_pmca_bytes_per_token(0), 768);
  // With tile.reduction = tile the hybrid design's tiles add them too.
  Platform tile_reduces("tile_reduces", PlatformParams::defaults(), {slot(1024, 384)}, {true},
                        true);
  EXPECT_EQ(tile_reduces.tile_to_pmca_bytes_per_token(0), 768);
}

TEST(PlatformTest, PackedSlotsShareOneTileModuleWithTheirOwnBlocks) {
  SimulationContext context;
  // Slots 1 and 2 are packed into slot 0's tile; slot 3 has a tile of its own.
  Platform pf("hybrid", PlatformParams::defaults(),
              {slot(256, 128), slot(128, 256, 8, 1, 0), slot(64, 64, 8, 1, 0), slot(512, 128)},
              {true, true, true, true}, true);
  EXPECT_EQ(&pf.tile(1), &pf.tile(0));
  EXPECT_EQ(&pf.tile(2), &pf.tile(0));
  EXPECT_NE(&pf.tile(3), &pf.tile(0));
  EXPECT_EQ(pf.tile_block(0), 0);
  EXPECT_EQ(pf.tile_block(1), 1);
  EXPECT_EQ(pf.tile_block(2), 2);
  EXPECT_EQ(pf.tile_block(3), 0);
  EXPECT_EQ(pf.tile(0).blocks(), 3u);
  EXPECT_EQ(pf.tile_modules().size(), 2u);
  EXPECT_EQ(pf.physical_tiles(), 2u);
  EXPECT_EQ(pf.pmcas(), 4u);  // each packed layer keeps its own PMCA
}

TEST(PlatformTest, StaticPowerIsTilesAndPmcasTimesTheirLeakage) {
  SimulationContext context;
  PlatformParams p = PlatformParams::defaults();
  p.tile.p_static_mw = 1.5;
  p.pmca.p_static_mw = 2.5;
  // Tiles: 1024x1024 on 4, 512x128 on 1, a 128x128 packed into that one on none of its own, and
  // a PMCA-less 512x128 on 1: 6. PMCAs: 2 (a group) + 1 + 1: 4.
  // 6 x 1.5 mW + 4 x 2.5 mW = 9 + 10 = 19 mW.
  Platform pf("hybrid", p,
              {slot(1024, 1024, 8, 2), slot(512, 128), slot(128, 128, 8, 1, 1), slot(512, 128)},
              {true, true, true, false}, true);
  EXPECT_EQ(pf.physical_tiles(), 6u);
  EXPECT_EQ(pf.pmcas(), 4u);
  EXPECT_DOUBLE_EQ(pf.static_power_mw(), 19.0);
}

TEST(PlatformTest, SnakePlacementPutsEachPmcaRightAfterItsLayersTiles) {
  const PlatformParams p = with_topology("mesh");
  // Placement order: slot 0's 4 tiles (nodes 0-3), its PMCA (4); slot 1's tile (5), PMCA (6);
  // slot 2 packed into slot 1's tile (node 5), PMCA (7); slot 3's tile (8), PMCA (9).
  // 10 nodes on an auto mesh ceil(sqrt(10)) = 4 wide: rows left to right, right to left, ...
  const std::vector<LayerSlot> slots{slot(1024, 1024), slot(512, 128), slot(64, 64, 8, 1, 1),
                                     slot(300, 200)};
  const Placement pl = snake_placement(p, slots, true);
  ASSERT_EQ(pl.tiles.size(), 4u);
  EXPECT_EQ(pl.tiles[0], (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(pl.tiles[1], (std::vector<std::size_t>{5}));
  EXPECT_EQ(pl.tiles[2], (std::vector<std::size_t>{5}));
  EXPECT_EQ(pl.tiles[3], (std::vector<std::size_t>{8}));
  EXPECT_EQ(pl.pmcas, (std::vector<std::size_t>{4, 6, 7, 9}));
  const std::vector<MeshCoord> snake{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {3, 1},
                                     {2, 1}, {1, 1}, {0, 1}, {0, 2}, {1, 2}};
  EXPECT_EQ(pl.nodes, snake);
  // Each PMCA is one mesh step from its layer's last tile, except slot 2's, which follows slot
  // 1's PMCA: the packed layer's tile is slot 1's, two steps back along the snake.
  auto distance = [&](std::size_t a, std::size_t b) {
    return std::abs(pl.nodes[a].x - pl.nodes[b].x) + std::abs(pl.nodes[a].y - pl.nodes[b].y);
  };
  EXPECT_EQ(distance(pl.tiles[0].back(), pl.pmcas[0]), 1);
  EXPECT_EQ(distance(pl.tiles[1].back(), pl.pmcas[1]), 1);
  EXPECT_EQ(distance(pl.tiles[3].back(), pl.pmcas[3]), 1);
  EXPECT_EQ(distance(pl.tiles[2].back(), pl.pmcas[2]), 2);
}

TEST(PlatformTest, SnakePlacementWithoutPmcasPlacesTheTilesAloneOnAGivenWidth) {
  PlatformParams p = with_topology("mesh");
  p.net.mesh_cols = 2;
  // Tiles only: slot 0's 2 tiles (1024x512: 2 row blocks), slot 1's 1, slot 2's 1: 4 nodes in
  // 2 columns: (0,0), (1,0), then back (1,1), (0,1).
  const Placement pl = snake_placement(p, {slot(1024, 512), slot(512, 128), slot(256, 256)}, false);
  EXPECT_TRUE(pl.pmcas.empty());
  EXPECT_EQ(pl.tiles[0], (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(pl.tiles[1], (std::vector<std::size_t>{2}));
  EXPECT_EQ(pl.tiles[2], (std::vector<std::size_t>{3}));
  EXPECT_EQ(pl.nodes, (std::vector<MeshCoord>{{0, 0}, {1, 0}, {1, 1}, {0, 1}}));
}

TEST(PlatformTest, PlatformOnAMeshUsesTheGivenPlacement) {
  SimulationContext context;
  const PlatformParams p = with_topology("mesh");
  const std::vector<LayerSlot> slots{slot(512, 128), slot(512, 128)};
  // A placement for both designs of a run (with PMCA nodes) given to a platform.
  const Placement pl = snake_placement(p, slots, true);
  Platform pf("hybrid", p, slots, {true, true}, true, &pl);
  EXPECT_EQ(pf.placement().nodes, pl.nodes);
  EXPECT_EQ(pf.placement().pmcas, pl.pmcas);
}

TEST(PlatformTest, AutoIntegrationTimeWithoutPwmIsAnInputErrorNamingTheKeys) {
  const std::string error =
      error_of([] { params_of("tile:\n  t_int: auto\n  input_encoding: dac\n"); });
  EXPECT_NE(error.find("test.yaml"), std::string::npos) << error;
  EXPECT_NE(error.find("tile.t_int"), std::string::npos) << error;
  EXPECT_NE(error.find("tile.input_encoding=pwm"), std::string::npos) << error;
  // With PWM the integration time follows: 2^(8 - 1) x 1 ns = 128 ns.
  const PlatformParams p = params_of("tile:\n  t_int: auto\n  input_encoding: pwm\n");
  EXPECT_DOUBLE_EQ(p.tile.integration_ns(), 128.0);
}

}  // namespace
}  // namespace aimcsim
