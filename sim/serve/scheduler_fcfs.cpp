#include "sim/serve/scheduler.hpp"

namespace aimcsim {

namespace {

// First come, first served, one request at a time: its prefill, then its decode steps alone.
class Fcfs final : public Scheduler {
 public:
  Decision next(const ServeView& v) override {
    Decision d;
    if (!v.active.empty()) {
      d.kind = Decision::Kind::Step;
      d.batch = v.active;
    } else if (!v.waiting.empty()) {
      d.kind = Decision::Kind::Prefill;
      d.request = v.waiting.oldest();
    }
    return d;
  }
};

}  // namespace

AIMCSIM_REGISTER_SCHEDULER("fcfs", "first come, first served, one request at a time", Fcfs);

}  // namespace aimcsim
