#pragma once
#include <map>
#include <utility>

namespace aimcsim {

// A cache of a pure cost function's results for one set of parameters over one run: within the
// memo's scope, calls with that object or an equal one (Params::operator==, so the copies that
// resources and closures keep hit too) compute each distinct key once; calls with other
// parameters, or outside a scope, compute as usual. The object must stay alive and unchanged
// while the memo exists (a run's const parameters do). Scopes nest: the innermost is active.
// Simplification: one thread; the memo is not shared across threads.
template <class Params, class Key, class Value>
class RunMemo {
 public:
  explicit RunMemo(const Params& params) : params_(&params), outer_(active_) { active_ = this; }
  ~RunMemo() { active_ = outer_; }
  RunMemo(const RunMemo&) = delete;
  RunMemo& operator=(const RunMemo&) = delete;

  // `compute()` for `key`, once per key while a memo of `params` is active.
  template <class Compute>
  static Value get(const Params& params, const Key& key, Compute&& compute) {
    RunMemo* m = active_;
    if (!m || (m->params_ != &params && !(*m->params_ == params))) return compute();
    auto it = m->values_.find(key);
    if (it == m->values_.end()) it = m->values_.emplace(key, compute()).first;
    return it->second;
  }

 private:
  const Params* params_;
  RunMemo* outer_;
  std::map<Key, Value> values_;
  static inline thread_local RunMemo* active_ = nullptr;
};

}  // namespace aimcsim
