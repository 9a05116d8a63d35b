#include "models/interconnect/topology.hpp"

namespace aimcsim {
namespace {

// One bus that every transfer of the platform shares: one arbitration (a hop latency), then
// the transfer holds the bus for its serialisation.
class Bus final : public Topology {
 public:
  bool shared() const override { return true; }
  std::vector<Network::Hop> route(Network& net, std::size_t,
                                  const std::vector<std::size_t>&) const override {
    return {{net.link(Network::kBus, {0, 0}, "bus"), 1}};
  }
  std::int64_t twin_hops() const override { return 1; }
};

}  // namespace

AIMCSIM_REGISTER(TopologyRegistry,
                 {"bus", "one shared bus",
                  [](const Config&) { return std::unique_ptr<Topology>(new Bus()); }, nullptr});

}  // namespace aimcsim
