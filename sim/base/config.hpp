#pragma once
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/base/units.hpp"

namespace aimcsim {

enum class ParamKind { Integer, Real, Boolean, Choice, Text, Quantity, IntegerOrAuto };

// One configuration parameter: its dotted key, kind, default (as written in YAML; empty means
// the key is required), accepted range or choices and a one-line description. Components
// declare their parameters next to their params struct, so each parameter lives in one place.
struct ParamSpec {
  std::string key;
  ParamKind kind = ParamKind::Text;
  Dimension dim = Dimension::Time;
  std::string default_value;
  bool required = false;
  double min = -std::numeric_limits<double>::infinity();  // canonical unit for quantities
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;
  std::string description;
  bool allow_auto = false;  // quantities: "auto" is accepted too (read as nullopt)
  // A preset key: each choice names a set of other keys' values, applied after the schema
  // defaults and before any document, so files and -p overrides still win over the preset.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> presets;
  // The key has an effect only when `active_key` is one of `active_values` (or, with
  // `active_negate`, none of them); given explicitly otherwise, loading warns.
  std::string active_key;
  std::vector<std::string> active_values;
  bool active_negate = false;

  ParamSpec& integer(std::int64_t def);
  ParamSpec& integer_or_auto(const std::string& def);
  ParamSpec& real(double def);
  ParamSpec& boolean(bool def);
  ParamSpec& choice(std::vector<std::string> options, const std::string& def);
  ParamSpec& text(const std::string& def);
  ParamSpec& quantity(Dimension d, const std::string& def);
  ParamSpec& or_auto();  // a quantity that also accepts "auto"
  // Makes a choice key a preset: option name -> (key, value text) pairs, in order.
  ParamSpec& preset_values(
      std::map<std::string, std::vector<std::pair<std::string, std::string>>> values);
  ParamSpec& require();  // no default: the key must be given
  // The key applies only when `key` has one of `values` / none of them.
  ParamSpec& active_when(const std::string& key, std::vector<std::string> values);
  ParamSpec& active_unless(const std::string& key, std::vector<std::string> values);
  ParamSpec& range(double lo, double hi);
  ParamSpec& desc(const std::string& d);

  // What the parameter accepts, for messages: "an integer in [1, 65536]".
  std::string accepted() const;
};

// The set of known parameters, in declaration order (the order of `aimcsim params` and of the
// written config.yaml).
class Schema {
 public:
  ParamSpec& add(const std::string& key);
  const ParamSpec* find(const std::string& key) const;
  const std::vector<ParamSpec>& params() const { return params_; }
  ParamSpec& param(std::size_t i) { return params_.at(i); }
  // Keys directly below a section prefix ("tile" -> "rows, cols, ..."), for messages.
  std::string keys_under(const std::string& prefix) const;
  bool is_section(const std::string& prefix) const;
  // Why `key` is not a known key, with the keys of its nearest known section, for messages.
  std::string unknown_key_message(const std::string& key) const;

 private:
  std::vector<ParamSpec> params_;
};

// Dotted keys and their value texts as nested YAML sections ("tile.t_int" -> tile: {t_int: ..}),
// in the order the keys first appear; no trailing newline.
std::string nested_yaml(const std::vector<std::pair<std::string, std::string>>& key_values);

// A validated, typed configuration, in layers: schema defaults, then the values of each chosen
// preset, then YAML documents in order, then `key=value` overrides. Every value is checked against
// its spec on load; errors throw InputError naming the key, where it came from, and what is
// accepted.
class Config {
 public:
  struct Source {
    std::string name;  // file path, or a label such as "embedded default"
    std::string text;  // YAML document
  };

  // With `strict`, a key given explicitly where it has no effect is an InputError instead of a
  // warning (warnings()).
  static Config load(const Schema& schema, const std::vector<Source>& documents,
                     const std::vector<std::string>& overrides, bool strict = false);
  // The files in order, after the documents of `base` (if any).
  static Config load_files(const Schema& schema, const std::vector<std::string>& paths,
                           const std::vector<std::string>& overrides, std::vector<Source> base = {},
                           bool strict = false);

  std::int64_t integer(const std::string& key) const;
  double real(const std::string& key) const;
  bool boolean(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  double quantity(const std::string& key) const;                              // canonical unit
  std::optional<double> quantity_or_auto(const std::string& key) const;       // nullopt = auto
  std::optional<std::int64_t> integer_or_auto(const std::string& key) const;  // nullopt = auto
  const std::string& origin(const std::string& key) const;
  // Keys given in a document or override that have no effect under the other keys' values.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The value as it was written ("1GHz", "auto", "0.9"), or the default's text.
  const std::string& value_text(const std::string& key) const;

  // The effective config as YAML: every key that has an effect, with its value (keys without
  // effect under the others are left out); loading it back gives the same run.
  std::string to_yaml() const;
  const Schema& schema() const { return *schema_; }

 private:
  struct Value {
    std::string text;
    std::string origin;
    double number = 0;
    bool is_auto = false;
    bool explicit_value = false;  // from a document or an override
  };
  const Value& get(const std::string& key, ParamKind kind) const;
  void set(const ParamSpec& spec, const std::string& text, const std::string& origin);
  // Whether `spec` has an effect under the other keys' values (its active_key condition).
  bool active(const ParamSpec& spec) const;
  void check_active(bool strict);

  const Schema* schema_ = nullptr;
  std::map<std::string, Value> values_;
  std::vector<std::string> warnings_;
};

}  // namespace aimcsim
