#include <fmt/format.h>

#include "models/interconnect/topology.hpp"

namespace aimcsim {
namespace {

// A 2-D mesh with dimension-ordered (XY) routing: the source's injection port, router-to-router
// links along X then Y, and the destination's ejection port; a multicast reserves the union of
// its unicast routes (a tree). Every link a transfer reserves, the injection and ejection ports
// included, costs interconnect.energy_per_bit for each bit it carries.
class Mesh final : public Topology {
 public:
  bool shared() const override { return true; }

  std::vector<Network::Hop> route(Network& net, std::size_t src,
                                  const std::vector<std::size_t>& dsts) const override {
    std::vector<Network::Hop> hops;
    auto add = [&](std::size_t l, std::int64_t depth) {
      for (const Network::Hop& h : hops)
        if (h.link == l) return;
      hops.push_back({l, depth});
    };
    const MeshCoord s = net.coord(src);
    add(net.link(Network::kInject, s, fmt::format("inject({},{})", s.x, s.y)), 0);
    for (std::size_t d : dsts) {
      const MeshCoord t = net.coord(d);
      MeshCoord at = s;
      std::int64_t depth = 1;  // the source router
      auto step = [&](std::int64_t kind, MeshCoord next) {
        add(net.link(kind, at, fmt::format("({},{})->({},{})", at.x, at.y, next.x, next.y)),
            depth++);
        at = next;
      };
      while (at.x != t.x)
        step(t.x > at.x ? Network::kEast : Network::kWest, {at.x + (t.x > at.x ? 1 : -1), at.y});
      while (at.y != t.y)
        step(t.y > at.y ? Network::kNorth : Network::kSouth, {at.x, at.y + (t.y > at.y ? 1 : -1)});
      add(net.link(Network::kEject, t, fmt::format("eject({},{})", t.x, t.y)), depth);
    }
    return hops;
  }

  // The PMCA is the next node: the source router and its own.
  std::int64_t twin_hops() const override { return 2; }
};

}  // namespace

AIMCSIM_REGISTER(TopologyRegistry,
                 {"mesh", "2-D mesh with XY routing",
                  [](const Config&) { return std::unique_ptr<Topology>(new Mesh()); }, nullptr});

}  // namespace aimcsim
