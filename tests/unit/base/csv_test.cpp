#include "sim/base/csv.hpp"

#include <gtest/gtest.h>

#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;

TEST(CsvTest, SkipsCommentsAndBlankLinesAndKeepsLineNumbers) {
  const CsvTable t =
      CsvTable::parse("# measured\n\nkernel, cycles\ngemm , 12\n\nsoftmax,7\n", "k.csv");
  EXPECT_EQ(t.header_line(), 3u);
  ASSERT_EQ(t.header(), (std::vector<std::string>{"kernel", "cycles"}));
  ASSERT_EQ(t.rows().size(), 2u);
  EXPECT_EQ(t.rows()[0].line, 4u);
  EXPECT_EQ(t.rows()[0].fields, (std::vector<std::string>{"gemm", "12"}));  // trimmed
  EXPECT_EQ(t.rows()[1].line, 6u);
  EXPECT_EQ(*t.column("cycles"), 1u);
  EXPECT_FALSE(t.column("metric"));
  EXPECT_EQ(t.where(t.rows()[1], 1), "k.csv:6: column 2 (cycles)");
}

TEST(CsvTest, QuotedFieldsHoldCommasAndQuotes) {
  const CsvTable t = CsvTable::parse("name,value\n\"a, \"\"b\"\"\",1\r\n", "q.csv");
  ASSERT_EQ(t.rows().size(), 1u);
  EXPECT_EQ(t.rows()[0].fields[0], "a, \"b\"");
  EXPECT_EQ(t.rows()[0].fields[1], "1");  // the \r of a CRLF line is not part of the field
  EXPECT_EQ(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
  EXPECT_EQ(csv_field("plain"), "plain");
}

TEST(CsvTest, AFieldStartingWithAHashIsQuotedSoItDoesNotReadAsAComment) {
  // A first field "#x" written plain would read back as a comment line (the csv fuzz target's
  // round trip).
  EXPECT_EQ(csv_field("#x"), "\"#x\"");
  EXPECT_EQ(csv_field("a#x"), "a#x");
  const CsvTable t = CsvTable::parse("name\n" + csv_field("#x") + "\n", "h.csv");
  ASSERT_EQ(t.rows().size(), 1u);
  EXPECT_EQ(t.rows()[0].fields[0], "#x");
}

TEST(CsvTest, BadFilesNameTheLine) {
  EXPECT_EQ(error_of([] { CsvTable::parse("a,b\n1,2,3\n", "x.csv"); }),
            "x.csv:2: 3 fields, but the header (line 1) names 2 columns");
  EXPECT_EQ(error_of([] { CsvTable::parse("a,b\n\"1,2\n", "x.csv"); }),
            "x.csv:2: field 1: unterminated quote (a quoted field ends on its own line)");
  EXPECT_EQ(error_of([] { CsvTable::parse("a,a\n", "x.csv"); }),
            "x.csv:1: column 2: 'a' is also column 1");
  EXPECT_EQ(error_of([] { CsvTable::parse("# nothing\n", "x.csv"); }),
            "x.csv: empty; expected a header row of column names");
  EXPECT_EQ(error_of([] { CsvTable::load("/nonexistent/points.csv"); }),
            "/nonexistent/points.csv: cannot open the CSV file");
}

}  // namespace
}  // namespace aimcsim
