#include "models/riscv/gemm_engine.hpp"

namespace aimcsim {

std::shared_ptr<const GemmEngine> default_gemm_engine(const std::string& name) {
  Schema schema;
  if (const auto* e = GemmEngineRegistry::instance().find(name); e && e->declare)
    e->declare(schema);
  return GemmEngineRegistry::instance().create(name, Config::load(schema, {}, {}));
}

}  // namespace aimcsim
