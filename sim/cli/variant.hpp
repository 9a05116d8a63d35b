#pragma once
#include <string>
#include <vector>

namespace aimcsim {

// A named config variant of `aimcsim compare --variant NAME:KEY=VALUE[;KEY=VALUE...]`: its name,
// which is also its output folder under OUTDIR, and its KEY=VALUE overrides in order.
struct Variant {
  std::string name;
  std::vector<std::string> overrides;
};

// Parses one --variant argument: NAME up to the first ':', then KEY=VALUE items separated by ';'
// (empty items are dropped; each item is checked when the config is loaded). Throws InputError
// when the colon or the name is missing, or when the name is not one folder name (it holds a '/'
// or a NUL, or is '.' or '..').
Variant parse_variant(const std::string& text);
// Each argument through parse_variant; two variants of one name (one output folder) throw
// InputError naming it.
std::vector<Variant> parse_variants(const std::vector<std::string>& texts);

}  // namespace aimcsim
