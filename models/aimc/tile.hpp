#pragma once
#include "models/aimc/tile_model.hpp"
#include "sim/engine.hpp"

namespace aimcsim {

// SystemC model of one AIMC tile holding one weight block (rows_used x cols_used of its
// crossbar). A job is a batch of `count` back-to-back MVMs, one per token; the stage pipeline
// carries over between batches, so chunking a sequence does not add bubbles.
class Tile : public Resource {
 public:
  Tile(const sc_core::sc_module_name& name, const TileParams& params, std::int64_t rows_used,
       std::int64_t cols_used);
  Timing issue(Job& job, Picos now) override;

  const MvmStages& stages() const { return stages_; }
  std::int64_t mvms() const { return mvms_; }

 private:
  TileParams params_;
  MvmStages stages_;
  EnergyBreakdown mvm_energy_;
  TilePipeline pipeline_;
  std::int64_t mvms_ = 0;
};

}  // namespace aimcsim
