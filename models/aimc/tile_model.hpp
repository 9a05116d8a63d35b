#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "models/aimc/tile_params.hpp"
#include "sim/base/config.hpp"
#include "sim/base/energy.hpp"
#include "sim/base/registry.hpp"

namespace aimcsim {

// The cost model of one AIMC crossbar tile: how long an MVM's stages take, what an MVM costs in
// energy, and what programming the weights costs, from the tile's parameters. Chosen by
// `tile.model`; each implementation is one file (models/aimc/*.cpp) that registers itself and may
// declare keys of its own (tile.<name>.*). The SystemC tile (models/aimc/tile.hpp), the mapper and
// the analytic twins use only this interface.
class TileModel {
 public:
  virtual ~TileModel() = default;
  // Contract: stage durations (stream-in, integration, conversion, post-processing, stream-out)
  // of one MVM that uses rows_used x cols_used of the crossbar (1 <= rows_used <= p.rows,
  // 1 <= cols_used <= p.cols), and whether the stream stages share a port; `reduce` is left 0
  // (layer_stages adds it).
  virtual MvmStages mvm_stages(const TileParams& p, std::int64_t rows_used,
                               std::int64_t cols_used) const = 0;
  // Contract: dynamic energy of one such MVM, by component ("aimc.dac", "aimc.adc", ...), pJ.
  virtual EnergyBreakdown mvm_energy(const TileParams& p, std::int64_t rows_used,
                                     std::int64_t cols_used) const = 0;
  // Contract: time and energy to program rows_used x cols_used cells of one tile.
  virtual ProgramCost program(const TileParams& p, std::int64_t rows_used,
                              std::int64_t cols_used) const = 0;
};

// Tile models by name; the factory reads the model's own keys from a validated config.
using TileModelRegistry = Registry<TileModel, const Config&>;

// The tile's model applied to one MVM (p.cost_model()).
MvmStages mvm_stages(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used);
EnergyBreakdown mvm_energy(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used);
ProgramCost program_cost(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used);

// Stages of one token through all tiles of a layer working in lock-step: the largest block
// (the first) sets every stage, plus the reduction stage when tile.reduction is "tile" (the
// accumulating tile of each column block adds the other row blocks' partial sums at the
// post-processing throughput).
MvmStages layer_stages(const TileParams& p, const TileSplit& s);
// Energy of one token through every tile of a layer, plus the tile-side reduction
// ((row_blocks - 1) x out additions at e_post each) when tile.reduction is "tile".
EnergyBreakdown layer_mvm_energy(const TileParams& p, const TileSplit& s);

}  // namespace aimcsim
