// `nsga2`: NSGA-II from pagmo (Deb et al. 2002) on the space's integer indices, each generation
// evaluated as one batch on the worker pool. Built as a module of its own, libaimcsim_nsga2.so,
// which search_nsga2.cpp loads when a search asks for it (see there why).
#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/config.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include "sim/explore/search.hpp"

namespace aimcsim {
namespace {

// A decision vector (pagmo keeps integers as doubles) as a candidate.
Candidate to_candidate(const double* x, std::size_t n) {
  Candidate c(n);
  for (std::size_t i = 0; i < n; ++i) c[i] = static_cast<std::size_t>(std::llround(x[i]));
  return c;
}

// What the pagmo problem and its batch evaluator share: the space and the evaluator.
struct Shared {
  const ExploreSpace* space = nullptr;
  Evaluator* eval = nullptr;
};

// The space as a pagmo problem: one integer variable per space variable (its value's index),
// the objectives, minimised, as search_fitness() gives them (constraints become penalties:
// pagmo's NSGA-II takes none).
struct SpaceProblem {
  std::shared_ptr<Shared> shared;

  pagmo::vector_double fitness(const pagmo::vector_double& x) const {
    const Evaluation* e = shared->eval->evaluate({to_candidate(x.data(), x.size())}).front();
    return search_fitness(*e, shared->space->objectives.size());
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    pagmo::vector_double lo, hi;
    for (const ExploreVariable& v : shared->space->variables) {
      lo.push_back(0);
      hi.push_back(static_cast<double>(v.values.size() - 1));
    }
    return {lo, hi};
  }
  pagmo::vector_double::size_type get_nobj() const { return shared->space->objectives.size(); }
  pagmo::vector_double::size_type get_nix() const { return shared->space->variables.size(); }
  pagmo::thread_safety get_thread_safety() const { return pagmo::thread_safety::none; }
  std::string get_name() const { return "aimcsim design space"; }
};

// A generation's decision vectors evaluated as one batch (so its new candidates run in parallel).
struct BatchEvaluator {
  std::shared_ptr<Shared> shared;

  pagmo::vector_double operator()(const pagmo::problem&, const pagmo::vector_double& dvs) const {
    const std::size_t n = shared->space->variables.size();
    const std::size_t k = shared->space->objectives.size();
    std::vector<Candidate> batch;
    for (std::size_t i = 0; i < dvs.size(); i += n) batch.push_back(to_candidate(&dvs[i], n));
    pagmo::vector_double out;
    for (const Evaluation* e : shared->eval->evaluate(batch)) {
      const std::vector<double> f = search_fitness(*e, k);
      out.insert(out.end(), f.begin(), f.end());
    }
    return out;
  }
  std::string get_name() const { return "aimcsim worker pool"; }
};

// NSGA-II with pagmo's defaults for the operators (crossover 0.95, its distribution index 10,
// mutation 1/variables with index 50), on integer variables (pagmo's crossover and mutation for
// integer parts). The population is the space's `population:`, or budget / 5 rounded up to a
// multiple of 4 within [8, 64]. It evolves one generation at a time until the budget is spent,
// every candidate of the space was evaluated, or kStale generations in a row brought nothing new.
class Nsga2Search final : public SearchAlgorithm {
 public:
  static constexpr std::size_t kStale = 50;

  std::string check(const ExploreSpace& space) const override {
    if (space.objectives.size() < 2)
      return "NSGA-II needs two objectives or more; for one, search with exhaustive";
    if (space.population != 0 && space.population % 4 != 0)
      return fmt::format("population: {} is not a multiple of 4 (NSGA-II pairs its parents)",
                         space.population);
    return "";
  }

  static std::size_t population_size(const ExploreSpace& space) {
    if (space.population) return space.population;
    const std::size_t p = (space.budget / 5 + 3) / 4 * 4;
    return std::min<std::size_t>(64, std::max<std::size_t>(8, p));
  }

  void search(const ExploreSpace& space, Evaluator& eval) override {
    auto shared = std::make_shared<Shared>();
    shared->space = &space;
    shared->eval = &eval;
    const pagmo::problem prob{SpaceProblem{shared}};
    const pagmo::bfe bfe{BatchEvaluator{shared}};
    const auto seed = static_cast<unsigned>(space.seed);
    pagmo::population pop{prob, bfe, population_size(space), seed};
    pagmo::nsga2 algo{1u, 0.95, 10., 1.0 / static_cast<double>(space.variables.size()), 50., seed};
    algo.set_bfe(bfe);
    std::size_t stale = 0;
    while (eval.evaluated() < space.size() && stale < kStale) {
      const std::size_t before = eval.evaluated();
      pop = algo.evolve(pop);
      stale = eval.evaluated() == before ? stale + 1 : 0;
    }
  }

  std::string library() const override { return "pagmo"; }
  std::string library_version() const override { return PAGMO_VERSION; }
};

}  // namespace
}  // namespace aimcsim

// The module's one entry point: a new search, owned by the caller.
extern "C" __attribute__((visibility("default"))) aimcsim::SearchAlgorithm* aimcsim_nsga2_create() {
  return new aimcsim::Nsga2Search;
}
