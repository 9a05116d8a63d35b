#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace aimcsim {

// Binds a component's params struct to its config keys in one place. The component's
// `static void bind(ParamBinder<P>&)` names each key once, with its field, default, range and
// description; the same function declares the keys into a Schema and reads a validated Config
// back into the struct, so a parameter cannot be declared in one place and read in another.
template <class P>
class ParamBinder {
 public:
  static void declare(Schema& schema) {
    ParamBinder b(&schema, nullptr, nullptr);
    P::bind(b);
  }
  static P from(const Config& cfg) {
    P p{};
    ParamBinder b(nullptr, &cfg, &p);
    P::bind(b);
    return p;
  }
  // The struct with every field at its declared default.
  static P defaults() {
    Schema schema;
    declare(schema);
    return from(Config::load(schema, {}, {}));
  }

  ParamSpec& integer(const std::string& key, std::int64_t P::*field, std::int64_t def) {
    if (cfg_) p_->*field = cfg_->integer(key);
    return spec(key).integer(def);
  }
  // A positive integer or "auto", read as 0.
  ParamSpec& integer_or_auto(const std::string& key, std::int64_t P::*field,
                             const std::string& def) {
    if (cfg_) p_->*field = cfg_->integer_or_auto(key).value_or(0);
    return spec(key).integer_or_auto(def);
  }
  ParamSpec& real(const std::string& key, double P::*field, double def) {
    if (cfg_) p_->*field = cfg_->real(key);
    return spec(key).real(def);
  }
  ParamSpec& flag(const std::string& key, bool P::*field, bool def) {
    if (cfg_) p_->*field = cfg_->boolean(key);
    return spec(key).boolean(def);
  }
  // A dimensioned value in the canonical unit (ns, Hz, B/s, pJ, mW).
  ParamSpec& quantity(const std::string& key, double P::*field, Dimension d,
                      const std::string& def) {
    if (cfg_) p_->*field = cfg_->quantity(key);
    return spec(key).quantity(d, def);
  }
  // A dimensioned value or "auto", read as 0.
  ParamSpec& quantity_or_auto(const std::string& key, double P::*field, Dimension d,
                              const std::string& def) {
    if (cfg_) p_->*field = cfg_->quantity_or_auto(key).value_or(0);
    return spec(key).quantity(d, def).or_auto();
  }
  // A size in whole bytes.
  ParamSpec& bytes(const std::string& key, std::int64_t P::*field, const std::string& def) {
    if (cfg_) p_->*field = static_cast<std::int64_t>(cfg_->quantity(key));
    return spec(key).quantity(Dimension::Size, def);
  }
  ParamSpec& choice(const std::string& key, std::string P::*field, std::vector<std::string> options,
                    const std::string& def) {
    if (cfg_) p_->*field = cfg_->text(key);
    return spec(key).choice(std::move(options), def);
  }
  // Keys that belong to another part (an implementation chosen by name), declared here so that
  // they sit in this order in the schema; they are read by that part, not into P.
  void declare(const std::function<void(Schema&)>& more) {
    if (schema_) more(*schema_);
  }
  ParamSpec& text(const std::string& key, std::string P::*field, const std::string& def) {
    if (cfg_) p_->*field = cfg_->text(key);
    return spec(key).text(def);
  }

 private:
  ParamBinder(Schema* schema, const Config* cfg, P* p) : schema_(schema), cfg_(cfg), p_(p) {}
  ParamSpec& spec(const std::string& key) {
    if (schema_) return schema_->add(key);
    scratch_ = ParamSpec{};
    return scratch_;
  }

  Schema* schema_;
  const Config* cfg_;
  P* p_;
  ParamSpec scratch_;
};

// Base for params structs: `TileParams::declare(schema)`, `TileParams::from(cfg)`,
// `TileParams::defaults()`, all driven by the struct's own `bind`.
template <class P>
struct Params {
  static void declare(Schema& schema) { ParamBinder<P>::declare(schema); }
  static P from(const Config& cfg) { return ParamBinder<P>::from(cfg); }
  // Through P::from, so a struct that builds more than its fields in from() (an
  // implementation chosen by name) gets it built from the defaults too.
  static P defaults() {
    Schema schema;
    P::declare(schema);
    return P::from(Config::load(schema, {}, {}));
  }
};

}  // namespace aimcsim
