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

// One instance of the hardware as SystemC modules: a tile per slot and, in the hybrid design,
// a link and a PMCA beside each tile (AHWA-LoRA pairs every tile with a PMCA).
class Platform {
 public:
  Platform(const std::string& name, const PlatformParams& params, const std::vector<LayerSlot>& slots,
           bool with_pmcas);
  Tile& tile(std::size_t slot) { return *tiles_.at(slot); }
  Link& link(std::size_t slot) { return *links_.at(slot); }
  Pmca& pmca(std::size_t slot) { return *pmcas_.at(slot); }
  std::size_t tiles() const { return tiles_.size(); }
  std::size_t pmcas() const { return pmcas_.size(); }
  std::size_t links() const { return links_.size(); }
  // Leakage power of everything instantiated, mW.
  double static_power_mw() const;

 private:
  PlatformParams params_;
  std::vector<std::unique_ptr<Tile>> tiles_;
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<std::unique_ptr<Pmca>> pmcas_;
};

}  // namespace aimcsim
