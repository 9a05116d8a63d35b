#include "models/aimc/tile_model.hpp"

#include <cmath>

namespace aimcsim {

MvmStages mvm_stages(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used) {
  return p.cost_model().mvm_stages(p, rows_used, cols_used);
}

EnergyBreakdown mvm_energy(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used) {
  return p.cost_model().mvm_energy(p, rows_used, cols_used);
}

ProgramCost program_cost(const TileParams& p, std::int64_t rows_used, std::int64_t cols_used) {
  return p.cost_model().program(p, rows_used, cols_used);
}

MvmStages layer_stages(const TileParams& p, const TileSplit& s) {
  MvmStages st = mvm_stages(p, s.block_rows(0), s.block_cols(0));
  if (s.row_blocks() > 1 && p.reduction == "tile") {
    // Each column block's accumulating tile adds the other row blocks' partial sums.
    const double adds = static_cast<double>((s.row_blocks() - 1) * s.block_cols(0));
    st.reduce = ns_to_ps(cycles_to_ns(std::ceil(adds / p.post_outputs_per_cycle), p.post_freq_hz));
  }
  return st;
}

EnergyBreakdown layer_mvm_energy(const TileParams& p, const TileSplit& s) {
  static const EnergyComponent kReduce = energy_component("aimc.reduce");
  EnergyBreakdown e;
  for (std::int64_t i = 0; i < s.row_blocks(); ++i)
    for (std::int64_t j = 0; j < s.col_blocks(); ++j)
      e.add(mvm_energy(p, s.block_rows(i), s.block_cols(j)));
  if (s.row_blocks() > 1 && p.reduction == "tile")
    e.add(kReduce, p.e_post_pj * static_cast<double>((s.row_blocks() - 1) * s.out));
  return e;
}

}  // namespace aimcsim
