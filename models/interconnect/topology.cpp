#include "models/interconnect/topology.hpp"

namespace aimcsim {

std::vector<MeshCoord> Topology::place(std::size_t nodes, const NetworkParams& p) const {
  const std::int64_t cols = p.mesh_cols > 0 ? p.mesh_cols : auto_mesh_cols(nodes);
  return snake_path(nodes, cols);
}

std::shared_ptr<const Topology> default_topology(const std::string& name) {
  Schema schema;
  if (const auto* e = TopologyRegistry::instance().find(name); e && e->declare) e->declare(schema);
  return TopologyRegistry::instance().create(name, Config::load(schema, {}, {}));
}

}  // namespace aimcsim
