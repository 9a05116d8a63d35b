#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sim/base/params.hpp"
#include "sim/base/units.hpp"
#include "sim/engine/engine.hpp"

namespace aimcsim {

// The interconnect topology and its links. `p2p` keeps one dedicated link per tile-PMCA pair
// (LinkParams); `bus` and `mesh` carry every transfer of the platform over shared links.
struct NetworkParams : Params<NetworkParams> {
  std::string topology;          // p2p, bus, mesh
  std::int64_t link_width_bits;  // bus / mesh link width
  double link_freq_hz;           // bus / mesh link clock
  double hop_latency_ns;         // per router traversed (mesh) or per bus arbitration
  bool multicast;                // one transfer reaches several destinations (bus, mesh)
  std::int64_t mesh_cols;        // mesh width in nodes; 0 = auto (square)

  double bandwidth_Bps() const { return static_cast<double>(link_width_bits) / 8.0 * link_freq_hz; }
  static void bind(ParamBinder<NetworkParams>& b);
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

// A shared bus or a 2-D mesh with dimension-ordered (XY) routing. Each link (router-to-router,
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
  struct Hop {
    std::size_t link;
    std::int64_t depth;  // hop latencies after the transfer's start
  };
  Transfer reserve(const std::vector<Hop>& route, std::int64_t bytes, Picos ready);
  std::vector<Hop> route(std::size_t src, const std::vector<std::size_t>& dsts);
  std::size_t link(std::int64_t kind, const MeshCoord& at, const std::string& name);

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
  NetworkPort(const sc_core::sc_module_name& name, Network& network, std::size_t src,
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
