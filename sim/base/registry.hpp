#pragma once
#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace aimcsim {

// Implementations of one interface, chosen by name. Every component kind (tile model, GEMM
// engine, topology, workload family, digital operator cost, strategy, subcommand) has one
// registry; an implementation registers itself from its own file with AIMCSIM_REGISTER, so adding
// one is one new file. Entries are kept sorted by name, whatever the order of static
// initialisation, so listings and config schemas are deterministic.
template <class Interface, class... Args>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(Args...)>;
  struct Entry {
    std::string name;
    std::string description;
    Factory factory;
    // The implementation's own config keys, declared into the schema (may be empty).
    std::function<void(Schema&)> declare;
  };

  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  // Contract: called once per implementation at static initialisation; a name registered twice
  // is a programming error (std::logic_error). Returns true, for the registration constant.
  bool add(Entry entry) {
    if (find(entry.name)) throw std::logic_error("registered twice: " + entry.name);
    const auto at =
        std::lower_bound(entries_.begin(), entries_.end(), entry.name,
                         [](const Entry& e, const std::string& name) { return e.name < name; });
    entries_.insert(at, std::move(entry));
    return true;
  }

  const Entry* find(const std::string& name) const {
    for (const Entry& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }
  bool has(const std::string& name) const { return find(name) != nullptr; }

  // A new instance of implementation `name`. Names reach here from a validated config (whose
  // accepted values are names()), so an unknown one is a programming error.
  std::unique_ptr<Interface> create(const std::string& name, Args... args) const {
    const Entry* e = find(name);
    if (!e) throw std::logic_error("no implementation registered as '" + name + "'");
    return e->factory(std::forward<Args>(args)...);
  }

  // For factories that read a config: implementation `name` with its own keys at their defaults.
  std::unique_ptr<Interface> create_default(const std::string& name) const {
    Schema schema;
    if (const Entry* e = find(name); e && e->declare) e->declare(schema);
    return create(name, Config::load(schema, {}, {}));
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Entry& e : entries_) out.push_back(e.name);
    return out;
  }
  // "a, b, c", for messages that say what is accepted.
  std::string accepted() const {
    std::string out;
    for (const Entry& e : entries_) out += (out.empty() ? "" : ", ") + e.name;
    return out;
  }
  std::string description(const std::string& name) const {
    const Entry* e = find(name);
    return e ? e->description : "";
  }
  const std::vector<Entry>& entries() const { return entries_; }

  // Declares every implementation's own keys, in name order; each key has an effect only when
  // `choice_key` (the key that chooses the implementation) names its implementation.
  void declare_all(Schema& schema, const std::string& choice_key) const {
    for (const Entry& e : entries_) {
      if (!e.declare) continue;
      const std::size_t first = schema.params().size();
      e.declare(schema);
      for (std::size_t i = first; i < schema.params().size(); ++i)
        if (schema.params()[i].active_key.empty())
          schema.param(i).active_when(choice_key, {e.name});
    }
  }

 private:
  std::vector<Entry> entries_;
};

#define AIMCSIM_REGISTRY_CAT2(a, b) a##b
#define AIMCSIM_REGISTRY_CAT(a, b) AIMCSIM_REGISTRY_CAT2(a, b)
// Registers an implementation: AIMCSIM_REGISTER(SomeRegistry, {"name", "description", factory,
// declare}); at namespace scope in the implementation's file.
#define AIMCSIM_REGISTER(REGISTRY, ...)                                                    \
  static const bool AIMCSIM_REGISTRY_CAT(aimcsim_registered_, __LINE__) [[maybe_unused]] = \
      REGISTRY::instance().add(REGISTRY::Entry __VA_ARGS__)

}  // namespace aimcsim
