#include "platform/platform.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/interconnect/topology.hpp"
#include "sim/base/error.hpp"

namespace aimcsim {

void PlatformParams::declare(Schema& schema) {
  TileParams::declare(schema);
  LinkParams::declare(schema);
  NetworkParams::declare(schema);
  PmcaParams::declare(schema);
}

PlatformParams PlatformParams::from(const Config& cfg) {
  PlatformParams p{TileParams::from(cfg), LinkParams::from(cfg), PmcaParams::from(cfg),
                   NetworkParams::from(cfg)};
  if (p.tile.t_int_ns <= 0 && p.tile.input_encoding != "pwm")
    throw InputError(
        fmt::format("{}: tile.t_int: 'auto' derives the integration time from PWM; set "
                    "tile.input_encoding=pwm or give a time such as 128ns",
                    cfg.origin("tile.t_int")));
  return p;
}

PlatformParams PlatformParams::defaults() {
  return PlatformParams{TileParams::defaults(), LinkParams::defaults(), PmcaParams::defaults(),
                        NetworkParams::defaults()};
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
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const LayerSlot& s = slots[i];
    // Partial sums go to the PMCA only where it runs this layer's adapter.
    const bool pmca_reduces =
        adapters && s.rank > 0 && params.tile.reduction == "pmca" && pmca_at.at(i);
    TileParams tp = params.tile;
    if (!pmca_reduces) tp.reduction = "tile";
    const TileSplit split = split_layer(tp, s.rows_used, s.cols_used);
    if (s.shares_tile_of >= 0) {
      const std::size_t host = tile_of_.at(static_cast<std::size_t>(s.shares_tile_of));
      tile_of_.push_back(host);
      block_of_.push_back(tiles_[host]->add_block(s.rows_used, s.cols_used));
    } else {
      tile_of_.push_back(tiles_.size());
      block_of_.push_back(0);
      tiles_.push_back(
          std::make_unique<Tile>(fmt::format("{}_tile{}", name, i).c_str(), tp, split));
    }
    partial_sums_.push_back(pmca_reduces ? split.row_blocks() : 1);
    links_.emplace_back();
    ports_.emplace_back();
    pmcas_.emplace_back();
    if (pmca_at.at(i)) {
      if (shared)
        ports_.back() = std::make_unique<NetworkPort>(
            fmt::format("{}_port{}", name, i).c_str(), *network_, placement_.tiles[i].back(),
            std::vector<std::size_t>{placement_.pmcas[i]});
      else
        links_.back() = std::make_unique<Link>(fmt::format("{}_link{}", name, i).c_str(),
                                               group_link(params.link, s.clusters));
      if (!shared && adapters && s.rank > 0) {
        x_links_.resize(i + 1);
        x_links_[i] = std::make_unique<Link>(fmt::format("{}_xlink{}", name, i).c_str(),
                                             group_link(params.link, s.clusters));
      }
      pmcas_.back() = std::make_unique<Pmca>(fmt::format("{}_pmca{}", name, i).c_str(), params.pmca,
                                             s.in, s.out, s.rank, s.clusters, partial_sums_.back());
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
      inputs_[i] = std::make_unique<NetworkPort>(fmt::format("{}_input{}", name, i).c_str(),
                                                 *network_, src, dsts);
    }
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

double Platform::static_power_mw() const {
  return static_cast<double>(physical_tiles()) * params_.tile.p_static_mw +
         static_cast<double>(pmca_count_) * params_.pmca.p_static_mw;
}

}  // namespace aimcsim
