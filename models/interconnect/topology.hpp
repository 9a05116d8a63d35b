#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/interconnect/network.hpp"
#include "sim/base/config.hpp"
#include "sim/base/registry.hpp"

namespace aimcsim {

// How the tiles and PMCAs of a platform are connected. Chosen by `interconnect.topology`; each
// implementation is one file (models/interconnect/topology_*.cpp) that registers itself and may
// declare keys of its own. A topology either gives each tile-PMCA pair a dedicated link (the
// platform builds a Link per pair, and a layer's input is taken as already in place) or routes
// every transfer over links that all transfers share (a Network of busy-until links).
class Topology {
 public:
  virtual ~Topology() = default;
  // Contract: true when transfers share the links of a Network (then route() is used, and each
  // layer's input also travels over it); false for dedicated tile-PMCA links.
  virtual bool shared() const = 0;
  // Contract: the links a transfer from node `src` to every node of `dsts` reserves, each once,
  // with its depth in hop latencies after the transfer's start (the deepest is the arrival's);
  // links are found or created with net.link(). Only called when shared().
  virtual std::vector<Network::Hop> route(Network& net, std::size_t src,
                                          const std::vector<std::size_t>& dsts) const = 0;
  // Contract: hop latencies between a layer's last tile and its PMCA placed next to it, for the
  // analytic twin's tile-to-PMCA transfer.
  virtual std::int64_t twin_hops() const = 0;
  // Contract: the coordinates of `nodes` nodes given in placement order (a layer's tiles, then its
  // PMCA, layer after layer), such that consecutive nodes are neighbours where the topology has a
  // notion of distance.
  virtual std::vector<MeshCoord> place(std::size_t nodes, const NetworkParams& p) const;
};

// Topologies by name; the factory reads the topology's own keys from a validated config.
using TopologyRegistry = Registry<Topology, const Config&>;

}  // namespace aimcsim
