#include "sim/cli/variant.hpp"

#include <gtest/gtest.h>

#include "sim/base/error.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;

TEST(VariantTest, NameThenItemsSplitAtSemicolonsWithEmptyItemsDropped) {
  const Variant v = parse_variant("fast:tile.t_int=128ns;;pmca.freq=1GHz;");
  EXPECT_EQ(v.name, "fast");
  EXPECT_EQ(v.overrides, (std::vector<std::string>{"tile.t_int=128ns", "pmca.freq=1GHz"}));
  // Only the first colon ends the name: a value may hold colons.
  EXPECT_EQ(parse_variant("lin:workload.model=linear:64x64").overrides,
            (std::vector<std::string>{"workload.model=linear:64x64"}));
  EXPECT_TRUE(parse_variant("bare:").overrides.empty());
}

TEST(VariantTest, ANameThatIsNotOneFolderNameIsRefused) {
  EXPECT_NE(error_of([] { parse_variant("nocolon"); }).find("expected NAME:KEY=VALUE"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_variant(":tile.t_int=1ns"); }).find("expected NAME:KEY=VALUE"),
            std::string::npos);
  for (const char* bad :
       {"a/b:tile.t_int=1ns", "..:tile.t_int=1ns", ".:tile.t_int=1ns", "/abs:tile.t_int=1ns"})
    EXPECT_NE(error_of([&] { parse_variant(bad); }).find("is the variant's output folder"),
              std::string::npos)
        << bad;
  EXPECT_THROW(parse_variant(std::string("a\0b:x=1", 7)), InputError);  // (no NUL from a shell)
}

TEST(VariantTest, TwoVariantsOfOneNameAreRefusedNamingIt) {
  const std::string e = error_of([] {
    parse_variants({"a:tile.t_int=1ns", "b:tile.t_int=2ns", "a:lora.rank=4"});
  });
  EXPECT_EQ(e,
            "--variant a:lora.rank=4: a variant named 'a' is given twice; each variant writes its "
            "own folder, so give each a name of its own");
  EXPECT_EQ(parse_variants({"a:x=1", "b:x=2"}).size(), 2u);
}

}  // namespace
}  // namespace aimcsim
