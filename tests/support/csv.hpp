#pragma once
// CSV as the report writers and `aimcsim validate` write it, read back for checks.
#include <map>
#include <string>
#include <vector>

namespace aimcsim::test {

// RFC 4180 rows: fields split at commas, "..." quoting commas, quotes ("") and newlines. An
// unterminated quote or a last row without a newline is a test failure.
std::vector<std::vector<std::string>> parse_csv(const std::string& text);
// Each data row as header name -> field; every row must have as many fields as the header.
std::vector<std::map<std::string, std::string>> csv_records(const std::string& text);

}  // namespace aimcsim::test
