#include <algorithm>

#include "sim/serve/residency.hpp"

namespace aimcsim {

std::vector<std::vector<std::int64_t>> LruResidency::setup(const ResidencySetup& s) {
  levels_.assign(s.capacity.size(), Level{});
  std::vector<std::vector<std::int64_t>> placed(s.capacity.size());
  for (std::size_t i = 0; i < s.capacity.size(); ++i) {
    levels_[i].capacity = s.capacity[i];
    levels_[i].last_use.assign(static_cast<std::size_t>(s.adapters), -1);
    levels_[i].pinned.assign(static_cast<std::size_t>(s.adapters), false);
  }
  for (std::int64_t a = 0; a < s.adapters; ++a) levels_.back().last_use[a] = 0;
  for (std::size_t i = 0; i + 1 < levels_.size(); ++i) {
    std::int64_t room = levels_[i].capacity - 1;
    for (std::int64_t a : pinned(s)) {
      if (room-- <= 0) break;
      levels_[i].last_use[a] = 0;
      levels_[i].pinned[a] = true;
      placed[i].push_back(a);
    }
  }
  return placed;
}

bool LruResidency::place(Level& l, std::int64_t a, const std::vector<std::int64_t>& busy,
                         bool dry_run) {
  std::int64_t held = 0, victim = -1;
  for (std::size_t b = 0; b < l.last_use.size(); ++b) {
    if (l.last_use[b] < 0) continue;
    ++held;
    const auto id = static_cast<std::int64_t>(b);
    if (l.pinned[b] || std::find(busy.begin(), busy.end(), id) != busy.end()) continue;
    if (victim < 0 || l.last_use[b] < l.last_use[static_cast<std::size_t>(victim)]) victim = id;
  }
  if (held < l.capacity) {
    if (!dry_run) l.last_use[a] = tick_;
    return true;
  }
  if (victim < 0) return false;
  if (!dry_run) {
    l.last_use[victim] = -1;
    l.last_use[a] = tick_;
  }
  return true;
}

int LruResidency::access(std::int64_t a, const std::vector<std::int64_t>& busy) {
  ++tick_;
  const auto at = static_cast<std::size_t>(a);
  std::size_t found = 0;
  while (levels_[found].last_use[at] < 0) ++found;
  if (found > 0 && !place(levels_[0], a, busy, true)) return -1;
  for (std::size_t i = 0; i < found; ++i) place(levels_[i], a, busy, false);
  levels_[found].last_use[at] = tick_;
  return static_cast<int>(found);
}

bool LruResidency::resident(std::int64_t a, std::size_t level) const {
  return levels_.at(level).last_use.at(static_cast<std::size_t>(a)) >= 0;
}

AIMCSIM_REGISTER(ResidencyRegistry,
                 {"lru", "least recently used adapters are evicted first, level by level",
                  [](const Config&) { return std::unique_ptr<Residency>(new LruResidency()); },
                  nullptr});

}  // namespace aimcsim
