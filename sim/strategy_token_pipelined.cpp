#include <algorithm>

#include "sim/strategy.hpp"

namespace aimcsim {
namespace {

// Chunks of t tokens flow tile -> link -> PMCA: the tile computes X W of chunk i+1 while the
// link moves chunk i and the PMCA adds (X A) B to it (AHWA-LoRA's pipeline).
class TokenPipelined final : public Strategy {
 public:
  Job& schedule(JobGraph& g, const OpResources& r, Job* after) const override {
    Job* last = nullptr;
    for (std::int64_t n : chunk_sizes(r.tokens, r.chunk)) {
      Job& mvm = g.add(r.tile, r.op, n);
      if (after) g.depend(*after, mvm);
      Job& move = g.add(r.link, r.op, n, n * r.out_bytes_per_token);
      g.depend(mvm, move);
      Job& lora = g.add(r.pmca, r.op, n);
      g.depend(move, lora);
      last = &lora;
    }
    return *last;
  }

  Picos analytic(const OpTiming& t) const override {
    // Three resources in series, each serving chunks in order (a flow shop).
    Picos link_free = 0, pmca_end = 0;
    std::int64_t done = 0;
    for (std::int64_t n : chunk_sizes(t.tokens, t.chunk)) {
      done += n;
      const Picos tile_end = mvm_run_end(t, done);
      const std::int64_t bytes = n * t.out_bytes_per_token;
      const Picos move_start = std::max(tile_end, link_free);
      link_free = move_start + t.serialisation(bytes);
      const Picos arrived = move_start + t.transfer(bytes);
      pmca_end = std::max(arrived, pmca_end) + t.pmca_chunk(n);
    }
    return pmca_end;
  }
};

}  // namespace

AIMCSIM_REGISTER_STRATEGY("token-pipelined",
                          "tile, link and PMCA work on consecutive chunks of t tokens at once",
                          TokenPipelined);

}  // namespace aimcsim
