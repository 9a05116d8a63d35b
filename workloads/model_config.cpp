#include "workloads/model_config.hpp"

#include <fmt/format.h>

#include "sim/base/error.hpp"
#include "workloads/config_fields.hpp"
#include "workloads/family.hpp"

namespace aimcsim {

ModelShape read_model_config(const std::string& json_text, const std::string& origin) {
  ConfigFields fields(json_text, origin);
  const FamilyRegistry& families = FamilyRegistry::instance();
  if (!fields.is_text("model_type"))
    throw InputError(fmt::format("{}: field 'model_type' is missing; accepted: {}", origin,
                                 families.accepted()));
  const std::string type = fields.text("model_type");
  if (!families.has(type))
    throw InputError(fmt::format("{}: model_type '{}' is not supported; accepted: {}", origin, type,
                                 families.accepted()));
  fields.set_context("model_type " + type);
  const auto family = families.create(type);
  ModelShape shape = family->read(fields);
  shape.name = origin;
  shape.family = type;
  shape.decoder = family->decoder();
  return shape;
}

}  // namespace aimcsim
