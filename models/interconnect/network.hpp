#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "sim/base/params.hpp"
#include "sim/base/units.hpp"
#include "sim/engine/engine.hpp"

namespace aimcsim {

class Topology;

// The interconnect: its topology, chosen by name (models/interconnect/topology.hpp), and the
// shared links of a bus or mesh. `p2p` keeps one dedicated link per tile-PMCA pair
// (LinkParams); `bus` and `mesh` carry every transfer of the platform over shared links.
struct NetworkParams : Params<NetworkParams> {
  std::string topology;          // a TopologyRegistry name: p2p, bus, mesh
  std::int64_t link_width_bits;  // bus / mesh link width
  double link_freq_hz;           // bus / mesh link clock
  double hop_latency_ns;         // per router traversed (mesh) or per bus arbitration
  bool multicast;                // one transfer reaches several destinations (bus, mesh)
  std::int64_t mesh_cols;        // mesh width in nodes; 0 = auto (square)

  // The topology named by `topology` (set by from() and defaults()).
  std::shared_ptr<const Topology> topology_impl;

  double bandwidth_Bps() const { return static_cast<double>(link_width_bits) / 8.0 * link_freq_hz; }
  const Topology& topo() const;
  // Switches to topology `name` with its own keys at their defaults.
  void set_topology(const std::string& name);
  static void bind(ParamBinder<NetworkParams>& b);
  static NetworkParams from(const Config& cfg);
};

// A node's position on the 2-D mesh.
struct MeshCoord {
  std::int64_t x = 0, y = 0;
  bool operator==(const MeshCoord& o) const { return x == o.x && y == o.y; }
};

// Node coordinates along a snake (boustrophedon) path over a mesh `cols` wide: consecutive
// nodes are neighbours.
std::vector<MeshCoord> snake_path(std::size_t nodes, std::int64_t cols);
// Width of an `auto` mesh for `nodes` nodes: ceil(sqrt(nodes)).
std::int64_t auto_mesh_cols(std::size_t nodes);

// The shared links of a bus or a 2-D mesh, routed by the topology. Each link (router-to-router,
// a node's injection and ejection ports, or the bus) has a busy-until time, so transfers that
// share a link serialise. A transfer is cut-through: it reserves every link of its route (or
// multicast tree) for its serialisation time, link k from `k` hop latencies after its start,
// and starts when all of them are free; it arrives after hops x hop latency + serialisation.
// Simplification: no packetisation, flow control or virtual channels; links are granted in the
// order transfers are issued.
class Network {
 public:
  Network(const NetworkParams& params, double e_per_bit_pj, std::vector<MeshCoord> nodes);

  struct Transfer {
    Picos start = 0, end = 0;
    std::int64_t hops = 0;  // routers traversed to the farthest destination
    double energy_pj = 0;
  };
  // Sends `bytes` from node `src` to every node in `dsts` no earlier than `ready`: one multicast
  // when enabled, else one unicast per destination in order.
  Transfer send(std::size_t src, const std::vector<std::size_t>& dsts, std::int64_t bytes,
                Picos ready);

  // A link a transfer reserves, `depth` hop latencies after the transfer's start.
  struct Hop {
    std::size_t link;
    std::int64_t depth;
  };
  // The kinds of link a topology builds routes from: router-to-router in each direction, a
  // node's injection and ejection ports, and a bus.
  enum LinkKind : std::int64_t { kEast, kWest, kNorth, kSouth, kInject, kEject, kBus };
  // The id of the link of `kind` at `at`, created (with `name`) when first used.
  std::size_t link(std::int64_t kind, const MeshCoord& at, const std::string& name);

  struct LinkStats {
    std::string name;
    std::int64_t bytes = 0;
    std::int64_t transfers = 0;
    Picos busy = 0;
    double energy_pj = 0;
  };
  // Links that carried traffic, in creation order.
  const std::vector<LinkStats>& links() const { return stats_; }
  const NetworkParams& params() const { return params_; }
  const MeshCoord& coord(std::size_t node) const { return nodes_.at(node); }

 private:
  Transfer reserve(const std::vector<Hop>& route, std::int64_t bytes, Picos ready);

  NetworkParams params_;
  double e_per_bit_pj_;
  std::vector<MeshCoord> nodes_;
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t>, std::size_t> index_;
  std::vector<Picos> free_;
  std::vector<LinkStats> stats_;
};

// The SystemC face of one fixed route: a job is a transfer of `bytes` from `src` to `dsts`
// over the shared network.
class NetworkPort : public Resource {
 public:
  NetworkPort(const std::string& name, Network& network, std::size_t src,
              std::vector<std::size_t> dsts);
  Timing issue(Job& job, Picos now) override;
  std::int64_t bytes_moved() const { return bytes_; }

 private:
  Network& network_;
  std::size_t src_;
  std::vector<std::size_t> dsts_;
  std::int64_t bytes_ = 0;
};

}  // namespace aimcsim
