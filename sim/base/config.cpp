#include "sim/base/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "sim/base/error.hpp"
#include "sim/base/files.hpp"

namespace aimcsim {

// ---------------------------------------------------------------- ParamSpec

ParamSpec& ParamSpec::integer(std::int64_t def) {
  kind = ParamKind::Integer;
  default_value = std::to_string(def);
  return *this;
}
ParamSpec& ParamSpec::integer_or_auto(const std::string& def) {
  kind = ParamKind::IntegerOrAuto;
  default_value = def;
  return *this;
}
ParamSpec& ParamSpec::real(double def) {
  kind = ParamKind::Real;
  default_value = fmt::format("{}", def);
  return *this;
}
ParamSpec& ParamSpec::boolean(bool def) {
  kind = ParamKind::Boolean;
  default_value = def ? "true" : "false";
  return *this;
}
ParamSpec& ParamSpec::choice(std::vector<std::string> options, const std::string& def) {
  kind = ParamKind::Choice;
  choices = std::move(options);
  default_value = def;
  return *this;
}
ParamSpec& ParamSpec::text(const std::string& def) {
  kind = ParamKind::Text;
  default_value = def;
  return *this;
}
ParamSpec& ParamSpec::quantity(Dimension d, const std::string& def) {
  kind = ParamKind::Quantity;
  dim = d;
  default_value = def;
  return *this;
}
ParamSpec& ParamSpec::or_auto() {
  allow_auto = true;
  return *this;
}
ParamSpec& ParamSpec::preset_values(
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> values) {
  presets = std::move(values);
  return *this;
}
ParamSpec& ParamSpec::require() {
  required = true;
  default_value.clear();
  return *this;
}
ParamSpec& ParamSpec::active_when(const std::string& key, std::vector<std::string> values) {
  active_key = key;
  active_values = std::move(values);
  active_negate = false;
  return *this;
}
ParamSpec& ParamSpec::active_unless(const std::string& key, std::vector<std::string> values) {
  active_when(key, std::move(values));
  active_negate = true;
  return *this;
}
ParamSpec& ParamSpec::range(double lo, double hi) {
  min = lo;
  max = hi;
  return *this;
}
ParamSpec& ParamSpec::desc(const std::string& d) {
  description = d;
  return *this;
}

namespace {
std::string range_text(const ParamSpec& s, const std::string& unit) {
  const bool lo = std::isfinite(s.min), hi = std::isfinite(s.max);
  if (lo && hi) return fmt::format(" in [{}{}, {}{}]", s.min, unit, s.max, unit);
  if (lo) return fmt::format(" >= {}{}", s.min, unit);
  if (hi) return fmt::format(" <= {}{}", s.max, unit);
  return "";
}
}  // namespace

std::string ParamSpec::accepted() const {
  switch (kind) {
    case ParamKind::Integer:
      return "an integer" + range_text(*this, "");
    case ParamKind::IntegerOrAuto:
      return "'auto' or an integer" + range_text(*this, "");
    case ParamKind::Real:
      return "a number" + range_text(*this, "");
    case ParamKind::Boolean:
      return "true or false";
    case ParamKind::Choice: {
      std::string out = "one of ";
      for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + choices[i];
      return out;
    }
    case ParamKind::Text:
      return "a string";
    case ParamKind::Quantity:
      return fmt::format("{}{} with a unit ({}){}", allow_auto ? "'auto' or " : "",
                         with_article(dimension_name(dim)), units_accepted(dim),
                         range_text(*this, std::string(canonical_unit(dim))));
  }
  return "?";
}

// ---------------------------------------------------------------- Schema

ParamSpec& Schema::add(const std::string& key) {
  if (find(key)) throw std::logic_error("parameter declared twice: " + key);
  params_.push_back(ParamSpec{});
  params_.back().key = key;
  return params_.back();
}

const ParamSpec* Schema::find(const std::string& key) const {
  for (const auto& p : params_)
    if (p.key == key) return &p;
  return nullptr;
}

bool Schema::is_section(const std::string& prefix) const {
  const std::string p = prefix + ".";
  for (const auto& s : params_)
    if (s.key.compare(0, p.size(), p) == 0) return true;
  return false;
}

std::string Schema::keys_under(const std::string& prefix) const {
  const std::string p = prefix.empty() ? "" : prefix + ".";
  std::vector<std::string> seen;
  for (const auto& s : params_) {
    if (s.key.compare(0, p.size(), p) != 0) continue;
    std::string rest = s.key.substr(p.size());
    rest = rest.substr(0, rest.find('.'));
    bool dup = false;
    for (const auto& x : seen) dup = dup || x == rest;
    if (!dup) seen.push_back(rest);
  }
  std::string out;
  for (std::size_t i = 0; i < seen.size(); ++i) out += (i ? ", " : "") + seen[i];
  return out;
}

std::string Schema::unknown_key_message(const std::string& key) const {
  const auto dot = key.rfind('.');
  std::string parent = dot == std::string::npos ? "" : key.substr(0, dot);
  while (!parent.empty() && !is_section(parent)) {
    const auto d = parent.rfind('.');
    parent = d == std::string::npos ? "" : parent.substr(0, d);
  }
  if (parent.empty()) return fmt::format("unknown key; known sections: {}", keys_under(""));
  return fmt::format("unknown key; keys under '{}': {}", parent, keys_under(parent));
}

// ---------------------------------------------------------------- Config

namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& key, const std::string& msg) {
  throw InputError(fmt::format("{}: {}: {}", origin, key, msg));
}

bool parse_int(const std::string& text, std::int64_t& out) {
  if (text.empty()) return false;
  std::size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  if (i == text.size()) return false;
  for (std::size_t k = i; k < text.size(); ++k)
    if (text[k] < '0' || text[k] > '9') return false;
  errno = 0;
  out = std::strtoll(text.c_str(), nullptr, 10);
  return errno == 0;
}

bool parse_real(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(out);  // "1\0x" is not a number
}

// The position of the first byte of `text` that is a control character or not part of valid
// UTF-8 (an overlong form, a surrogate, past U+10FFFF), or npos. Such text would not print back
// as the same bytes in config.yaml (YAML replaces invalid UTF-8), nor read well in a message.
std::size_t first_unprintable(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return i;
      ++i;
      continue;
    }
    const std::size_t len = c >= 0xc2 && c <= 0xdf   ? 2
                            : c >= 0xe0 && c <= 0xef ? 3
                            : c >= 0xf0 && c <= 0xf4 ? 4
                                                     : 0;
    if (len == 0 || i + len > n) return i;
    std::uint32_t cp = c & (0x7f >> len);
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0x80 && cp <= 0x9f))
      return i;
    i += len;
  }
  return std::string::npos;
}

void flatten(const Schema& schema, const YAML::Node& node, const std::string& prefix,
             const std::string& file,
             std::vector<std::tuple<std::string, std::string, std::string>>& out) {
  for (const auto& entry : node) {
    // Copies: yaml-cpp's iterator yields a temporary pair of node handles.
    const YAML::Node k = entry.first;
    const YAML::Node v = entry.second;
    const std::string name = k.Scalar();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    const std::string origin = fmt::format("{}:{}", file, k.Mark().line + 1);
    if (v.IsMap()) {
      if (schema.find(key))
        fail(origin, key,
             "expected a value, found a mapping; accepts " + schema.find(key)->accepted());
      if (!schema.is_section(key)) fail(origin, key, schema.unknown_key_message(key));
      flatten(schema, v, key, file, out);
    } else if (v.IsScalar()) {
      out.emplace_back(key, v.Scalar(), origin);
    } else if (v.IsNull()) {
      fail(origin, key, "has no value");
    } else {
      const ParamSpec* spec = schema.find(key);
      fail(origin, key,
           "expected a single value, found a list" + (spec ? "; accepts " + spec->accepted() : ""));
    }
  }
}

}  // namespace

void Config::set(const ParamSpec& spec, const std::string& text, const std::string& origin) {
  Value v;
  v.text = text;
  v.origin = origin;
  const std::string expect = "; expected " + spec.accepted();
  auto check_range = [&](double x, const std::string& shown) {
    if (x < spec.min || x > spec.max)
      fail(origin, spec.key, "'" + shown + "' is out of range" + expect);
  };
  switch (spec.kind) {
    case ParamKind::Integer:
    case ParamKind::IntegerOrAuto: {
      if (spec.kind == ParamKind::IntegerOrAuto && text == "auto") {
        v.is_auto = true;
        break;
      }
      std::int64_t n = 0;
      if (!parse_int(text, n)) fail(origin, spec.key, "'" + text + "' is not an integer" + expect);
      check_range(static_cast<double>(n), text);
      v.number = static_cast<double>(n);
      break;
    }
    case ParamKind::Real: {
      double x = 0;
      if (!parse_real(text, x)) fail(origin, spec.key, "'" + text + "' is not a number" + expect);
      check_range(x, text);
      v.number = x;
      break;
    }
    case ParamKind::Boolean:
      if (text != "true" && text != "false")
        fail(origin, spec.key, "'" + text + "' is not a boolean" + expect);
      v.number = text == "true" ? 1 : 0;
      break;
    case ParamKind::Choice: {
      bool ok = false;
      for (const auto& c : spec.choices) ok = ok || c == text;
      if (!ok) fail(origin, spec.key, "'" + text + "' is not accepted" + expect);
      break;
    }
    case ParamKind::Text: {
      if (text.empty()) fail(origin, spec.key, "is empty" + expect);
      const std::size_t bad = first_unprintable(text);
      if (bad != std::string::npos)
        fail(origin, spec.key,
             fmt::format("byte {} (0x{:02x}) is a control character or not UTF-8; expected "
                         "printable UTF-8 text",
                         bad + 1, static_cast<unsigned char>(text[bad])));
      break;
    }
    case ParamKind::Quantity:
      if (spec.allow_auto && text == "auto") {
        v.is_auto = true;
        break;
      }
      try {
        v.number = parse_quantity(text, spec.dim);
      } catch (const std::invalid_argument& e) {
        fail(origin, spec.key, e.what());
      }
      check_range(v.number, text);
      break;
  }
  values_[spec.key] = std::move(v);
}

bool Config::active(const ParamSpec& spec) const {
  if (spec.active_key.empty()) return true;
  const std::string& other = values_.at(spec.active_key).text;
  const bool listed = std::find(spec.active_values.begin(), spec.active_values.end(), other) !=
                      spec.active_values.end();
  return listed != spec.active_negate;
}

void Config::check_active(bool strict) {
  for (const auto& spec : schema_->params()) {
    const Value& v = values_.at(spec.key);
    if (!v.explicit_value || active(spec)) continue;
    const std::string& other = values_.at(spec.active_key).text;
    std::string values;
    for (const auto& x : spec.active_values) values += (values.empty() ? "" : ", ") + x;
    const std::string msg =
        fmt::format("{}: {} has no effect: it applies only when {} is {}{} ({} is {})", v.origin,
                    spec.key, spec.active_key,
                    spec.active_negate ? (spec.active_values.size() > 1 ? "none of " : "not ") : "",
                    values, spec.active_key, other);
    if (strict) throw InputError(msg + "; remove it, or run without --strict");
    warnings_.push_back(msg);
  }
}

Config Config::load(const Schema& schema, const std::vector<Source>& documents,
                    const std::vector<std::string>& overrides, bool strict) {
  using Leaf = std::tuple<std::string, std::string, std::string>;  // key, value text, origin
  std::vector<Leaf> leaves;  // documents in order, then overrides: later entries win
  for (const auto& doc : documents) {
    YAML::Node root;
    try {
      root = YAML::Load(doc.text);
    } catch (const YAML::Exception& e) {
      throw InputError(fmt::format("{}:{}: not valid YAML: {}", doc.name, e.mark.line + 1, e.msg));
    }
    if (root.IsNull()) continue;
    if (!root.IsMap())
      throw InputError(doc.name +
                       ": expected a mapping of sections (workload:, tile:, ...) at the top level");
    flatten(schema, root, "", doc.name, leaves);
  }
  for (const auto& ov : overrides) {
    const auto eq = ov.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(fmt::format("-p {}: expected KEY=VALUE, e.g. -p tile.t_int=256ns", ov));
    leaves.emplace_back(ov.substr(0, eq), ov.substr(eq + 1), "-p " + ov);
  }
  for (const auto& [key, text, origin] : leaves)
    if (!schema.find(key)) fail(origin, key, schema.unknown_key_message(key));

  Config cfg;
  cfg.schema_ = &schema;
  for (const auto& spec : schema.params())
    if (!spec.required) cfg.set(spec, spec.default_value, "default");

  // Presets: the last value given for a preset key (or its default) selects a set of values
  // that sits between the defaults and the documents.
  for (const auto& spec : schema.params()) {
    if (spec.presets.empty()) continue;
    for (const auto& [key, text, origin] : leaves)
      if (key == spec.key) cfg.set(spec, text, origin);
    const std::string& name = cfg.values_.at(spec.key).text;
    const auto it = spec.presets.find(name);
    if (it == spec.presets.end()) continue;
    for (const auto& [key, text] : it->second) {
      const ParamSpec* target = schema.find(key);
      if (!target) throw std::logic_error("preset " + name + " sets an undeclared key: " + key);
      cfg.set(*target, text, fmt::format("{} {}", spec.key, name));
    }
  }

  for (const auto& [key, text, origin] : leaves) {
    cfg.set(*schema.find(key), text, origin);
    cfg.values_[key].explicit_value = true;
  }

  for (const auto& spec : schema.params()) {
    if (!cfg.values_.count(spec.key))
      throw InputError(fmt::format(
          "{}: missing required key ({}; {}). A config file or a sweep's inline base is a whole "
          "config: the embedded default applies only when no config is given, so set the key, "
          "or start from a run's config.yaml (aimcsim run -o DIR writes DIR/config.yaml)",
          spec.key, spec.accepted(), spec.description));
  }
  cfg.check_active(strict);
  return cfg;
}

Config Config::load_files(const Schema& schema, const std::vector<std::string>& paths,
                          const std::vector<std::string>& overrides, std::vector<Source> base,
                          bool strict) {
  std::vector<Source> docs = std::move(base);
  for (const auto& p : paths) {
    const std::optional<std::string> text = read_file(p);
    if (!text) throw InputError(fmt::format("{}: cannot open config file", p));
    docs.push_back({p, *text});
  }
  return load(schema, docs, overrides, strict);
}

const Config::Value& Config::get(const std::string& key, ParamKind kind) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("config key not declared: " + key);
  const ParamSpec* spec = schema_->find(key);
  if (spec->kind != kind) throw std::logic_error("config key read as the wrong kind: " + key);
  return it->second;
}

std::int64_t Config::integer(const std::string& key) const {
  return static_cast<std::int64_t>(get(key, ParamKind::Integer).number);
}
double Config::real(const std::string& key) const { return get(key, ParamKind::Real).number; }
bool Config::boolean(const std::string& key) const {
  return get(key, ParamKind::Boolean).number != 0;
}
const std::string& Config::text(const std::string& key) const {
  const ParamSpec* spec = schema_->find(key);
  if (!spec) throw std::logic_error("config key not declared: " + key);
  return get(key, spec->kind == ParamKind::Choice ? ParamKind::Choice : ParamKind::Text).text;
}
double Config::quantity(const std::string& key) const {
  const Value& v = get(key, ParamKind::Quantity);
  if (v.is_auto) throw std::logic_error("config key is auto, read as a quantity: " + key);
  return v.number;
}
std::optional<double> Config::quantity_or_auto(const std::string& key) const {
  const Value& v = get(key, ParamKind::Quantity);
  if (v.is_auto) return std::nullopt;
  return v.number;
}
std::optional<std::int64_t> Config::integer_or_auto(const std::string& key) const {
  const Value& v = get(key, ParamKind::IntegerOrAuto);
  if (v.is_auto) return std::nullopt;
  return static_cast<std::int64_t>(v.number);
}
const std::string& Config::origin(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("config key not declared: " + key);
  return it->second.origin;
}

const std::string& Config::value_text(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("config key not declared: " + key);
  return it->second.text;
}

namespace {

// Whether yaml-cpp's emitter writes `s` as it is, a plain scalar: a letter or digit, then only
// letters, digits and _ + . / - (no indicator, blank, comment, quote or non-ASCII byte), not a
// null ("null", "Null", "NULL") and short of the emitter's long keys.
bool plain_scalar(const std::string& s) {
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (s.empty() || s.size() > 1000 || !alnum(s[0])) return false;
  if (s == "null" || s == "Null" || s == "NULL") return false;
  for (char c : s)
    if (!alnum(c) && c != '_' && c != '+' && c != '.' && c != '/' && c != '-') return false;
  return true;
}

struct Section {
  std::string name, value;
  std::vector<Section> children;
  Section& child(const std::string& n) {
    for (auto& c : children)
      if (c.name == n) return c;
    children.push_back(Section{n, "", {}});
    return children.back();
  }
  // Whether the names and values of all below are plain scalars.
  bool plain() const {
    for (const auto& c : children)
      if (!plain_scalar(c.name) || (c.children.empty() ? !plain_scalar(c.value) : !c.plain()))
        return false;
    return true;
  }
  // What yaml-cpp's emitter writes for plain scalars: block maps indented by two, "name: value".
  void write(std::string& text, std::size_t depth) const {
    for (const auto& c : children) {
      text.append(2 * depth, ' ');
      text += c.name;
      text += ':';
      if (c.children.empty()) {
        text += ' ';
        text += c.value;
        text += '\n';
      } else {
        text += '\n';
        c.write(text, depth + 1);
      }
    }
  }
};

}  // namespace

std::string nested_yaml(const std::vector<std::pair<std::string, std::string>>& key_values) {
  // Group the dotted keys into nested sections, in order of first appearance.
  Section root;
  for (const auto& [key, value] : key_values) {
    Section* node = &root;
    std::stringstream ss(key);
    for (std::string part; std::getline(ss, part, '.');) node = &node->child(part);
    node->value = value;
  }
  if (!root.children.empty() && root.plain()) {
    // As the emitter would write it (config keys and values are plain), without running it.
    std::string text;
    root.write(text, 0);
    text.pop_back();  // the emitter ends without a newline
    return text;
  }
  YAML::Emitter out;
  std::function<void(const Section&)> emit = [&](const Section& s) {
    out << YAML::BeginMap;
    for (const auto& c : s.children) {
      out << YAML::Key << c.name << YAML::Value;
      if (c.children.empty())
        out << c.value;
      else
        emit(c);
    }
    out << YAML::EndMap;
  };
  emit(root);
  return out.c_str();
}

std::string Config::to_yaml() const {
  // Keys without effect under the others are left out: reloading gives them the same values
  // (their defaults or presets), and listing them would make the reload warn (or, under
  // --strict, fail) about keys the user never set.
  std::vector<std::pair<std::string, std::string>> key_values;
  for (const auto& spec : schema_->params())
    if (active(spec)) key_values.emplace_back(spec.key, values_.at(spec.key).text);
  return nested_yaml(key_values) + "\n";
}

}  // namespace aimcsim
