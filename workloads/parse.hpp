#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aimcsim {

// A run of 1 to `max_digits` decimal digits, whole: "512" -> 512; anything else (a sign, a
// space, an empty or longer run) -> -1.
std::int64_t parse_digits(const std::string& text, std::size_t max_digits);

// The items of a comma list with surrounding spaces trimmed and empty items dropped:
// " query, value ," -> {"query", "value"}.
std::vector<std::string> split_list(const std::string& text);

}  // namespace aimcsim
