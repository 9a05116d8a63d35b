#include <algorithm>

#include "sim/schedule/strategy.hpp"

namespace aimcsim {
namespace {

// The PMCA computes X A from the same input while the tile computes X W, so only (X A) B and
// the add wait for X W. The PMCA works one chunk ahead on X A: down(0), down(1), up+add(0),
// down(2), up+add(1), ...
class Overlapped final : public Strategy {
 public:
  Progress schedule(JobGraph& g, const OpResources& r, const DepsFn& deps) const override {
    const auto sizes = chunk_sizes(r.tokens, r.chunk);
    std::vector<Job*> mvm(sizes.size()), move(sizes.size()), down(sizes.size());
    std::vector<std::int64_t> first(sizes.size());
    std::int64_t f = 0;
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      first[c] = f;
      f += sizes[c];
      mvm[c] = &add_tile_chunk(g, r.tile, r.op, r.tile_block, first[c], sizes[c], deps);
      move[c] = &add_xw_transfer(g, r, *mvm[c], sizes[c]);
    }
    auto add_down = [&](std::size_t c) {
      down[c] = &g.add(r.pmca, r.op, sizes[c]);
      down[c]->role = JobRole::LoraDown;
      depend_all(g, deps(first[c], first[c] + sizes[c]), *down[c]);
    };
    Progress out;
    add_down(0);
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      if (c + 1 < sizes.size()) add_down(c + 1);
      Job& up = add_lora_chunk(g, r, *down[c], sizes[c], JobRole::LoraUpAdd);
      g.depend(*move[c], up);
      out.push_back({first[c] + sizes[c], &up});
    }
    return out;
  }

  std::vector<Picos> analytic(
      const OpTiming& t,
      const std::function<Picos(std::int64_t, std::int64_t)>& release) const override {
    const auto sizes = chunk_sizes(t.tokens, t.chunk);
    const std::vector<Picos> rel = chunk_releases(sizes, release);
    const std::vector<Picos> arrived = link_arrivals(t, sizes, tile_chunk_ends(t, sizes, rel));
    // The PMCA's in-order queue: down(0), then per chunk down(c+1), up(c).
    std::vector<Picos> down_end(sizes.size()), out;
    Picos pmca = 0;
    auto run_down = [&](std::size_t c) {
      pmca = std::max(pmca, rel[c]) + t.pmca(sizes[c], JobRole::LoraDown);
      down_end[c] = pmca;
    };
    run_down(0);
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      if (c + 1 < sizes.size()) run_down(c + 1);
      pmca = std::max({pmca, arrived[c], down_end[c]}) + t.pmca(sizes[c], JobRole::LoraUpAdd);
      out.push_back(pmca);
    }
    return out;
  }
};

}  // namespace

AIMCSIM_REGISTER_STRATEGY("overlapped",
                          "the PMCA computes X A while the tile computes X W; only (X A) B waits",
                          Overlapped);

}  // namespace aimcsim
