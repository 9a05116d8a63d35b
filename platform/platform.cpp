#include "platform/platform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "models/interconnect/topology.hpp"
#include "sim/base/error.hpp"
#include "sim/base/schema_registry.hpp"

namespace aimcsim {

void PowerParams::bind(ParamBinder<PowerParams>& b) {
  using P = PowerParams;
  b.flag("power.gating", &P::gating, false)
      .desc(
          "gate idle tiles, PMCAs and p2p links after power.idle_threshold: no leakage while "
          "gated, a wake-up latency and energy when a job needs the unit again; false: every unit "
          "leaks for the whole run");
  b.quantity("power.idle_threshold", &P::idle_threshold_ns, Dimension::Time, "1us")
      .active_when("power.gating", {"true"})
      .range(0, 1e15)
      .desc("idle time after which a unit is gated (assumed)");
  b.quantity("power.tile_wake", &P::tile_wake_ns, Dimension::Time, "100ns")
      .active_when("power.gating", {"true"})
      .range(0, 1e12)
      .desc("wake-up latency of a gated tile, on the critical path of the job waking it (assumed)");
  b.quantity("power.tile_e_wake", &P::tile_e_wake_pj, Dimension::Energy, "1nJ")
      .active_when("power.gating", {"true"})
      .range(0, 1e15)
      .desc(
          "energy per tile wake-up (assumed: 1 us of the tile's 1 mW leakage, so gating pays off "
          "after the idle threshold)");
  b.quantity("power.pmca_wake", &P::pmca_wake_ns, Dimension::Time, "100ns")
      .active_when("power.gating", {"true"})
      .range(0, 1e12)
      .desc("wake-up latency of a gated PMCA (assumed)");
  b.quantity("power.pmca_e_wake", &P::pmca_e_wake_pj, Dimension::Energy, "2nJ")
      .active_when("power.gating", {"true"})
      .range(0, 1e15)
      .desc("energy per PMCA wake-up (assumed: 1 us of the cluster's 2 mW leakage)");
  b.quantity("power.link_wake", &P::link_wake_ns, Dimension::Time, "10ns")
      .active_when("power.gating", {"true"})
      .range(0, 1e12)
      .desc("wake-up latency of a gated p2p link (assumed)");
  b.quantity("power.link_e_wake", &P::link_e_wake_pj, Dimension::Energy, "0pJ")
      .active_when("power.gating", {"true"})
      .range(0, 1e15)
      .desc("energy per p2p link wake-up (assumed: 0, as the default link leakage)");
}

AIMCSIM_REGISTER_PARAMS(55, "power", PowerParams);

void PlatformParams::declare(Schema& schema) {
  TileParams::declare(schema);
  LinkParams::declare(schema);
  NetworkParams::declare(schema);
  PmcaParams::declare(schema);
  PowerParams::declare(schema);
  MemoryParams::declare(schema);
}

PlatformParams PlatformParams::from(const Config& cfg) {
  PlatformParams p{TileParams::from(cfg),    LinkParams::from(cfg),  PmcaParams::from(cfg),
                   NetworkParams::from(cfg), PowerParams::from(cfg), MemoryParams::from(cfg)};
  if (p.tile.t_int_ns <= 0 && p.tile.input_encoding != "pwm")
    throw InputError(
        fmt::format("{}: tile.t_int: 'auto' derives the integration time from PWM; set "
                    "tile.input_encoding=pwm or give a time such as 128ns",
                    cfg.origin("tile.t_int")));
  return p;
}

PlatformParams PlatformParams::defaults() {
  return PlatformParams{TileParams::defaults(),  LinkParams::defaults(),
                        PmcaParams::defaults(),  NetworkParams::defaults(),
                        PowerParams::defaults(), MemoryParams::defaults()};
}

LinkParams group_link(const LinkParams& link, std::int64_t clusters) {
  LinkParams l = link;
  l.bandwidth_Bps *= static_cast<double>(std::max<std::int64_t>(1, clusters));
  return l;
}

Placement snake_placement(const PlatformParams& p, const std::vector<LayerSlot>& slots,
                          bool with_pmcas) {
  Placement pl;
  std::size_t n = 0;
  for (const LayerSlot& s : slots) {
    std::vector<std::size_t> ids;
    if (s.shares_tile_of >= 0) {
      ids = pl.tiles.at(static_cast<std::size_t>(s.shares_tile_of));  // a packed tile: same node
    } else {
      for (std::int64_t k = 0; k < split_layer(p.tile, s.rows_used, s.cols_used).tiles(); ++k)
        ids.push_back(n++);
    }
    pl.tiles.push_back(ids);
    if (with_pmcas) pl.pmcas.push_back(n++);
  }
  pl.nodes = p.net.topo().place(n, p.net);
  return pl;
}

Platform::Platform(const std::string& name, const PlatformParams& params,
                   const std::vector<LayerSlot>& slots, const std::vector<bool>& pmca_at,
                   bool adapters, const Placement* placement)
    : params_(params), slots_(slots) {
  const bool shared = params.net.topo().shared();
  const bool any_pmca = std::find(pmca_at.begin(), pmca_at.end(), true) != pmca_at.end();
  if (shared) {
    placement_ = placement ? *placement : snake_placement(params, slots, any_pmca);
    network_ = std::make_unique<Network>(params.net, params.link.e_per_bit_pj, placement_.nodes);
  }
  // "<name>_<kind><slot>", e.g. hybrid_tile3.
  const auto unit_name = [&name](const char* kind, std::size_t slot) {
    return name + "_" + kind + std::to_string(slot);
  };
  // The units share their parameters: the tiles those of their reduction (where partial sums
  // are added), the PMCAs one set.
  TileParams tile_reduces = params.tile;
  tile_reduces.reduction = "tile";
  const auto tiles_reduce = std::make_shared<const TileParams>(tile_reduces);
  const auto pmcas_reduce = std::make_shared<const TileParams>(params.tile);
  const auto pmca_params = std::make_shared<const PmcaParams>(params.pmca);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const LayerSlot& s = slots[i];
    // Partial sums go to the PMCA only where it runs this layer's adapter.
    const bool pmca_reduces =
        adapters && s.rank > 0 && params.tile.reduction == "pmca" && pmca_at.at(i);
    const std::shared_ptr<const TileParams>& tp = pmca_reduces ? pmcas_reduce : tiles_reduce;
    const TileSplit split = split_layer(*tp, s.rows_used, s.cols_used);
    if (s.shares_tile_of >= 0) {
      const std::size_t host = tile_of_.at(static_cast<std::size_t>(s.shares_tile_of));
      tile_of_.push_back(host);
      block_of_.push_back(tiles_[host]->add_block(s.rows_used, s.cols_used));
    } else {
      tile_of_.push_back(tiles_.size());
      block_of_.push_back(0);
      tiles_.push_back(std::make_unique<Tile>(unit_name("tile", i), tp, split));
    }
    partial_sums_.push_back(pmca_reduces ? split.row_blocks() : 1);
    links_.emplace_back();
    ports_.emplace_back();
    pmcas_.emplace_back();
    if (pmca_at.at(i)) {
      if (shared)
        ports_.back() = std::make_unique<NetworkPort>(
            unit_name("port", i), *network_, placement_.tiles[i].back(),
            std::vector<std::size_t>{placement_.pmcas[i]});
      else
        links_.back() =
            std::make_unique<Link>(unit_name("link", i), group_link(params.link, s.clusters));
      if (!shared && adapters && s.rank > 0) {
        x_links_.resize(i + 1);
        x_links_[i] =
            std::make_unique<Link>(unit_name("xlink", i), group_link(params.link, s.clusters));
      }
      pmcas_.back() = std::make_unique<Pmca>(unit_name("pmca", i), pmca_params, s.in, s.out, s.rank,
                                             s.clusters, partial_sums_.back());
      pmca_count_ += static_cast<std::size_t>(s.clusters);
      ++link_count_;
    }
    if (shared && i > 0) {
      // The previous layer's result (from its PMCA, or its last tile) to this layer's tiles and
      // PMCA.
      const bool prev_pmca = pmca_at.at(i - 1) && adapters;
      const std::size_t src = prev_pmca ? placement_.pmcas[i - 1] : placement_.tiles[i - 1].back();
      std::vector<std::size_t> dsts = placement_.tiles[i];
      if (pmca_at.at(i) && adapters) dsts.push_back(placement_.pmcas[i]);
      inputs_.resize(i + 1);
      inputs_[i] = std::make_unique<NetworkPort>(unit_name("input", i), *network_, src, dsts);
    }
  }
  // Leakage and gating per unit: a layer's group of tiles or clusters leaks and wakes as one.
  const PowerParams& pw = params.power;
  auto gate = [&](double wake_ns, double e_wake_pj, double units) {
    return Resource::PowerGate{pw.gating, ns_to_ps(pw.idle_threshold_ns), ns_to_ps(wake_ns),
                               e_wake_pj * units};
  };
  for (const auto& t : tiles_) {
    const double n = static_cast<double>(t->tiles());
    t->set_power(n * params.tile.p_static_mw, gate(pw.tile_wake_ns, pw.tile_e_wake_pj, n));
    gated_.push_back(t.get());
  }
  for (const auto& c : pmcas_) {
    if (!c) continue;
    const double n = static_cast<double>(c->clusters());
    c->set_power(n * params.pmca.p_static_mw, gate(pw.pmca_wake_ns, pw.pmca_e_wake_pj, n));
    gated_.push_back(c.get());
  }
  for (const auto* group : {&links_, &x_links_})
    for (const auto& l : *group) {
      if (!l) continue;
      l->set_power(params.link.p_static_mw, gate(pw.link_wake_ns, pw.link_e_wake_pj, 1));
      gated_.push_back(l.get());
    }
}

Resource& Platform::tile_to_pmca(std::size_t slot) {
  if (ports_.at(slot)) return *ports_.at(slot);
  return *links_.at(slot);
}

std::int64_t Platform::tile_to_pmca_bytes_per_token(std::size_t slot) const {
  return partial_sums_.at(slot) * output_bytes(params_.tile, slots_.at(slot).out);
}

std::int64_t Platform::input_bytes_per_token(std::size_t slot) const {
  return output_bytes(params_.tile, slots_.at(slot).in);
}

std::size_t Platform::physical_tiles() const {
  std::size_t n = 0;
  for (const auto& t : tiles_) n += static_cast<std::size_t>(t->tiles());
  return n;
}

std::size_t Platform::links() const {
  if (network_) return network_->links().size();
  return link_count_;
}

namespace {
// Units of link hardware: the bus, a router per node of any other shared network, or the p2p
// links (X links included).
std::size_t link_units(const Network* net, const Placement& pl, std::size_t p2p_links) {
  if (!net) return p2p_links;
  return net->params().topology == "bus" ? 1 : pl.nodes.size();
}
}  // namespace

double Platform::static_power_mw() const {
  std::size_t p2p = 0;
  for (const auto* group : {&links_, &x_links_})
    for (const auto& l : *group) p2p += l ? 1 : 0;
  return static_cast<double>(physical_tiles()) * params_.tile.p_static_mw +
         static_cast<double>(pmca_count_) * params_.pmca.p_static_mw +
         static_cast<double>(link_units(network_.get(), placement_, p2p)) *
             params_.link.p_static_mw;
}

GatingFigures Platform::gating(Picos span) const {
  GatingFigures g;
  const double static_mw = static_power_mw();
  g.ungated_pj = static_mw * ps_to_ns(span);
  double saved = 0;
  for (const Resource* r : gated_) {
    saved += r->leak_mw() * ps_to_ns(r->gated_ps(span));
    g.wakes += r->wakes();
  }
  g.leakage_pj = g.ungated_pj - saved;
  g.gated_fraction = g.ungated_pj > 0 ? saved / g.ungated_pj : 0;
  return g;
}

PlatformArea Platform::area() const {
  PlatformArea a;
  a.tile = tile_area(params_.tile);
  a.pmca = pmca_area(params_.pmca);
  const double node = params_.pmca.node_nm / 22.0;
  a.link = params_.link.area_mm2 * node * node;
  std::size_t p2p = 0;
  for (const auto* group : {&links_, &x_links_})
    for (const auto& l : *group) p2p += l ? 1 : 0;
  a.tiles = a.tile.total() * static_cast<double>(physical_tiles());
  a.pmcas = a.pmca.total() * static_cast<double>(pmca_count_);
  a.links = a.link * static_cast<double>(link_units(network_.get(), placement_, p2p));
  return a;
}

}  // namespace aimcsim
