#include "sim/explore/space.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/math.hpp"
#include "sim/base/registry.hpp"
#include "sim/explore/search.hpp"
#include "sim/sweep/sweep.hpp"
#include "sim/sweep/sweep_file.hpp"

namespace aimcsim {

namespace fs = std::filesystem;

namespace {

// A range is sampled into at most this many values.
constexpr std::size_t kMaxDomain = 100000;

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

const std::vector<std::string>& sections() {
  static const std::vector<std::string> s = {"base",   "variables", "objectives", "constraints",
                                             "budget", "seed",      "algorithm",  "population"};
  return s;
}

// results.csv columns that hold names, not numbers.
bool is_text_column(const std::string& name) {
  return name == "model" || name == "strategy" || name == "capacity_status" ||
         name == "hybrid_energy_dominant";
}
bool is_boolean_column(const std::string& name) { return name == "kv_cache_fits"; }

std::string numeric_columns() {
  std::vector<std::string> out;
  for (const std::string& c : point_figure_columns())
    if (!is_text_column(c)) out.push_back(c);
  return fmt::format("{}", fmt::join(out, ", "));
}

ExploreStatistic statistic(const std::string& name, const std::string& where) {
  const std::vector<std::string> cols = point_figure_columns();
  const auto it = std::find(cols.begin(), cols.end(), name);
  if (it == cols.end() || is_text_column(name))
    throw InputError(fmt::format(
        "{}: '{}' is not {}; accepted: the numeric results.csv columns: {}", where, name,
        it == cols.end() ? "a statistic" : "a numeric statistic", numeric_columns()));
  return {name, static_cast<std::size_t>(it - cols.begin())};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A constraint's value in the unit of its column: a bare number, a number with a unit of the
// column's dimension (the unit its name ends with), or true/false for a boolean column.
double bound_value(const std::string& text, const std::string& column, const std::string& where) {
  if (is_boolean_column(column) && (text == "true" || text == "false")) return text == "true";
  char* end = nullptr;
  const double bare = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && *end == '\0' && std::isfinite(bare)) return bare;
  struct Suffix {
    const char* suffix;
    Dimension dim;
    double per_canonical;  // column units per canonical unit
  };
  static const Suffix suffixes[] = {{"_ns", Dimension::Time, 1.0},
                                    {"_nj", Dimension::Energy, 1e-3},
                                    {"_mm2", Dimension::Area, 1.0},
                                    {"_bytes", Dimension::Size, 1.0}};
  for (const Suffix& s : suffixes)
    if (ends_with(column, s.suffix)) {
      try {
        return parse_quantity(text, s.dim) * s.per_canonical;
      } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("{}: {}: {}", where, column, e.what()));
      }
    }
  throw InputError(fmt::format("{}: {}: '{}' is not a number{}", where, column, text,
                               is_boolean_column(column) ? " or true/false" : ""));
}

ExploreConstraint parse_constraint(const YAML::Node& node, const std::string& file) {
  const std::string where = fmt::format("{}:{}: constraints", file, line_of(node));
  if (!node.IsScalar())
    throw InputError(fmt::format(
        "{}: expected 'STATISTIC <= VALUE' or 'STATISTIC >= VALUE', e.g. 'overhead <= 1.04'",
        where));
  const std::string text = node.Scalar();
  std::size_t op = text.find("<=");
  bool at_most = true;
  if (op == std::string::npos) {
    op = text.find(">=");
    at_most = false;
  }
  if (op == std::string::npos)
    throw InputError(fmt::format(
        "{}: '{}': expected 'STATISTIC <= VALUE' or 'STATISTIC >= VALUE', e.g. 'overhead <= 1.04'",
        where, text));
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
  };
  const std::string name = trim(text.substr(0, op)), value = trim(text.substr(op + 2));
  ExploreConstraint c;
  c.statistic = statistic(name, where);
  c.at_most = at_most;
  if (value.empty())
    throw InputError(fmt::format("{}: '{}': no value after the bound", where, text));
  c.value = bound_value(value, name, where);
  c.text = text;
  // Every statistic is non-negative and a boolean is 0 or 1: a bound no run can meet.
  const double hi = is_boolean_column(name) ? 1.0 : std::numeric_limits<double>::infinity();
  if ((at_most && c.value < 0) || (!at_most && c.value > hi))
    throw InputError(
        fmt::format("{}: '{}' is impossible: {} is {}", where, text, name,
                    is_boolean_column(name) ? "true (1) or false (0)" : "never negative"));
  return c;
}

// The values of a numeric range: min, min + step, ... (or min, min * factor, ...) up to max.
std::vector<double> range_values(double lo, double hi, double step, double factor,
                                 const std::string& where) {
  std::vector<double> out;
  for (std::size_t k = 0;; ++k) {
    const double v = step > 0 ? lo + static_cast<double>(k) * step : lo * std::pow(factor, k);
    if (v > hi * (1 + 1e-12) + 1e-300) break;
    out.push_back(printed_figure(v));
    if (out.size() > kMaxDomain)
      throw InputError(
          fmt::format("{}: more than {} values; use a larger step or factor", where, kMaxDomain));
  }
  return out;
}

double number(const YAML::Node& n, const std::string& where, const char* field,
              const ParamSpec& spec) {
  if (!n || !n.IsScalar()) throw InputError(fmt::format("{}: {}: expected a value", where, field));
  const std::string text = n.Scalar();
  if (spec.kind == ParamKind::Quantity && std::string(field) != "factor") {
    try {
      return parse_quantity(text, spec.dim);
    } catch (const std::invalid_argument& e) {
      throw InputError(fmt::format("{}: {}: {}", where, field, e.what()));
    }
  }
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v))
    throw InputError(fmt::format("{}: {}: '{}' is not a number", where, field, text));
  return v;
}

ExploreVariable parse_variable(const Schema& schema, const YAML::Node& key_node,
                               const YAML::Node& domain, const std::string& file) {
  const std::string key = key_node.Scalar();
  const std::string where = fmt::format("{}:{}: variables: {}", file, line_of(key_node), key);
  check_sweep_key(schema, fmt::format("{}:{}: variables", file, line_of(key_node)), key);
  const ParamSpec& spec = *schema.find(key);
  const std::string accepted =
      "a mapping with choices: [...], or min:, max: and step: or factor: (a log scale)";
  if (!domain.IsMap()) throw InputError(fmt::format("{}: expected {}", where, accepted));
  for (const auto& f : domain) {
    const std::string field = f.first.Scalar();
    if (field != "choices" && field != "min" && field != "max" && field != "step" &&
        field != "factor")
      throw InputError(fmt::format(
          "{}: unknown field '{}'; accepted: choices, min, max, step, factor", where, field));
  }
  ExploreVariable v{key, {}};
  if (domain["choices"]) {
    const YAML::Node choices = domain["choices"];
    if (domain["min"] || domain["max"] || domain["step"] || domain["factor"])
      throw InputError(fmt::format("{}: give choices or a range, not both", where));
    if (!choices.IsSequence())
      throw InputError(fmt::format("{}: choices: expected a list of values", where));
    for (const auto& item : choices) {
      if (!item.IsScalar())
        throw InputError(fmt::format("{}: choices: expected single values", where));
      if (std::find(v.values.begin(), v.values.end(), item.Scalar()) != v.values.end())
        throw InputError(fmt::format("{}: choices: '{}' given twice", where, item.Scalar()));
      v.values.push_back(item.Scalar());
    }
  } else {
    const bool integer = spec.kind == ParamKind::Integer || spec.kind == ParamKind::IntegerOrAuto;
    if (!integer && spec.kind != ParamKind::Real && spec.kind != ParamKind::Quantity)
      throw InputError(
          fmt::format("{}: a range needs a numeric key ({} is {}); give choices: [...]", where, key,
                      spec.accepted()));
    if (!domain["min"] || !domain["max"] || (!domain["step"] == !domain["factor"]))
      throw InputError(fmt::format("{}: expected {}", where, accepted));
    const double lo = number(domain["min"], where, "min", spec);
    const double hi = number(domain["max"], where, "max", spec);
    double step = 0, factor = 0;
    if (domain["step"]) {
      step = number(domain["step"], where, "step", spec);
      if (step <= 0) throw InputError(fmt::format("{}: step: must be above 0", where));
    } else {
      factor = number(domain["factor"], where, "factor", spec);
      if (factor <= 1) throw InputError(fmt::format("{}: factor: must be above 1", where));
      if (lo <= 0) throw InputError(fmt::format("{}: min: a log scale starts above 0", where));
    }
    if (lo > hi) throw InputError(fmt::format("{}: empty domain: min is above max", where));
    for (double x : range_values(lo, hi, step, factor, where)) {
      std::string text;
      if (integer)
        text = fmt::format("{}", static_cast<std::int64_t>(std::llround(x)));
      else if (spec.kind == ParamKind::Quantity)
        text = fmt::format("{}{}", x, canonical_unit(spec.dim));
      else
        text = fmt::format("{}", x);
      if (v.values.empty() || v.values.back() != text) v.values.push_back(text);
    }
  }
  if (v.values.empty())
    throw InputError(fmt::format("{}: empty domain; give at least one value", where));
  for (const std::string& value : v.values)
    check_sweep_value(schema, fmt::format("{}:{}: variables", file, line_of(key_node)), key, value);
  return v;
}

std::uint64_t unsigned_value(const YAML::Node& n, const std::string& file, const char* key,
                             std::uint64_t lo, std::uint64_t hi) {
  const std::string text = n.IsScalar() ? n.Scalar() : "";
  const bool digits =
      !text.empty() && text.size() < 19 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const std::uint64_t v = digits ? std::stoull(text) : 0;
  if (!digits || v < lo || v > hi)
    throw InputError(fmt::format("{}:{}: {}: '{}': expected an integer in [{}, {}]", file,
                                 line_of(n), key, text, lo, hi));
  return v;
}

}  // namespace

std::size_t ExploreSpace::size() const {
  std::size_t n = 1;
  for (const ExploreVariable& v : variables) {
    if (n > std::numeric_limits<std::size_t>::max() / v.values.size())
      return std::numeric_limits<std::size_t>::max();
    n *= v.values.size();
  }
  return n;
}

ExploreSpace parse_space(const Schema& schema, const std::string& text, const std::string& name,
                         const std::string& base_dir) {
  const YAML::Node root =
      load_sectioned_yaml(text, name, sections(), fmt::format("{}", fmt::join(sections(), ", ")));
  ExploreSpace space;
  space.name = fs::path(name).filename().string();
  space.base = load_sweep_base(root["base"], name, base_dir);
  std::string hashed = text;
  for (const Config::Source& s : space.base) hashed += "\n---\n" + s.text;
  space.hash = fnv1a64(hashed);
  try {
    (void)Config::load(schema, space.base, {});
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: base: {}", name, e.what()));
  }

  const YAML::Node vars = root["variables"];
  if (!vars || !vars.IsMap() || vars.size() == 0)
    throw InputError(fmt::format(
        "{}:{}: variables: expected a mapping of config keys to domains, e.g. "
        "{{pipeline.chunk_tokens: {{choices: [8, 16, 32]}}, tile.rows: {{min: 128, max: 512, "
        "factor: 2}}}}",
        name, vars ? line_of(vars) : 1));
  std::set<std::string> seen;
  for (const auto& entry : vars) {
    ExploreVariable v = parse_variable(schema, entry.first, entry.second, name);
    if (!seen.insert(v.key).second)
      throw InputError(
          fmt::format("{}:{}: variables: {} given twice", name, line_of(entry.first), v.key));
    space.variables.push_back(std::move(v));
  }

  const YAML::Node objs = root["objectives"];
  if (!objs || !objs.IsSequence() || objs.size() == 0)
    throw InputError(fmt::format(
        "{}:{}: objectives: expected a list of statistics to minimise, e.g. [hybrid_ns, "
        "hybrid_energy_per_token_nj, hybrid_area_mm2]",
        name, objs ? line_of(objs) : 1));
  for (const auto& o : objs) {
    const std::string where = fmt::format("{}:{}: objectives", name, line_of(o));
    if (!o.IsScalar()) throw InputError(fmt::format("{}: expected a statistic's name", where));
    ExploreStatistic s = statistic(o.Scalar(), where);
    for (const ExploreStatistic& other : space.objectives)
      if (other.name == s.name) throw InputError(fmt::format("{}: {} given twice", where, s.name));
    space.objectives.push_back(std::move(s));
  }

  if (const YAML::Node cons = root["constraints"]) {
    if (!cons.IsSequence())
      throw InputError(fmt::format(
          "{}:{}: constraints: expected a list such as ['overhead <= 1.04', 'hybrid_area_mm2 <= "
          "50mm2']",
          name, line_of(cons)));
    for (const auto& c : cons) space.constraints.push_back(parse_constraint(c, name));
    // Two bounds on one statistic that no value meets together.
    for (const ExploreConstraint& a : space.constraints)
      for (const ExploreConstraint& b : space.constraints)
        if (a.statistic.name == b.statistic.name && a.at_most && !b.at_most && b.value > a.value)
          throw InputError(fmt::format("{}: constraints: '{}' and '{}' are impossible together",
                                       name, a.text, b.text));
  }

  if (const YAML::Node n = root["budget"])
    space.budget = unsigned_value(n, name, "budget", 1, 1000000);
  if (const YAML::Node n = root["seed"])
    space.seed = unsigned_value(n, name, "seed", 0, std::numeric_limits<std::uint32_t>::max());
  if (const YAML::Node n = root["population"])
    space.population = unsigned_value(n, name, "population", 8, 10000);
  if (const YAML::Node n = root["algorithm"]) {
    const auto& registry = SearchRegistry::instance();
    if (!n.IsScalar() || !registry.has(n.Scalar()))
      throw InputError(fmt::format("{}:{}: algorithm: '{}' is not a search algorithm; accepted: {}",
                                   name, line_of(n), n.IsScalar() ? n.Scalar() : "",
                                   registry.accepted()));
    space.algorithm = n.Scalar();
  }
  const std::string problem = SearchRegistry::instance().create(space.algorithm)->check(space);
  if (!problem.empty())
    throw InputError(fmt::format("{}: algorithm: {}: {}", name, space.algorithm, problem));
  return space;
}

ExploreSpace load_space(const Schema& schema, const std::string& path) {
  const std::optional<std::string> text = read_file(path);
  if (!text) throw InputError(fmt::format("{}: cannot open space file", path));
  return parse_space(schema, *text, path, fs::path(path).parent_path().string());
}

std::vector<std::string> candidate_overrides(const ExploreSpace& space, const Candidate& c) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < space.variables.size(); ++i)
    out.push_back(space.variables[i].key + "=" + space.variables[i].values.at(c.at(i)));
  return out;
}

}  // namespace aimcsim
