#include "sim/schedule/strategy.hpp"

namespace aimcsim {
namespace {

// Chunks of t tokens flow tile -> link -> PMCA: the tile computes X W of chunk i+1 while the
// link moves chunk i and the PMCA works on it (AHWA-LoRA's pipeline); the PMCA's adapter work on
// a chunk starts once the chunk's X is in its L1 and only the add waits for X W (or, with
// pipeline.adapter_start xw-first, the whole chunk waits for X W). A layer starts once its whole
// input is ready.
class TokenPipelined : public Strategy {
 public:
  Progress schedule(JobGraph& g, const OpResources& r, const ChunkInputs& in) const override {
    return schedule_chunk_flow(g, r, in, options_, false, false);
  }
  std::vector<Picos> analytic(const OpTiming& t, const ReleaseFn& release) const override {
    return chunk_flow_analytic(t, release, options_, false, false);
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
