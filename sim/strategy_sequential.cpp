#include "sim/strategy.hpp"

namespace aimcsim {
namespace {

// The tile runs the whole layer, its output moves to the PMCA in one transfer, and only then
// does the PMCA process the adapters chunk by chunk (no overlap: the reference point for the
// pipelined strategies).
class Sequential final : public Strategy {
 public:
  Job& schedule(JobGraph& g, const OpResources& r, Job* after) const override {
    Job& mvm = g.add(r.tile, r.op, r.tokens);
    if (after) g.depend(*after, mvm);
    Job& move = g.add(r.link, r.op, r.tokens, r.tokens * r.out_bytes_per_token);
    g.depend(mvm, move);
    Job* last = nullptr;
    for (std::int64_t n : chunk_sizes(r.tokens, r.chunk)) {
      Job& lora = g.add(r.pmca, r.op, n);
      g.depend(move, lora);
      last = &lora;
    }
    return *last;
  }

  Picos analytic(const OpTiming& t) const override {
    Picos end = mvm_run_end(t, t.tokens) + t.transfer(t.tokens * t.out_bytes_per_token);
    for (std::int64_t n : chunk_sizes(t.tokens, t.chunk)) end += t.pmca_chunk(n);
    return end;
  }
};

}  // namespace

AIMCSIM_REGISTER_STRATEGY("sequential", "the PMCA starts after the tile has finished the whole layer",
                          Sequential);

}  // namespace aimcsim
