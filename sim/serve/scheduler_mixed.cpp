#include <algorithm>

#include "sim/serve/scheduler.hpp"

namespace aimcsim {
namespace {

// Continuous batching across adapters: waiting requests join the running batch in arrival order
// up to serve.max_batch, as long as the batch's distinct adapters fit the working memory level
// at once; each token's adapter is applied on the PMCAs while the tiles' X W is shared.
class Mixed final : public Scheduler {
 public:
  Decision next(const ServeView& v) override {
    Decision d;
    if (static_cast<std::int64_t>(v.active.size()) < v.max_batch) {
      std::vector<std::int64_t> adapters;
      for (std::int64_t id : v.active) {
        const std::int64_t a = v.request(id).adapter;
        if (std::find(adapters.begin(), adapters.end(), a) == adapters.end()) adapters.push_back(a);
      }
      // Any adapter while the working level has room; else the oldest request of an adapter
      // already in the batch.
      std::int64_t pick = -1;
      if (v.adapter_slots == 0 || static_cast<std::int64_t>(adapters.size()) < v.adapter_slots) {
        pick = v.waiting.oldest();
      } else {
        for (std::int64_t a : adapters) {
          const std::int64_t id = v.waiting.oldest_of(a);
          if (id >= 0 && (pick < 0 || v.request(id).arrival < v.request(pick).arrival ||
                          (v.request(id).arrival == v.request(pick).arrival && id < pick)))
            pick = id;
        }
      }
      if (pick >= 0) {
        d.kind = Decision::Kind::Prefill;
        d.request = pick;
        return d;
      }
    }
    if (!v.active.empty()) {
      d.kind = Decision::Kind::Step;
      d.batch = v.active;
    }
    return d;
  }
};

}  // namespace

AIMCSIM_REGISTER_SCHEDULER("mixed", "continuous batching of requests of any adapters", Mixed);

}  // namespace aimcsim
