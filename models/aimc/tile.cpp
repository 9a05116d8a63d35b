#include "models/aimc/tile.hpp"

#include <utility>

namespace aimcsim {

Tile::Tile(const std::string& name, const TileParams& params, std::int64_t rows_used,
           std::int64_t cols_used)
    : Tile(name, params, TileSplit{rows_used, cols_used, rows_used, cols_used}) {}

Tile::Tile(const std::string& name, const TileParams& params, const TileSplit& split)
    : Tile(name, std::make_shared<const TileParams>(params), split) {}

Tile::Tile(const std::string& name, std::shared_ptr<const TileParams> params,
           const TileSplit& split)
    : Resource(name, "aimc"),
      params_(std::move(params)),
      split_(split),
      stages_(layer_stages(*params_, split)),
      mvm_energy_(layer_mvm_energy(*params_, split)),
      pipeline_(params_->pipelined()) {}

int Tile::add_block(std::int64_t rows_used, std::int64_t cols_used) {
  extra_.push_back({rows_used, cols_used, mvm_stages(*params_, rows_used, cols_used),
                    mvm_energy(*params_, rows_used, cols_used)});
  return static_cast<int>(extra_.size());
}

Resource::Timing Tile::issue(Job& job, Picos now) {
  const bool extra = job.block > 0 && static_cast<std::size_t>(job.block) <= extra_.size();
  const MvmStages& stages = extra ? extra_[job.block - 1].stages : stages_;
  const EnergyBreakdown& energy = extra ? extra_[job.block - 1].mvm_energy : mvm_energy_;
  const TilePipeline::Span span = pipeline_.run(now, job.count, stages);
  job.energy.add_scaled(energy, static_cast<double>(job.count));
  mvms_ += job.count;
  return {span.start, span.end};
}

double Tile::utilisation(Picos span) const {
  return span > 0 ? static_cast<double>(busy_ps()) / static_cast<double>(span) : 0;
}

ProgramCost Tile::program() const {
  ProgramCost c;
  for (std::int64_t i = 0; i < split_.row_blocks(); ++i)
    for (std::int64_t j = 0; j < split_.col_blocks(); ++j) {
      const ProgramCost b = program_cost(*params_, split_.block_rows(i), split_.block_cols(j));
      c.time += b.time;
      c.energy_pj += b.energy_pj;
    }
  for (const Block& b : extra_) {
    const ProgramCost e = program_cost(*params_, b.rows, b.cols);
    c.time += e.time;
    c.energy_pj += e.energy_pj;
  }
  return c;
}

}  // namespace aimcsim
