// Fuzz target: a YAML config file with units, then -p overrides, as `aimcsim run CONFIG.yaml -p
// ...` loads them (Config::load). Input: the YAML document; after a NUL byte, one KEY=VALUE
// override per line. Invariant: the input loads or throws InputError, and a config that loads
// prints back as config.yaml to one that loads to the same values (check_round_trip).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aimcsim;
  const std::string input = fuzz::text_of(data, size);
  const std::size_t nul = input.find('\0');
  const std::string document = input.substr(0, nul);
  const std::vector<std::string> overrides =
      nul == std::string::npos ? std::vector<std::string>{} : fuzz::lines_of(input.substr(nul + 1));
  std::optional<Config> cfg;
  if (!fuzz::accepted([&] {
        cfg = Config::load(fuzz::schema(), {{"fuzz.yaml", document}}, overrides);
      }))
    return 0;
  fuzz::check_round_trip(*cfg, "config");
  return 0;
}
