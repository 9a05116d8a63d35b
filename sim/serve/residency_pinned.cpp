#include <algorithm>
#include <numeric>

#include "sim/base/params.hpp"
#include "sim/serve/residency.hpp"

namespace aimcsim {
namespace {

struct PinnedParams : Params<PinnedParams> {
  std::int64_t pinned;
  static void bind(ParamBinder<PinnedParams>& b) {
    b.integer("serve.pinned", &PinnedParams::pinned, 1)
        .range(0, 1 << 20)
        .desc(
            "pinned: the most popular adapters (by the mix, or a trace's counts) kept resident "
            "in every level from the start; at most each level's capacity less one");
  }
};

// A hot set pinned in every level ahead of the stream, the other adapters LRU in what is left.
class PinnedResidency final : public LruResidency {
 public:
  explicit PinnedResidency(std::int64_t n) : n_(n) {}

 protected:
  std::vector<std::int64_t> pinned(const ResidencySetup& s) const override {
    std::vector<std::int64_t> order(static_cast<std::size_t>(s.adapters));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
      return s.popularity[static_cast<std::size_t>(a)] > s.popularity[static_cast<std::size_t>(b)];
    });
    order.resize(static_cast<std::size_t>(std::min(n_, s.adapters)));
    return order;
  }

 private:
  std::int64_t n_;
};

}  // namespace

AIMCSIM_REGISTER(ResidencyRegistry,
                 {"pinned",
                  "the serve.pinned most popular adapters never leave; the others are LRU",
                  [](const Config& cfg) {
                    return std::unique_ptr<Residency>(
                        new PinnedResidency(PinnedParams::from(cfg).pinned));
                  },
                  [](Schema& s) { PinnedParams::declare(s); }});

}  // namespace aimcsim
