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
                   bool with_pmcas)
    : params_(params) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const LayerSlot& s = slots[i];
    tiles_.push_back(std::make_unique<Tile>(fmt::format("{}_tile{}", name, i).c_str(), params.tile,
                                            s.rows_used, s.cols_used));
    if (with_pmcas) {
      links_.push_back(std::make_unique<Link>(fmt::format("{}_link{}", name, i).c_str(), params.link));
      pmcas_.push_back(std::make_unique<Pmca>(fmt::format("{}_pmca{}", name, i).c_str(), params.pmca,
                                              s.in, s.out, s.rank));
    }
  }
}

double Platform::static_power_mw() const {
  return static_cast<double>(tiles_.size()) * params_.tile.p_static_mw +
         static_cast<double>(pmcas_.size()) * params_.pmca.p_static_mw;
}

}  // namespace aimcsim
