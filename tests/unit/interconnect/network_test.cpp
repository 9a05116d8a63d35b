#include "models/interconnect/network.hpp"

#include <gtest/gtest.h>

#include "models/interconnect/topology.hpp"

namespace aimcsim {
namespace {

// Links of 256 bit at 1 GHz (32 GB/s), 1 ns per router, 0.1 pJ per bit per hop. A transfer of
// 3200 B serialises in 3200 / 32 = 100 ns and costs 25600 bit * 0.1 pJ = 2560 pJ per hop.
NetworkParams params(const std::string& topology, bool multicast = true) {
  NetworkParams p = NetworkParams::defaults();
  p.set_topology(topology);
  p.multicast = multicast;
  return p;
}

// Eight nodes on a snake over a 4-wide mesh:
//   y=0: 0 (0,0)  1 (1,0)  2 (2,0)  3 (3,0)
//   y=1: 7 (0,1)  6 (1,1)  5 (2,1)  4 (3,1)
std::vector<MeshCoord> eight() { return snake_path(8, 4); }

TEST(NetworkTest, SnakePathKeepsConsecutiveNodesAdjacent) {
  const auto n = eight();
  EXPECT_EQ(n[3], (MeshCoord{3, 0}));
  EXPECT_EQ(n[4], (MeshCoord{3, 1}));
  EXPECT_EQ(n[7], (MeshCoord{0, 1}));
  EXPECT_EQ(auto_mesh_cols(724), 27);  // MobileBERT: 362 tiles + 362 PMCAs
}

TEST(NetworkTest, TwoTransfersOnTheBusSerialise) {
  Network bus(params("bus"), 0.1, eight());
  // First: arbitration 1 ns + 100 ns; the bus is busy until 101 ns.
  const auto a = bus.send(0, {1}, 3200, 0);
  EXPECT_EQ(a.start, 0);
  EXPECT_EQ(a.end, 101000);
  // Second, ready at 0 too, is granted the bus when the first leaves it: starts at 100 ns
  // (arbitration overlaps the first's last cycle), ends 100 + 1 + 100 = 201 ns.
  const auto b = bus.send(2, {3}, 3200, 0);
  EXPECT_EQ(b.start, 100000);
  EXPECT_EQ(b.end, 201000);
  ASSERT_EQ(bus.links().size(), 1u);
  EXPECT_EQ(bus.links()[0].bytes, 6400);
  EXPECT_EQ(bus.links()[0].busy, 200000);
  EXPECT_DOUBLE_EQ(a.energy_pj, 2560);
}

TEST(NetworkTest, MultiHopMeshTransferPaysEveryRouter) {
  Network mesh(params("mesh"), 0.1, eight());
  // 0 (0,0) -> 6 (1,1): XY route east then north, 2 links, 3 routers.
  const auto t = mesh.send(0, {6}, 3200, 5000);
  EXPECT_EQ(t.hops, 3);
  EXPECT_EQ(t.start, 5000);
  EXPECT_EQ(t.end, 5000 + 3 * 1000 + 100000);  // ready + 3 routers + serialisation
  // 3200 B = 25600 bit at 0.1 pJ/bit = 2560 pJ on each link reserved: the injection port, two
  // mesh links and the ejection port.
  EXPECT_DOUBLE_EQ(t.energy_pj, 4 * 2560);
}

TEST(NetworkTest, EveryLinkCostsEnergyForTheBytesItCarries) {
  Network mesh(params("mesh"), 0.1, eight());
  mesh.send(0, {1}, 3200, 0);  // inject(0,0), (0,0)->(1,0), eject(1,0)
  mesh.send(1, {0}, 1600, 0);  // inject(1,0), (1,0)->(0,0), eject(0,0)
  ASSERT_EQ(mesh.links().size(), 6u);
  for (const auto& l : mesh.links()) {
    // Injection and ejection ports as much as router-to-router links: 8 x bytes x 0.1 pJ.
    EXPECT_DOUBLE_EQ(l.energy_pj, 0.8 * static_cast<double>(l.bytes)) << l.name;
    EXPECT_GT(l.energy_pj, 0) << l.name;
  }
}

TEST(NetworkTest, TransfersSharingMeshLinksWait) {
  Network mesh(params("mesh"), 0.1, eight());
  // A: 0 -> 3 along y=0, 4 routers: ends at 4 + 100 = 104 ns. It holds link (1,0)->(2,0)
  // from 2 ns, (2,0)->(3,0) from 3 ns and eject(3,0) from 4 ns, each for 100 ns.
  const auto a = mesh.send(0, {3}, 3200, 0);
  EXPECT_EQ(a.end, 104000);
  // B: 1 -> 3 uses the same last three links at depths 1, 2, 3: it may start when
  // max(102 - 1, 103 - 2, 104 - 3) = 101 ns, and arrives 101 + 3 + 100 = 204 ns.
  const auto b = mesh.send(1, {3}, 3200, 0);
  EXPECT_EQ(b.start, 101000);
  EXPECT_EQ(b.end, 204000);
  // A disjoint route is not delayed: 7 -> 6 ends at 2 routers + 100 ns.
  EXPECT_EQ(mesh.send(7, {6}, 3200, 0).end, 102000);
}

TEST(NetworkTest, MulticastSendsOnceAlongATree) {
  Network mesh(params("mesh"), 0.1, eight());
  // 0 -> {3, 7}: the tree is 3 links east + eject(3,0), and 1 link north + eject(0,1); the
  // farthest destination is 4 routers away: 4 + 100 = 104 ns.
  const auto t = mesh.send(0, {3, 7}, 3200, 0);
  EXPECT_EQ(t.end, 104000);
  // Seven links: the injection port, 3 east, eject(3,0), 1 north, eject(0,1).
  EXPECT_DOUBLE_EQ(t.energy_pj, 7 * 2560);
  // The same without multicast: two sends that share the injection port; the second starts
  // when the first has left it (100 ns) and arrives 100 + 2 + 100 = 202 ns.
  Network separate(params("mesh", false), 0.1, eight());
  const auto s = separate.send(0, {3, 7}, 3200, 0);
  EXPECT_EQ(s.end, 202000);
  // Two unicasts: 0 -> 3 over 5 links, 0 -> 7 over 3, the injection port in both.
  EXPECT_DOUBLE_EQ(s.energy_pj, 8 * 2560);
}

TEST(TopologyTest, TopologiesAreChosenByNameFromTheRegistry) {
  EXPECT_EQ(TopologyRegistry::instance().names(), (std::vector<std::string>{"bus", "mesh", "p2p"}));
  NetworkParams p = params("p2p");
  EXPECT_FALSE(p.topo().shared());
  EXPECT_EQ(p.topo().twin_hops(), 0);
  p.set_topology("bus");
  EXPECT_TRUE(p.topo().shared());
  EXPECT_EQ(p.topo().twin_hops(), 1);  // one arbitration
  p.set_topology("mesh");
  EXPECT_EQ(p.topo().twin_hops(), 2);  // the source router and the PMCA's
}

}  // namespace
}  // namespace aimcsim
