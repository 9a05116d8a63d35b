#include <algorithm>

#include "sim/schedule/strategy.hpp"

namespace aimcsim {
namespace {

// Chunks of t tokens flow tile -> link -> PMCA: the tile computes X W of chunk i+1 while the
// link moves chunk i and the PMCA adds (X A) B to it (AHWA-LoRA's pipeline). A layer starts once
// its whole input is ready.
class TokenPipelined : public Strategy {
 public:
  Progress schedule(JobGraph& g, const OpResources& r, const DepsFn& deps) const override {
    Progress out;
    std::int64_t first = 0;
    for (std::int64_t n : chunk_sizes(r.tokens, r.chunk)) {
      Job& mvm = add_tile_chunk(g, r.tile, r.op, r.tile_block, first, n, deps);
      Job& move = add_xw_transfer(g, r, mvm, n);
      Job& lora = add_lora_chunk(g, r, move, n);
      first += n;
      out.push_back({first, &lora});
    }
    return out;
  }

  std::vector<Picos> analytic(
      const OpTiming& t,
      const std::function<Picos(std::int64_t, std::int64_t)>& release) const override {
    // Three private resources in series, each serving chunks in order (a flow shop).
    const auto sizes = chunk_sizes(t.tokens, t.chunk);
    const auto arrived =
        link_arrivals(t, sizes, tile_chunk_ends(t, sizes, chunk_releases(sizes, release)));
    std::vector<Picos> out;
    Picos pmca_end = 0;
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      pmca_end = std::max(arrived[c], pmca_end) + t.pmca(sizes[c], JobRole::Lora);
      out.push_back(pmca_end);
    }
    return out;
  }
};

// The token-pipelined schedule as a wavefront across layers: a layer's chunk starts as soon as
// the rows it needs are ready, so layer i+1 works on chunk c while layer i works on chunk c+1
// (weight-stationary tiles make this possible). Attention over a whole sequence still waits for
// all keys.
class LayerPipelined final : public TokenPipelined {
 public:
  bool wavefront() const override { return true; }
};

}  // namespace

AIMCSIM_REGISTER_STRATEGY(
    "token-pipelined",
    "tile, link and PMCA work on consecutive chunks of t tokens at once; layers in turn",
    TokenPipelined);
AIMCSIM_REGISTER_STRATEGY(
    "layer-pipelined",
    "token-pipelined chunks that also flow through consecutive layers as a wavefront",
    LayerPipelined);

}  // namespace aimcsim
