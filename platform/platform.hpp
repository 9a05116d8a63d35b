#pragma once
#include <memory>
#include <string>
#include <vector>

#include "models/aimc/tile.hpp"
#include "models/interconnect/link.hpp"
#include "models/interconnect/network.hpp"
#include "models/memory/memory.hpp"
#include "models/riscv/pmca.hpp"
#include "sim/base/config.hpp"

namespace aimcsim {

// Power gating of idle tiles, PMCAs and p2p links (Resource::PowerGate): off keeps every unit
// leaking for the whole run. Simplification: the links of a shared bus or mesh are not gated.
struct PowerParams : Params<PowerParams> {
  bool gating;
  double idle_threshold_ns;             // idle this long, a unit is gated
  double tile_wake_ns, tile_e_wake_pj;  // per tile
  double pmca_wake_ns, pmca_e_wake_pj;  // per cluster
  double link_wake_ns, link_e_wake_pj;  // per p2p link

  static void bind(ParamBinder<PowerParams>& b);
};

// Parameters of the whole accelerator: one tile model, one link model, the interconnect
// topology, one PMCA model and power gating.
struct PlatformParams {
  TileParams tile;
  LinkParams link;
  PmcaParams pmca;
  NetworkParams net;
  PowerParams power;
  MemoryParams memory;

  static void declare(Schema& schema);
  // Reads and cross-checks the platform keys; throws InputError naming the key.
  static PlatformParams from(const Config& cfg);
  static PlatformParams defaults();
};

// What one layer's slot of the platform holds: its weight matrix (on one or several tiles) and
// its adapter.
struct LayerSlot {
  std::int64_t rows_used = 0, cols_used = 0;  // weight matrix: layer inputs x outputs
  std::int64_t in = 0, out = 0, rank = 0;     // the layer the PMCA adapts
  std::int64_t clusters = 1;                  // PMCAs serving the layer together
  std::int64_t shares_tile_of = -1;           // >= 0: packed into the tile of that slot
};

// The point-to-point path between a layer's tiles and a group of `clusters` PMCAs: one link per
// PMCA, in parallel, so `clusters` times the bandwidth.
LinkParams group_link(const LinkParams& link, std::int64_t clusters);

// Mesh coordinates of every tile and PMCA: node ids per slot into `nodes`.
struct Placement {
  std::vector<MeshCoord> nodes;
  std::vector<std::vector<std::size_t>> tiles;  // per slot, row-major over its blocks
  std::vector<std::size_t> pmcas;               // per slot (hybrid design only)
};
// The placement: slots in order, each slot's tiles then its PMCA, at the coordinates the topology
// gives that order (a snake path on a mesh), so every PMCA is next to its layer's last tile and
// consecutive layers are neighbours.
Placement snake_placement(const PlatformParams& p, const std::vector<LayerSlot>& slots,
                          bool with_pmcas);

// Area of a platform, mm2 (models/README.md#area): one tile, one PMCA and one link (a mesh
// router, the bus) as built, and the sums over what the platform instantiates.
struct PlatformArea {
  TileArea tile;
  PmcaArea pmca;
  double link = 0;
  double tiles = 0, pmcas = 0, links = 0;  // summed
  double total() const { return tiles + pmcas + links; }
};

// Leakage and power gating over a run.
struct GatingFigures {
  double leakage_pj = 0;      // leakage of every unit, less what gating saved
  double ungated_pj = 0;      // the same without gating: static_power_mw() over the run
  std::int64_t wakes = 0;     // wake-ups of tiles, PMCAs and links
  double gated_fraction = 0;  // gated unit-time over all unit-time (by leakage power)
};

// One instance of the hardware as engine resources: the tiles of each slot and a PMCA beside them
// (AHWA-LoRA pairs every layer's tiles with a PMCA; the analog-only baseline keeps only the
// PMCAs that run digital operators), joined by the interconnect: dedicated tile-PMCA links
// (p2p), or ports onto a shared bus or mesh that also carry each layer's input from the
// previous layer.
class Platform {
 public:
  // `pmca_at[slot]`: whether the slot has a PMCA (and its path from the tiles). With
  // `adapters` false (the analog-only baseline) the PMCAs run no LoRA, so a layer's partial
  // sums are always added in its tiles.
  Platform(const std::string& name, const PlatformParams& params,
           const std::vector<LayerSlot>& slots, const std::vector<bool>& pmca_at, bool adapters,
           const Placement* placement = nullptr);
  Tile& tile(std::size_t slot) { return *tiles_.at(tile_of_.at(slot)); }
  // The block of the slot's layer on its tile (Job::part of its MVM jobs): 0 unless packed.
  int tile_block(std::size_t slot) const { return block_of_.at(slot); }
  // Every tile module once (a packed tile serves several slots).
  const std::vector<std::unique_ptr<Tile>>& tile_modules() const { return tiles_; }
  Link& link(std::size_t slot) { return *links_.at(slot); }  // p2p only
  Pmca& pmca(std::size_t slot) { return *pmcas_.at(slot); }
  bool has_pmca(std::size_t slot) const { return pmcas_.at(slot) != nullptr; }
  // The tiles' output path to the slot's PMCA.
  Resource& tile_to_pmca(std::size_t slot);
  // The path of slot's input from the previous slot (bus / mesh, slot >= 1), else nullptr.
  Resource* input(std::size_t slot) {
    return slot < inputs_.size() ? inputs_[slot].get() : nullptr;
  }
  // Point to point: the link that brings a slot's input X to the PMCA running its adapter (the
  // tiles have X in place), else nullptr (on a bus or mesh X reaches the PMCA with input()).
  Link* pmca_input(std::size_t slot) {
    return slot < x_links_.size() ? x_links_[slot].get() : nullptr;
  }
  // Bytes the tiles send to the PMCA per token (all partial sums when the PMCA reduces).
  std::int64_t tile_to_pmca_bytes_per_token(std::size_t slot) const;
  // Bytes of slot's input per token (FP16 activations).
  std::int64_t input_bytes_per_token(std::size_t slot) const;
  std::size_t slots() const { return slots_.size(); }
  std::size_t tiles() const {
    return tiles_.size();
  }  // tile modules (a layer's group, or a packed tile)
  std::size_t physical_tiles() const;
  std::size_t pmcas() const { return pmca_count_; }
  std::size_t links() const;
  const Network* network() const { return network_.get(); }
  const Placement& placement() const { return placement_; }
  // Leakage power of everything instantiated, mW.
  double static_power_mw() const;
  // Leakage over a run of `span` with the gated stretches taken out, and the wake-ups.
  GatingFigures gating(Picos span) const;
  PlatformArea area() const;

 private:
  PlatformParams params_;
  std::vector<LayerSlot> slots_;
  Placement placement_;
  std::unique_ptr<Network> network_;
  std::vector<std::unique_ptr<Tile>> tiles_;
  std::vector<std::size_t> tile_of_;  // per slot: index into tiles_
  std::vector<int> block_of_;         // per slot: block on that tile
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<std::unique_ptr<Link>> x_links_;  // per slot (p2p, adapters): X to the PMCA
  std::vector<std::unique_ptr<NetworkPort>> ports_;
  std::vector<std::unique_ptr<NetworkPort>> inputs_;
  std::vector<std::int64_t> partial_sums_;    // per slot: partial sums its tiles send to the PMCA
  std::vector<std::unique_ptr<Pmca>> pmcas_;  // nullptr where a slot has none
  std::size_t pmca_count_ = 0;                // clusters, summed over the slots
  std::size_t link_count_ = 0;
  std::vector<Resource*> gated_;  // tiles, PMCAs and p2p links, with their leakage
};

}  // namespace aimcsim
