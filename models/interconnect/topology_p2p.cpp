#include <stdexcept>

#include "models/interconnect/topology.hpp"

namespace aimcsim {
namespace {

// A dedicated link per tile-PMCA pair (interconnect.bandwidth, .latency; a group of PMCAs has one
// link each). Simplification: a layer's input is taken as already in place.
class PointToPoint final : public Topology {
 public:
  bool shared() const override { return false; }
  std::vector<Network::Hop> route(Network&, std::size_t,
                                  const std::vector<std::size_t>&) const override {
    throw std::logic_error("p2p has no shared links to route over");
  }
  std::int64_t twin_hops() const override { return 0; }
};

}  // namespace

AIMCSIM_REGISTER(TopologyRegistry,
                 {"p2p", "a dedicated link per tile-PMCA pair",
                  [](const Config&) { return std::unique_ptr<Topology>(new PointToPoint()); },
                  nullptr});

}  // namespace aimcsim
