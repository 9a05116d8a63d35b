// Fuzz target: the -p KEY=VALUE overrides over the embedded default config, as `aimcsim run -p
// ...` takes them. Input: one override per line. Invariants: the overrides load or throw
// InputError; a key takes the value after the first '=' of the last override naming it, with
// that override as its origin; and the config round-trips through config.yaml.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "platform/embedded_config.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aimcsim;
  const std::vector<std::string> overrides = fuzz::lines_of(fuzz::text_of(data, size));
  std::optional<Config> cfg;
  if (!fuzz::accepted([&] {
        cfg = Config::load(fuzz::schema(), {{"embedded default config", embedded_default_config()}},
                           overrides);
      }))
    return 0;
  std::map<std::string, std::string> last;  // key -> the override that set it last
  for (const std::string& ov : overrides) last[ov.substr(0, ov.find('='))] = ov;
  for (const auto& [key, ov] : last) {
    const std::string value = ov.substr(key.size() + 1);
    if (cfg->value_text(key) != value)
      fuzz::finding("-p " + ov + " loaded " + key + " as '" + cfg->value_text(key) + "'");
    if (cfg->origin(key) != "-p " + ov)
      fuzz::finding("-p " + ov + " loaded " + key + " from '" + cfg->origin(key) + "'");
  }
  fuzz::check_round_trip(*cfg, "overrides");
  return 0;
}
