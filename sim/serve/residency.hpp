#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/base/registry.hpp"

namespace aimcsim {

// The memory levels adapters live in, as capacities in whole adapters: level 0 is where an
// adapter must be for its requests to run (the PMCAs' L1, or L2 when one adapter's share of a
// PMCA does not fit L1), the last level holds every adapter (DRAM).
struct ResidencySetup {
  std::vector<std::int64_t> capacity;  // adapters per level, level 0 first
  std::int64_t adapters = 0;
  std::vector<double> popularity;  // expected share of each adapter's requests
};

// Which adapters are resident in which memory level, and which are evicted to make room.
// Levels are non-inclusive: a load from level h places the adapter in every level above h.
class Residency {
 public:
  virtual ~Residency() = default;
  // Contract: called once before the stream, with every level empty but the last; returns the
  // adapters placed ahead of the stream in each level above the last (a pinned set), whose loads
  // are not on any request's path.
  virtual std::vector<std::vector<std::int64_t>> setup(const ResidencySetup& s) = 0;
  // Contract: adapter `a` is needed in level 0. Returns the nearest level it was in (0: a hit)
  // and makes it resident in every level above that one, evicting others, never one listed in
  // `busy` (adapters of requests in flight) nor a pinned one. Returns -1, changing nothing, when
  // level 0 has no slot it may evict.
  virtual int access(std::int64_t a, const std::vector<std::int64_t>& busy) = 0;
  virtual bool resident(std::int64_t a, std::size_t level) const = 0;
};

using ResidencyRegistry = Registry<Residency, const Config&>;

// Least recently used, per level, with an optional set of adapters that are never evicted.
class LruResidency : public Residency {
 public:
  std::vector<std::vector<std::int64_t>> setup(const ResidencySetup& s) override;
  int access(std::int64_t a, const std::vector<std::int64_t>& busy) override;
  bool resident(std::int64_t a, std::size_t level) const override;

 protected:
  // Adapters placed in every level above the last before the stream and never evicted (at most
  // capacity - 1 per level, so one slot stays free for the others).
  virtual std::vector<std::int64_t> pinned(const ResidencySetup&) const { return {}; }

 private:
  struct Level {
    std::int64_t capacity = 0;
    std::vector<std::int64_t> last_use;  // per adapter: -1 not resident, else the access tick
    std::vector<bool> pinned;            // per adapter: placed by setup, never evicted
  };
  bool place(Level& l, std::int64_t a, const std::vector<std::int64_t>& busy, bool dry_run);
  std::vector<Level> levels_;
  std::int64_t tick_ = 0;
};

}  // namespace aimcsim
