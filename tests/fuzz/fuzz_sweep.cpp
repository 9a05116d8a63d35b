// Fuzz target: a sweep file (parse_sweep), as `aimcsim sweep SWEEP.yaml` validates it before it
// runs anything. Input: the sweep file's YAML. Invariants: the file parses or throws InputError;
// a parsed sweep has as many points as grid x zip x points gives, each with a unique id, one value
// per swept key (the one it runs with), and a config (config.yaml of the point) that loads again
// under --strict to the same config with the hash recorded. Inputs of more than kMaxPoints points
// are skipped (each point takes about a millisecond to check) unless they pass the sweep's own
// limit, kMaxSweepPoints. A base's config file paths are relative to the source tree
// (platform/configs/default.yaml).
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>

#include "sim/sweep/sweep.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

constexpr double kMaxPoints = 32;

// Values on the axes of a grid or zip section (nested sections flattened), by the section's
// rules: the product of the lengths for a grid, the first list's length for a zip.
double axis_points(const YAML::Node& node, bool grid) {
  double n = grid ? 1 : 0;
  if (!node || !node.IsMap()) return 1;
  for (const auto& entry : node) {
    const YAML::Node v = entry.second;
    const double k = v.IsMap() ? axis_points(v, grid) : v.IsSequence() ? double(v.size()) : 1;
    if (grid)
      n *= k;
    else if (n == 0)
      n = k;
  }
  return n == 0 ? 1 : n;
}

// The points the sweep expands to, as far as the YAML says, or 0 when it does not parse.
double expected_points(const std::string& text) {
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root || !root.IsMap()) return 0;
    double n = axis_points(root["grid"], true) * axis_points(root["zip"], false);
    const YAML::Node points = root["points"];
    if (points && points.IsSequence() && points.size()) n *= double(points.size());
    return n;
  } catch (const YAML::Exception&) {
    return 0;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aimcsim;
  const std::string text = fuzz::text_of(data, size);
  const double expected = expected_points(text);
  if (expected > kMaxPoints && expected <= static_cast<double>(kMaxSweepPoints)) return 0;
  SweepSpec spec;
  if (!fuzz::accepted(
          [&] { spec = parse_sweep(fuzz::schema(), text, "fuzz.yaml", AIMCSIM_SOURCE_DIR); }))
    return 0;
  if (static_cast<double>(spec.points.size()) != expected)
    fuzz::finding("the sweep has " + std::to_string(spec.points.size()) +
                  " points, its axes give " + std::to_string(expected) + "; sweep:\n" + text);
  std::set<std::string> ids;
  for (const SweepPoint& pt : spec.points) {
    if (!ids.insert(pt.id).second) fuzz::finding("point id " + pt.id + " twice; sweep:\n" + text);
    if (pt.values.size() != spec.keys.size())
      fuzz::finding("point " + pt.id + " has " + std::to_string(pt.values.size()) + " values for " +
                    std::to_string(spec.keys.size()) + " keys; sweep:\n" + text);
    if (pt.config_hash != fnv1a64(pt.config_yaml))
      fuzz::finding("point " + pt.id + ": the hash is not its config's; sweep:\n" + text);
    std::optional<Config> cfg;
    try {
      cfg = Config::load(fuzz::schema(), {{"point.yaml", pt.config_yaml}}, {}, true);
    } catch (const std::exception& e) {
      fuzz::finding("point " + pt.id + ": its config does not load again: " + e.what() +
                    "; sweep:\n" + text);
    }
    if (cfg->to_yaml() != pt.config_yaml)
      fuzz::finding("point " + pt.id + ": its config prints otherwise; sweep:\n" + text);
    // The value results.csv shows for a swept key is the one the point ran with.
    for (std::size_t k = 0; k < spec.keys.size(); ++k) {
      const std::string& key = spec.keys[k];
      if (cfg->origin(key).rfind("point.yaml:", 0) == 0 && pt.values[k] != cfg->value_text(key))
        fuzz::finding("point " + pt.id + ": " + key + " is listed as '" + pt.values[k] +
                      "' but runs with '" + cfg->value_text(key) + "'; sweep:\n" + text);
    }
  }
  return 0;
}
