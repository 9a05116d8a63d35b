#include "sim/serve/scheduler.hpp"

#include <algorithm>
#include <stdexcept>

namespace aimcsim {

void WaitingQueue::reset(std::int64_t adapters) {
  order_.clear();
  by_adapter_.assign(static_cast<std::size_t>(adapters), {});
}

void WaitingQueue::push(const Request& r) {
  order_.insert({r.arrival, r.id});
  by_adapter_.at(static_cast<std::size_t>(r.adapter)).push_back(r.id);
}

void WaitingQueue::erase(const Request& r) {
  if (order_.erase({r.arrival, r.id}) == 0)
    throw std::logic_error("serve: a request that is not waiting left the queue");
  std::deque<std::int64_t>& q = by_adapter_.at(static_cast<std::size_t>(r.adapter));
  if (!q.empty() && q.front() == r.id)
    q.pop_front();
  else
    q.erase(std::find(q.begin(), q.end(), r.id));
}

std::int64_t WaitingQueue::oldest() const { return order_.empty() ? -1 : order_.begin()->second; }

std::int64_t WaitingQueue::oldest_of(std::int64_t adapter) const {
  const std::deque<std::int64_t>& q = of(adapter);
  return q.empty() ? -1 : q.front();
}

std::int64_t WaitingQueue::count_of(std::int64_t adapter) const {
  return static_cast<std::int64_t>(of(adapter).size());
}

const std::deque<std::int64_t>& WaitingQueue::of(std::int64_t adapter) const {
  return by_adapter_.at(static_cast<std::size_t>(adapter));
}

}  // namespace aimcsim
