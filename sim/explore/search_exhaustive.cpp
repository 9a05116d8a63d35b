// `exhaustive`: every candidate of the space, in order, so that a search can be checked against
// the true front of a small space.
#include <fmt/format.h>

#include "sim/base/version.hpp"
#include "sim/explore/search.hpp"

namespace aimcsim {
namespace {

// Enumerates the space as a sweep's grid does (the last variable varying fastest), in batches of
// a fixed size (one generation each, whatever the number of workers, so the outputs do not
// depend on -j).
class ExhaustiveSearch final : public SearchAlgorithm {
 public:
  static constexpr std::size_t kBatch = 32;

  std::string check(const ExploreSpace& space) const override {
    if (space.size() > space.budget)
      return fmt::format(
          "the space has {} candidates, more than the budget of {}; raise budget or search with "
          "nsga2",
          space.size() == static_cast<std::size_t>(-1) ? std::string("over 2^64")
                                                       : std::to_string(space.size()),
          space.budget);
    return "";
  }

  void search(const ExploreSpace& space, Evaluator& eval) override {
    Candidate c(space.variables.size(), 0);
    std::vector<Candidate> batch;
    for (bool more = true; more;) {
      batch.push_back(c);
      // Odometer: the last variable fastest.
      more = false;
      for (std::size_t i = space.variables.size(); i-- > 0;) {
        if (++c[i] < space.variables[i].values.size()) {
          more = true;
          break;
        }
        c[i] = 0;
      }
      if (batch.size() == kBatch || !more) {
        eval.evaluate(batch);
        batch.clear();
      }
    }
  }

  std::string library() const override { return "aimcsim"; }
  std::string library_version() const override { return kVersion; }
};

}  // namespace

AIMCSIM_REGISTER(SearchRegistry,
                 {"exhaustive",
                  "every candidate of the space (it must fit in the budget), in grid order",
                  [] { return std::unique_ptr<SearchAlgorithm>(new ExhaustiveSearch); }, nullptr});

}  // namespace aimcsim
