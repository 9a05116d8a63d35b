#include "sim/serve/scheduler.hpp"

namespace aimcsim {
namespace {

// Continuous batching of one adapter's requests: the oldest waiting request chooses the
// adapter; its later requests join the running batch between decode steps (each prefilled on
// its own) up to serve.max_batch; other adapters wait until the batch has drained.
class SameAdapter final : public Scheduler {
 public:
  Decision next(const ServeView& v) override {
    Decision d;
    if (v.active.empty()) {
      if (v.waiting.empty()) return d;
      d.kind = Decision::Kind::Prefill;
      d.request = v.waiting.oldest();
      return d;
    }
    const std::int64_t adapter = v.request(v.active.front()).adapter;
    if (static_cast<std::int64_t>(v.active.size()) < v.max_batch &&
        v.waiting.count_of(adapter) > 0) {
      d.kind = Decision::Kind::Prefill;
      d.request = v.waiting.oldest_of(adapter);
      return d;
    }
    d.kind = Decision::Kind::Step;
    d.batch = v.active;
    return d;
  }
};

}  // namespace

AIMCSIM_REGISTER_SCHEDULER("same-adapter", "continuous batching of requests that share an adapter",
                           SameAdapter);

}  // namespace aimcsim
