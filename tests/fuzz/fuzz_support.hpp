#pragma once
// What the fuzz targets (tests/fuzz/fuzz_*.cpp) share: the schema, the rule that an InputError is
// an accepted outcome and anything else a finding, and the config round trip.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace aimcsim::fuzz {

// Every key aimcsim knows, built once.
const Schema& schema();

// Prints "fuzz finding: <what>" on stderr and aborts, which libFuzzer (and the corpus replay)
// reports as a crash with the input that caused it.
[[noreturn]] void finding(const std::string& what);

// Runs `body`: true when it returns, false when it throws InputError (bad input, exit status 2:
// an accepted outcome); any other exception is a finding (the CLI would print "internal error").
bool accepted(const std::function<void()>& body);

// The invariant of every config: printed as a run's config.yaml (Config::to_yaml) it loads again,
// under --strict (the printed file holds no key without effect), to the same value of every key
// it prints, and prints to the same bytes. `what` names the input in a finding.
void check_round_trip(const Config& cfg, const std::string& what);

// The input as text, and split at '\n' (a final empty line dropped).
std::string text_of(const std::uint8_t* data, std::size_t size);
std::vector<std::string> lines_of(const std::string& text);

}  // namespace aimcsim::fuzz
