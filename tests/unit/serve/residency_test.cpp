#include "sim/serve/residency.hpp"

#include <gtest/gtest.h>

#include "models/memory/memory.hpp"
#include "models/riscv/pmca_model.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

std::unique_ptr<Residency> make(const std::string& name, std::vector<std::string> o = {}) {
  return ResidencyRegistry::instance().create(name, test::reference_config(o));
}

// Levels: a one-adapter L1, a two-adapter L2, DRAM with every adapter.
const ResidencySetup kSetup{{1, 2, 4}, 4, {0.1, 0.2, 0.3, 0.4}};

TEST(ResidencyTest, LruLoadsOnMissAndEvictsTheLeastRecentlyUsed) {
  auto r = make("lru");
  EXPECT_EQ(r->setup(kSetup), (std::vector<std::vector<std::int64_t>>{{}, {}, {}}));
  EXPECT_EQ(r->access(0, {}), 2);  // from DRAM, into L2 and L1
  EXPECT_EQ(r->access(0, {}), 0);  // a hit
  EXPECT_EQ(r->access(1, {}), 2);  // L1 evicts 0; L2 holds 0 and 1
  EXPECT_FALSE(r->resident(0, 0));
  EXPECT_TRUE(r->resident(0, 1));
  EXPECT_EQ(r->access(0, {}), 1);  // from L2
  EXPECT_EQ(r->access(2, {}), 2);  // L2 evicts 1 (used before 0's last use)
  EXPECT_TRUE(r->resident(0, 1));
  EXPECT_FALSE(r->resident(1, 1));
  EXPECT_TRUE(r->resident(2, 0));
}

TEST(ResidencyTest, AnAdapterInUseIsNeverEvicted) {
  auto r = make("lru");
  r->setup(kSetup);
  EXPECT_EQ(r->access(0, {}), 2);
  EXPECT_EQ(r->access(1, {0}), -1);  // L1's only slot holds adapter 0, in use
  EXPECT_TRUE(r->resident(0, 0));
  EXPECT_FALSE(r->resident(1, 1));  // nothing changed
}

TEST(ResidencyTest, PinnedKeepsTheMostPopularAdaptersFromTheStart) {
  const ResidencySetup s{{2, 3, 4}, 4, {0.1, 0.2, 0.3, 0.4}};
  auto r = make("pinned", {"serve.residency=pinned", "serve.pinned=1"});
  // Adapter 3 is the most popular: placed in L1 and L2 before the stream.
  EXPECT_EQ(r->setup(s), (std::vector<std::vector<std::int64_t>>{{3}, {3}, {}}));
  EXPECT_EQ(r->access(3, {}), 0);
  EXPECT_EQ(r->access(0, {}), 2);
  EXPECT_EQ(r->access(1, {}), 2);  // evicts 0 from L1, never 3
  EXPECT_TRUE(r->resident(3, 0));
  EXPECT_FALSE(r->resident(0, 0));
  EXPECT_EQ(r->access(3, {}), 0);
}

TEST(ResidencyTest, PinnedLeavesOneSlotPerLevel) {
  auto r = make("pinned", {"serve.residency=pinned", "serve.pinned=3"});
  // One-adapter L1: nothing pinned there; L2 of two: only the most popular.
  EXPECT_EQ(r->setup(kSetup), (std::vector<std::vector<std::int64_t>>{{}, {3}, {}}));
}

TEST(MemoryTest, AdapterLevelsComeFromThePmcaAndMemoryKeys) {
  const Config cfg = test::reference_config();
  const std::vector<MemoryLevel> m = adapter_memory(PmcaParams::from(cfg), MemoryParams::from(cfg));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].name, "l1");
  EXPECT_EQ(m[0].capacity, 32768);
  EXPECT_EQ(m[1].capacity, 1048576);
  // L2 to L1 by DMA: min(64, 64) B/cycle at 1 GHz, 10 cycles of L2 latency + 20 of DMA setup:
  // 10240 B in 30 + 160 ns.
  EXPECT_EQ(m[1].transfer(10240), 190000);
  EXPECT_DOUBLE_EQ(m[1].energy_pj(10240), 10240.0);  // pmca.e_dma_byte 1 pJ
  // DRAM: 100 ns + 10240 B / 17.064 GB/s = 100 + 600.0938 ns; 40 pJ a byte.
  EXPECT_EQ(m[2].transfer(10240), 100000 + 600094);
  EXPECT_DOUBLE_EQ(m[2].energy_pj(10240), 409600.0);
  EXPECT_FALSE(m[2].per_pmca);
}

}  // namespace
}  // namespace aimcsim
