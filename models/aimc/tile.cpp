#include "models/aimc/tile.hpp"

namespace aimcsim {

Tile::Tile(const sc_core::sc_module_name& name, const TileParams& params, std::int64_t rows_used,
           std::int64_t cols_used)
    : Resource(name, "aimc"),
      params_(params),
      stages_(mvm_stages(params, rows_used, cols_used)),
      mvm_energy_(mvm_energy(params, rows_used, cols_used)),
      pipeline_(params.pipelined()) {}

Resource::Timing Tile::issue(Job& job, Picos now) {
  const TilePipeline::Span span = pipeline_.run(now, job.count, stages_);
  for (const auto& [component, pj] : mvm_energy_.items())
    job.energy.add(component, pj * static_cast<double>(job.count));
  mvms_ += job.count;
  return {span.start, span.end};
}

}  // namespace aimcsim
