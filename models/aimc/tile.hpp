#pragma once
#include <memory>

#include "models/aimc/tile_model.hpp"
#include "sim/engine/engine.hpp"

namespace aimcsim {

// SystemC model of the AIMC tiles that hold one layer's weights: one tile, or the row x column
// blocks of a layer larger than a tile, working in lock-step on the same tokens. Small layers
// can share one tile in disjoint row and column ranges (add_block); their MVMs then serialise on
// it. A job is a batch of `count` back-to-back MVMs of block `Job::block`, one per token; the stage
// pipeline carries over between batches, so chunking a sequence does not add bubbles (unless a
// shared stream port is the slowest stage: see TilePipeline).
// Simplification: the tiles of a layer share one timeline, set by the largest block (the others
// finish no later).
class Tile : public Resource {
 public:
  // One tile holding a rows_used x cols_used weight block.
  Tile(const std::string& name, const TileParams& params, std::int64_t rows_used,
       std::int64_t cols_used);
  // The tiles of a layer split as `split`.
  Tile(const std::string& name, const TileParams& params, const TileSplit& split);
  // The same, with parameters the tiles of a platform share.
  Tile(const std::string& name, std::shared_ptr<const TileParams> params, const TileSplit& split);
  Timing issue(Job& job, Picos now) override;
  // Another small layer packed into this (single) tile; returns its block index for Job::block.
  int add_block(std::int64_t rows_used, std::int64_t cols_used);
  std::size_t blocks() const { return 1 + extra_.size(); }

  const MvmStages& stages() const { return stages_; }
  const TileSplit& split() const { return split_; }
  std::int64_t tiles() const { return split_.tiles(); }
  // Tokens processed: each is one MVM on every tile of the layer.
  std::int64_t mvms() const { return mvms_; }
  // Busy time of each physical tile (they run in lock-step) over `span`, in [0, 1].
  double utilisation(Picos span) const;
  ProgramCost program() const;

 private:
  struct Block {
    std::int64_t rows, cols;
    MvmStages stages;
    EnergyBreakdown mvm_energy;
  };
  std::vector<Block> extra_;  // blocks 1.. of a shared tile
  std::shared_ptr<const TileParams> params_;
  TileSplit split_;
  MvmStages stages_;
  EnergyBreakdown mvm_energy_;
  TilePipeline pipeline_;
  std::int64_t mvms_ = 0;
};

}  // namespace aimcsim
