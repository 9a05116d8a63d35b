#include "sim/serve/scheduler.hpp"

namespace aimcsim {
namespace {

class Reprogram final : public Scheduler {
 public:
  Decision next(const ServeView& v) override {
    Decision d;
    // The tiles' task's queue, and the task with the longest queue (ties: the oldest head).
    const std::int64_t own = v.tiles_task >= 0 ? v.waiting.count_of(v.tiles_task) : 0;
    std::int64_t best = -1, best_len = 0;
    for (std::int64_t a = 0; a < v.waiting.adapters(); ++a) {
      const std::int64_t n = v.waiting.count_of(a);
      if (a == v.tiles_task || n == 0) continue;
      const bool older =
          best >= 0 && n == best_len &&
          v.request(v.waiting.oldest_of(a)).arrival < v.request(v.waiting.oldest_of(best)).arrival;
      if (n > best_len || older) best = a, best_len = n;
    }
    const auto oldest_own = [&] { return v.waiting.oldest_of(v.tiles_task); };
    if (own > 0 && static_cast<std::int64_t>(v.active.size()) < v.max_batch) {
      d.kind = Decision::Kind::Prefill;
      d.request = oldest_own();
    } else if (!v.active.empty()) {
      d.kind = Decision::Kind::Step;
      d.batch = v.active;
    } else if (best >= 0 && (best_len >= v.reprogram_queue || !v.more_arrivals)) {
      d.kind = Decision::Kind::Reprogram;
      d.request = best;
    }
    return d;
  }
};

}  // namespace

std::unique_ptr<Scheduler> reprogram_scheduler() { return std::make_unique<Reprogram>(); }

}  // namespace aimcsim
