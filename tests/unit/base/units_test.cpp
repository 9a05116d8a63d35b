#include "sim/base/units.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

TEST(UnitsTest, TimeConvertsToNanoseconds) {
  EXPECT_DOUBLE_EQ(parse_quantity("128ns", Dimension::Time), 128.0);
  EXPECT_DOUBLE_EQ(parse_quantity("500ps", Dimension::Time), 0.5);
  EXPECT_DOUBLE_EQ(parse_quantity("2us", Dimension::Time), 2000.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1.5 ms", Dimension::Time), 1.5e6);
  EXPECT_DOUBLE_EQ(parse_quantity("1s", Dimension::Time), 1e9);
}

TEST(UnitsTest, BytesAfterANulAreStillPartOfTheUnit) {
  // Found by the overrides fuzz target: "256ns\0x" was read as 256 ns, while config.yaml printed
  // the whole value.
  EXPECT_THROW(parse_quantity(std::string("256ns\0x", 7), Dimension::Time), std::invalid_argument);
  EXPECT_NE(test::config_error(test::kReferenceWorkload, {std::string("pmca.fpu_util=0.5\0x", 19)}),
            "");
}

TEST(UnitsTest, OtherDimensionsUseTheirCanonicalUnit) {
  EXPECT_DOUBLE_EQ(parse_quantity("666MHz", Dimension::Frequency), 666e6);
  EXPECT_DOUBLE_EQ(parse_quantity("1GHz", Dimension::Frequency), 1e9);
  EXPECT_DOUBLE_EQ(parse_quantity("4GB/s", Dimension::Bandwidth), 4e9);
  EXPECT_DOUBLE_EQ(parse_quantity("3.2Gbit/s", Dimension::Bandwidth), 0.4e9);  // 3.2e9 / 8 bytes
  EXPECT_DOUBLE_EQ(parse_quantity("128KiB", Dimension::Size), 131072.0);       // 128 * 1024
  EXPECT_DOUBLE_EQ(parse_quantity("1MiB", Dimension::Size), 1048576.0);
  EXPECT_DOUBLE_EQ(parse_quantity("13.4nJ", Dimension::Energy), 13400.0);
  EXPECT_DOUBLE_EQ(parse_quantity("2uJ", Dimension::Energy), 2e6);
  EXPECT_DOUBLE_EQ(parse_quantity("43.5mW", Dimension::Power), 43.5);
  EXPECT_DOUBLE_EQ(parse_quantity("0.07mm2", Dimension::Area), 0.07);
  EXPECT_DOUBLE_EQ(parse_quantity("250um2", Dimension::Area), 250e-6);  // 1 mm2 = 1e6 um2
  EXPECT_DOUBLE_EQ(parse_quantity("22nm", Dimension::Length), 22.0);
  EXPECT_DOUBLE_EQ(parse_quantity("0.5um", Dimension::Length), 500.0);
}

void expect_error(const char* text, Dimension d, const std::string& fragment) {
  try {
    parse_quantity(text, d);
    FAIL() << "accepted '" << text << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(UnitsTest, BareNumberIsRejected) { expect_error("128", Dimension::Time, "has no unit"); }

TEST(UnitsTest, MessagesNameTheDimensionWithItsArticle) {
  expect_error("5", Dimension::Energy, "expected an energy with a unit");
  expect_error("5", Dimension::Area, "expected an area with a unit, e.g. 0.07mm2 (units: um2 mm2)");
  expect_error("5", Dimension::Length, "expected a length with a unit");
}
TEST(UnitsTest, UnitOfAnotherDimensionIsRejected) {
  expect_error("128MHz", Dimension::Time, "units: ps ns us ms s");
  expect_error("4GB", Dimension::Bandwidth, "GB/s");
}
TEST(UnitsTest, CaseMatters) { expect_error("1ghz", Dimension::Frequency, "unit 'ghz'"); }
TEST(UnitsTest, NegativeEmptyAndNonNumbersAreRejected) {
  expect_error("-1ns", Dimension::Time, "negative");
  expect_error("", Dimension::Time, "empty");
  expect_error("fast", Dimension::Time, "not a number");
  expect_error("infns", Dimension::Time, "not finite");
}

TEST(UnitsTest, PicosecondRoundingIsToNearest) {
  EXPECT_EQ(ns_to_ps(1.0015), 1002);  // 1001.5 ps rounds away from zero
  EXPECT_EQ(ns_to_ps(128), 128000);
  EXPECT_DOUBLE_EQ(ps_to_ns(1500), 1.5);
  EXPECT_DOUBLE_EQ(cycles_to_ns(3, 666e6), 3e9 / 666e6);
}

}  // namespace
}  // namespace aimcsim
