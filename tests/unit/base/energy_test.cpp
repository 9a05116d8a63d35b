// EnergyBreakdown (sim/base/energy.hpp): components interned once, kept in insertion order, the
// first kInline inside the object and the rest in a vector.
#include "sim/base/energy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace aimcsim {
namespace {

TEST(EnergyComponentTest, OneNameIsOneIdAndBack) {
  const EnergyComponent a = energy_component("test.alpha");
  EXPECT_EQ(energy_component("test.alpha"), a);
  EXPECT_NE(energy_component("test.beta"), a);
  EXPECT_EQ(energy_component_name(a), "test.alpha");
}

TEST(EnergyBreakdownTest, AddsByComponentInInsertionOrder) {
  EnergyBreakdown e;
  e.add("test.b", 2.0);
  e.add("test.a", 1.0);
  e.add("test.b", 0.5);  // same component: 2.0 + 0.5
  ASSERT_EQ(e.size(), 2u);
  const auto items = e.items();
  EXPECT_EQ(items[0].first, "test.b");
  EXPECT_DOUBLE_EQ(items[0].second, 2.5);
  EXPECT_EQ(items[1].first, "test.a");
  EXPECT_DOUBLE_EQ(e.total(), 3.5);
  EXPECT_DOUBLE_EQ(e.get("test.a"), 1.0);
  EXPECT_DOUBLE_EQ(e.get("test.never"), 0.0);
}

TEST(EnergyBreakdownTest, MoreComponentsThanFitInlineKeepTheirOrderAndSums) {
  // kInline + 3 components, component i holding i + 1 pJ, each added twice: total
  // 2 * (1 + 2 + ... + n) = n (n + 1) with n = kInline + 3.
  const std::size_t n = EnergyBreakdown::kInline + 3;
  EnergyBreakdown e;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < n; ++i) e.add("test.c" + std::to_string(i), double(i + 1));
  ASSERT_EQ(e.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(energy_component_name(e.at(i).first), "test.c" + std::to_string(i));
    EXPECT_DOUBLE_EQ(e.at(i).second, 2.0 * double(i + 1));
  }
  EXPECT_DOUBLE_EQ(e.total(), double(n * (n + 1)));
  // Scaled and merged into another breakdown that already holds the last component.
  EnergyBreakdown f;
  f.add("test.c" + std::to_string(n - 1), 1.0);
  f.add_scaled(e, 0.5);  // component n-1: 1 + 0.5 * 2n = 1 + n
  EXPECT_EQ(f.size(), n);
  EXPECT_EQ(energy_component_name(f.at(0).first), "test.c" + std::to_string(n - 1));
  EXPECT_DOUBLE_EQ(f.at(0).second, 1.0 + double(n));
  EXPECT_DOUBLE_EQ(f.total(), 1.0 + double(n * (n + 1)) / 2.0);
}

TEST(EnergyBreakdownTest, TotalWithPrefixAddsTheComponentsNamedSo) {
  EnergyBreakdown e;
  e.add("test.pre.a", 1.0);
  e.add("test.other", 2.0);
  e.add("test.pre.b", 4.0);
  EXPECT_DOUBLE_EQ(e.total_with_prefix("test.pre."), 5.0);  // 1 + 4
  EXPECT_DOUBLE_EQ(e.total_with_prefix("test."), 7.0);      // 1 + 2 + 4
  EXPECT_DOUBLE_EQ(e.total_with_prefix("none."), 0.0);
}

}  // namespace
}  // namespace aimcsim
