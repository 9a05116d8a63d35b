#include "models/interconnect/topology.hpp"

namespace aimcsim {

std::vector<MeshCoord> Topology::place(std::size_t nodes, const NetworkParams& p) const {
  const std::int64_t cols = p.mesh_cols > 0 ? p.mesh_cols : auto_mesh_cols(nodes);
  return snake_path(nodes, cols);
}

}  // namespace aimcsim
