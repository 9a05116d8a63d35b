#include "sim/schedule/strategy.hpp"

namespace aimcsim {
namespace {

// The PMCA works one chunk ahead: it runs chunk c + 1's work that needs only X before chunk
// c's part that needs X W (adapter(0), adapter(1), add(0), adapter(2), add(1), ...). With
// pipeline.adapter_start xw-first only X A runs ahead and (X A) B waits with the add.
class Overlapped final : public Strategy {
 public:
  Progress schedule(JobGraph& g, const OpResources& r, const ChunkInputs& in) const override {
    return schedule_chunk_flow(g, r, in, options_, true, true);
  }
  std::vector<Picos> analytic(const OpTiming& t, const ReleaseFn& release) const override {
    return chunk_flow_analytic(t, release, options_, true, true);
  }
};

}  // namespace

AIMCSIM_REGISTER_STRATEGY(
    "overlapped", "the PMCA works a chunk ahead: the next chunk's adapter before this chunk's add",
    Overlapped);

}  // namespace aimcsim
