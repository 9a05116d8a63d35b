#pragma once
#include <memory>
#include <string>
#include <vector>

#include "models/aimc/tile.hpp"
#include "models/interconnect/link.hpp"
#include "models/riscv/pmca.hpp"
#include "sim/config.hpp"

namespace aimcsim {

// Parameters of the whole accelerator: one tile model, one link model and one PMCA model.
struct PlatformParams {
  TileParams tile;
  LinkParams link;
  PmcaParams pmca;

  static void declare(Schema& schema);
  static PlatformParams from(const Config& cfg);
  static PlatformParams defaults();
};

// What one tile / link / PMCA slot of the platform holds: a weight block and its adapter.
struct LayerSlot {
  std::int64_t rows_used = 0, cols_used = 0;  // weight block on the tile
  std::int64_t in = 0, out = 0, rank = 0;     // the layer the PMCA adapts
};

// One instance of the hardware as SystemC modules: a tile per slot and, where `pmca_at[slot]`,
// a link and a PMCA beside it (AHWA-LoRA pairs every tile with a PMCA; the analog-only baseline
// keeps only the PMCAs that run digital operators).
class Platform {
 public:
  Platform(const std::string& name, const PlatformParams& params, const std::vector<LayerSlot>& slots,
           const std::vector<bool>& pmca_at);
  Tile& tile(std::size_t slot) { return *tiles_.at(slot); }
  Link& link(std::size_t slot) { return *links_.at(slot); }
  Pmca& pmca(std::size_t slot) { return *pmcas_.at(slot); }
  bool has_pmca(std::size_t slot) const { return pmcas_.at(slot) != nullptr; }
  std::size_t tiles() const { return tiles_.size(); }
  std::size_t pmcas() const { return count_; }
  std::size_t links() const { return count_; }
  // Leakage power of everything instantiated, mW.
  double static_power_mw() const;

 private:
  PlatformParams params_;
  std::vector<std::unique_ptr<Tile>> tiles_;
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<std::unique_ptr<Pmca>> pmcas_;
  std::size_t count_ = 0;
};

}  // namespace aimcsim
