#include "sim/base/stats.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace aimcsim {
namespace {

TEST(StatsTest, GroupsKeepInsertionOrderAndFindByDottedPath) {
  StatGroup root;
  root.add("b", std::int64_t{2}, "", "second letter");
  StatGroup& pmca = root.group("pmca", "the PMCAs");
  pmca.group("cycles").add("total", std::int64_t{324}, "cycles", "all cycles");
  root.add("a", 1.5, "ns", "first letter");
  // A group asked for again is the same group: its members stay where they were added.
  root.group("pmca").add("busy_ns", 7.0, "ns", "busy");
  ASSERT_EQ(root.entries().size(), 3u);
  EXPECT_EQ(root.entries()[0].stat->name, "b");
  EXPECT_EQ(root.entries()[1].group->name(), "pmca");
  EXPECT_EQ(root.entries()[2].stat->name, "a");
  ASSERT_NE(root.find("pmca.cycles.total"), nullptr);
  EXPECT_EQ(std::get<std::int64_t>(root.find("pmca.cycles.total")->value), 324);
  EXPECT_EQ(root.find("pmca.cycles.total")->unit, "cycles");
  EXPECT_EQ(std::get<double>(root.find("pmca.busy_ns")->value), 7.0);
  EXPECT_EQ(root.find("pmca.nothing"), nullptr);
  // A dot joins the levels of a path, so no name holds one (pandas.json_normalize, stats.csv).
  EXPECT_THROW(root.group("energy").add("aimc.adc_nj", 4.0, "nJ", "ADCs"), std::logic_error);
  EXPECT_THROW(root.group("a.b"), std::logic_error);
  EXPECT_THROW(root.list("a.b"), std::logic_error);
}

TEST(StatsTest, AddingAStatTwiceReplacesItsValue) {
  StatGroup g;
  g.add("tiles", std::int64_t{1}, "", "tiles");
  g.add("tiles", std::int64_t{362}, "", "tiles");
  ASSERT_EQ(g.entries().size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(g.find("tiles")->value), 362);
}

TEST(StatsTest, ListsHoldUnnamedItemsAndNamesCannotClash) {
  StatGroup root;
  StatGroup& links = root.list("busiest_links");
  links.item().add("link", std::string("bus"), "", "name");
  links.item().add("link", std::string("inject(0,0)"), "", "name");
  EXPECT_TRUE(links.is_list());
  EXPECT_EQ(links.entries().size(), 2u);
  EXPECT_THROW(links.add("x", 1.0, "", ""), std::logic_error);
  root.add("tiles", std::int64_t{1}, "", "");
  EXPECT_THROW(root.group("tiles"), std::logic_error);
  EXPECT_THROW(root.item(), std::logic_error);
}

}  // namespace
}  // namespace aimcsim
