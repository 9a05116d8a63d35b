// Fuzz target: the --variant NAME:KEY=VALUE[;KEY=VALUE...] arguments of `aimcsim compare`, each
// variant's overrides then loaded over the embedded default config. Input: one --variant argument
// per line. Invariants: the arguments parse or throw InputError; a parsed variant has a plain,
// unique folder name and non-empty items without ';', and prints back (NAME:ITEM;ITEM) to the same
// variant; each variant's config loads or throws InputError and round-trips through config.yaml.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>

#include "platform/embedded_config.hpp"
#include "sim/cli/variant.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aimcsim;
  const std::vector<std::string> args = fuzz::lines_of(fuzz::text_of(data, size));
  std::vector<Variant> variants;
  if (!fuzz::accepted([&] { variants = parse_variants(args); })) return 0;
  if (variants.size() != args.size()) fuzz::finding("a --variant argument was lost");
  std::set<std::string> names;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const Variant& v = variants[i];
    if (v.name.empty() || v.name == "." || v.name == ".." ||
        v.name.find_first_of(std::string("/:\0", 3)) != std::string::npos)
      fuzz::finding("--variant " + args[i] + ": name '" + v.name + "' is not one folder name");
    if (!names.insert(v.name).second) fuzz::finding("--variant name given twice: " + v.name);
    std::string printed = v.name + ":";
    for (std::size_t k = 0; k < v.overrides.size(); ++k) {
      if (v.overrides[k].empty() || v.overrides[k].find(';') != std::string::npos)
        fuzz::finding("--variant " + args[i] + ": item '" + v.overrides[k] + "'");
      printed += (k ? ";" : "") + v.overrides[k];
    }
    const Variant again = parse_variant(printed);
    if (again.name != v.name || again.overrides != v.overrides)
      fuzz::finding("--variant " + args[i] + " printed as " + printed + " parses otherwise");
    std::optional<Config> cfg;
    if (!fuzz::accepted([&] {
          cfg = Config::load(fuzz::schema(),
                             {{"embedded default config", embedded_default_config()}}, v.overrides);
        }))
      continue;
    fuzz::check_round_trip(*cfg, "--variant " + args[i]);
  }
  return 0;
}
