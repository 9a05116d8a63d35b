#include "sim/schedule/strategy.hpp"

namespace aimcsim {
namespace {

// The tile runs the whole layer, its output moves to the PMCA in one transfer, and only then
// does the PMCA process the adapters chunk by chunk (no overlap: the reference point for the
// pipelined strategies).
class Sequential final : public Strategy {
 public:
  Progress schedule(JobGraph& g, const OpResources& r, const DepsFn& deps) const override {
    Job& mvm = add_tile_chunk(g, r.tile, r.op, r.tile_block, 0, r.tokens, deps);
    Job& move = add_xw_transfer(g, r, mvm, r.tokens);
    Progress out;
    std::int64_t first = 0;
    for (std::int64_t n : chunk_sizes(r.tokens, r.chunk)) {
      Job& lora = add_lora_chunk(g, r, move, n);
      first += n;
      out.push_back({first, &lora});
    }
    return out;
  }

  std::vector<Picos> analytic(
      const OpTiming& t,
      const std::function<Picos(std::int64_t, std::int64_t)>& release) const override {
    const Picos tile_end = tile_chunk_ends(t, {t.tokens}, {release(0, t.tokens)}).back();
    Picos end = tile_end + t.transfer(t.tokens * t.out_bytes_per_token);
    std::vector<Picos> out;
    for (std::int64_t n : chunk_sizes(t.tokens, t.chunk)) {
      end += t.pmca(n, JobRole::Lora);
      out.push_back(end);
    }
    return out;
  }
};

}  // namespace

AIMCSIM_REGISTER_STRATEGY("sequential",
                          "the PMCA starts after the tile has finished the whole layer",
                          Sequential);

}  // namespace aimcsim
