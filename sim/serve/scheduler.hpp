#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/base/registry.hpp"
#include "sim/serve/request.hpp"

namespace aimcsim {

// The requests that arrived and wait for their prefill, in arrival order overall and per
// adapter, so a policy finds the oldest request, or an adapter's oldest, without a scan.
class WaitingQueue {
 public:
  void reset(std::int64_t adapters);
  void push(const Request& r);
  void erase(const Request& r);
  bool empty() const { return order_.empty(); }
  std::size_t size() const { return order_.size(); }
  std::int64_t oldest() const;  // request id, -1 when empty
  std::int64_t oldest_of(std::int64_t adapter) const;
  std::int64_t count_of(std::int64_t adapter) const;
  std::int64_t adapters() const { return static_cast<std::int64_t>(by_adapter_.size()); }
  // Request ids of `adapter`, oldest first.
  const std::deque<std::int64_t>& of(std::int64_t adapter) const;

 private:
  std::set<std::pair<Picos, std::int64_t>> order_;  // (arrival, id)
  std::vector<std::deque<std::int64_t>> by_adapter_;
};

// What the platform is doing when a scheduler is asked for its next move. The platform runs
// one pass at a time through every layer: a request's prefill, or one decode step of a batch.
struct ServeView {
  const std::vector<Request>* requests = nullptr;
  WaitingQueue waiting;              // arrived, not yet prefilled
  std::vector<std::int64_t> active;  // prefilled, still decoding: request ids, admission order
  std::int64_t max_batch = 1;
  // Adapters the working memory level holds at once (hybrid); 0: the design runs no adapters.
  std::int64_t adapter_slots = 0;
  std::int64_t tiles_task = -1;  // reprogramming design: the task the tiles hold (-1: none yet)
  std::int64_t reprogram_queue = 1;
  bool more_arrivals = false;  // requests are still to arrive
  const Request& request(std::int64_t id) const {
    return (*requests)[static_cast<std::size_t>(id)];
  }
};

struct Decision {
  enum class Kind { Prefill, Step, Reprogram, Wait };
  Kind kind = Kind::Wait;
  std::int64_t request = -1;        // Prefill: the request; Reprogram: the task
  std::vector<std::int64_t> batch;  // Step: the active requests that decode one token each
};

// A scheduling policy: which pass the platform runs next. Contract: next() returns Prefill of a
// waiting request, Step of a non-empty subset of the active ones, Reprogram (reprogramming
// design only) or Wait (nothing to do until the next arrival); it is called again after every
// pass and every arrival, and must not return Wait while requests are active.
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual Decision next(const ServeView& v) = 0;
};

using SchedulerRegistry = Registry<Scheduler>;

// The reprogramming design's policy (not chosen by name: the design comes with it): the tiles
// hold one task's merged weights and serve its requests (batched as same-adapter batches are)
// while any waits or runs; then they switch to the task with the longest queue once that queue
// holds serve.reprogram_queue requests, or when no more requests are to arrive.
std::unique_ptr<Scheduler> reprogram_scheduler();

#define AIMCSIM_REGISTER_SCHEDULER(NAME, DESCRIPTION, TYPE) \
  AIMCSIM_REGISTER(::aimcsim::SchedulerRegistry,            \
                   {NAME, DESCRIPTION,                      \
                    [] { return std::unique_ptr<::aimcsim::Scheduler>(new TYPE()); }, nullptr})

}  // namespace aimcsim
