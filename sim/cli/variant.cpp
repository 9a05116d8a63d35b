#include "sim/cli/variant.hpp"

#include <fmt/format.h>

#include <set>

#include "sim/base/error.hpp"

namespace aimcsim {

Variant parse_variant(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0)
    throw InputError(fmt::format(
        "--variant {}: expected NAME:KEY=VALUE[;KEY=VALUE...], e.g. fast:tile.t_int=128ns", text));
  Variant v{text.substr(0, colon), {}};
  if (v.name == "." || v.name == ".." ||
      v.name.find_first_of(std::string("/\0", 2)) != std::string::npos)
    throw InputError(fmt::format(
        "--variant {}: the name '{}' is the variant's output folder: give a plain name (no '/', "
        "not '.' or '..'), e.g. fast:tile.t_int=128ns",
        text, v.name));
  const std::string rest = text.substr(colon + 1);
  for (std::size_t pos = 0; pos <= rest.size();) {
    const auto semi = rest.find(';', pos);
    const std::string kv =
        rest.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
    if (!kv.empty()) v.overrides.push_back(kv);
    if (semi == std::string::npos) break;
    pos = semi + 1;
  }
  return v;
}

std::vector<Variant> parse_variants(const std::vector<std::string>& texts) {
  std::vector<Variant> out;
  std::set<std::string> names;
  for (const std::string& t : texts) {
    out.push_back(parse_variant(t));
    if (!names.insert(out.back().name).second)
      throw InputError(fmt::format(
          "--variant {}: a variant named '{}' is given twice; each variant writes its own folder, "
          "so give each a name of its own",
          t, out.back().name));
  }
  return out;
}

}  // namespace aimcsim
