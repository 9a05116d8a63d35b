#include "sim/base/schema_registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace aimcsim {

SchemaRegistry& SchemaRegistry::instance() {
  static SchemaRegistry registry;
  return registry;
}

bool SchemaRegistry::add(Section section) {
  for (const Section& s : sections_)
    if (s.name == section.name || s.rank == section.rank)
      throw std::logic_error("config section registered twice: " + section.name);
  const auto at = std::lower_bound(sections_.begin(), sections_.end(), section.rank,
                                   [](const Section& s, int rank) { return s.rank < rank; });
  sections_.insert(at, std::move(section));
  return true;
}

Schema SchemaRegistry::build() const {
  Schema schema;
  for (const Section& s : sections_) s.declare(schema);
  return schema;
}

}  // namespace aimcsim
