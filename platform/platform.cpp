#include "platform/platform.hpp"

#include <fmt/format.h>

namespace aimcsim {

void PlatformParams::declare(Schema& schema) {
  TileParams::declare(schema);
  LinkParams::declare(schema);
  PmcaParams::declare(schema);
}

PlatformParams PlatformParams::from(const Config& cfg) {
  return PlatformParams{TileParams::from(cfg), LinkParams::from(cfg), PmcaParams::from(cfg)};
}

PlatformParams PlatformParams::defaults() {
  return PlatformParams{TileParams::defaults(), LinkParams::defaults(), PmcaParams::defaults()};
}

Platform::Platform(const std::string& name, const PlatformParams& params, const std::vector<LayerSlot>& slots,
                   const std::vector<bool>& pmca_at)
    : params_(params) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const LayerSlot& s = slots[i];
    tiles_.push_back(std::make_unique<Tile>(fmt::format("{}_tile{}", name, i).c_str(), params.tile,
                                            s.rows_used, s.cols_used));
    links_.emplace_back();
    pmcas_.emplace_back();
    if (pmca_at.at(i)) {
      links_.back() = std::make_unique<Link>(fmt::format("{}_link{}", name, i).c_str(), params.link);
      pmcas_.back() = std::make_unique<Pmca>(fmt::format("{}_pmca{}", name, i).c_str(), params.pmca, s.in, s.out,
                                             s.rank);
      ++count_;
    }
  }
}

double Platform::static_power_mw() const {
  return static_cast<double>(tiles_.size()) * params_.tile.p_static_mw +
         static_cast<double>(count_) * params_.pmca.p_static_mw;
}

}  // namespace aimcsim
