#include "models/interconnect/network.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "models/interconnect/topology.hpp"
#include "sim/base/schema_registry.hpp"

namespace aimcsim {

void NetworkParams::bind(ParamBinder<NetworkParams>& b) {
  using P = NetworkParams;
  std::string topologies;
  for (const auto& e : TopologyRegistry::instance().entries())
    topologies += (topologies.empty() ? "" : "; ") + e.name + ": " + e.description;
  b.choice("interconnect.topology", &P::topology, TopologyRegistry::instance().names(), "p2p")
      .desc(topologies);
  b.declare(
      [](Schema& s) { TopologyRegistry::instance().declare_all(s, "interconnect.topology"); });
  b.integer("interconnect.link_width_bits", &P::link_width_bits, 256)
      .active_unless("interconnect.topology", {"p2p"})
      .range(1, 65536)
      .desc("bus / mesh link width (assumed: 32 GB/s at 1 GHz, as the p2p default)");
  b.quantity("interconnect.link_freq", &P::link_freq_hz, Dimension::Frequency, "1GHz")
      .active_unless("interconnect.topology", {"p2p"})
      .range(1, 1e12)
      .desc("bus / mesh link clock (assumed)");
  b.quantity("interconnect.hop_latency", &P::hop_latency_ns, Dimension::Time, "1ns")
      .active_unless("interconnect.topology", {"p2p"})
      .range(0, 1e9)
      .desc(
          "latency per router traversed on the mesh, or per bus arbitration (assumed: one cycle)");
  b.flag("interconnect.multicast", &P::multicast, true)
      .active_unless("interconnect.topology", {"p2p"})
      .desc(
          "bus / mesh deliver one transfer to several destinations (the layer input to its tiles "
          "and PMCA); false: separate sends");
  b.integer("interconnect.mesh_cols", &P::mesh_cols, 0)
      .active_when("interconnect.topology", {"mesh"})
      .range(0, 65536)
      .desc("mesh width in nodes; 0: the smallest square that holds every tile and PMCA");
}

NetworkParams NetworkParams::from(const Config& cfg) {
  NetworkParams p = Params<NetworkParams>::from(cfg);
  p.topology_impl = TopologyRegistry::instance().create(p.topology, cfg);
  return p;
}

const Topology& NetworkParams::topo() const {
  if (!topology_impl)
    throw std::logic_error("NetworkParams without a topology: use from() or defaults()");
  return *topology_impl;
}

void NetworkParams::set_topology(const std::string& name) {
  topology = name;
  topology_impl = TopologyRegistry::instance().create_default(name);
}

std::int64_t auto_mesh_cols(std::size_t nodes) {
  std::int64_t c = 1;
  while (static_cast<std::size_t>(c * c) < nodes) ++c;
  return c;
}

std::vector<MeshCoord> snake_path(std::size_t nodes, std::int64_t cols) {
  std::vector<MeshCoord> out;
  out.reserve(nodes);
  for (std::size_t k = 0; k < nodes; ++k) {
    const std::int64_t row = static_cast<std::int64_t>(k) / cols,
                       col = static_cast<std::int64_t>(k) % cols;
    out.push_back({row % 2 == 0 ? col : cols - 1 - col, row});
  }
  return out;
}

Network::Network(const NetworkParams& params, double e_per_bit_pj, std::vector<MeshCoord> nodes)
    : params_(params), e_per_bit_pj_(e_per_bit_pj), nodes_(std::move(nodes)) {}

std::size_t Network::link(std::int64_t kind, const MeshCoord& at, const std::string& name) {
  const auto key = std::make_tuple(kind, at.x, at.y);
  const auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  index_.emplace(key, free_.size());
  free_.push_back(0);
  stats_.push_back(LinkStats{name, 0, 0, 0, 0});
  return free_.size() - 1;
}

Network::Transfer Network::reserve(const std::vector<Hop>& route, std::int64_t bytes, Picos ready) {
  const Picos hop = ns_to_ps(params_.hop_latency_ns);
  const Picos ser = ns_to_ps(static_cast<double>(bytes) * 1e9 / params_.bandwidth_Bps());
  Transfer t;
  t.start = ready;
  for (const Hop& h : route) t.start = std::max(t.start, free_[h.link] - h.depth * hop);
  const double bits = 8.0 * static_cast<double>(bytes);
  for (const Hop& h : route) {
    t.hops = std::max(t.hops, h.depth);
    free_[h.link] = t.start + h.depth * hop + ser;
    LinkStats& s = stats_[h.link];
    s.bytes += bytes;
    ++s.transfers;
    s.busy += ser;
    // Every link reserved carries the bits once: a port's wire as much as a router-to-router one.
    const double e = bits * e_per_bit_pj_;
    s.energy_pj += e;
    t.energy_pj += e;
  }
  t.end = t.start + t.hops * hop + ser;
  return t;
}

Network::Transfer Network::send(std::size_t src, const std::vector<std::size_t>& dsts,
                                std::int64_t bytes, Picos ready) {
  if (params_.multicast || dsts.size() <= 1)
    return reserve(params_.topo().route(*this, src, dsts), bytes, ready);
  Transfer all{ready, ready, 0, 0};
  bool first = true;
  for (std::size_t d : dsts) {
    const Transfer t = reserve(params_.topo().route(*this, src, {d}), bytes, ready);
    all.start = first ? t.start : std::min(all.start, t.start);
    all.end = std::max(all.end, t.end);
    all.hops = std::max(all.hops, t.hops);
    all.energy_pj += t.energy_pj;
    first = false;
  }
  return all;
}

NetworkPort::NetworkPort(const std::string& name, Network& network, std::size_t src,
                         std::vector<std::size_t> dsts)
    : Resource(name, "transfer"), network_(network), src_(src), dsts_(std::move(dsts)) {}

Resource::Timing NetworkPort::issue(Job& job, Picos now) {
  const Network::Transfer t = network_.send(src_, dsts_, job.bytes, now);
  bytes_ += job.bytes;
  static const EnergyComponent kLinkEnergy = energy_component("link");
  job.energy.add(kLinkEnergy, t.energy_pj);
  return {t.start, t.end};
}

AIMCSIM_REGISTER_PARAMS(40, "interconnect", NetworkParams);

}  // namespace aimcsim
