#pragma once
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/base/registry.hpp"
#include "sim/explore/space.hpp"

namespace aimcsim {

// What one evaluated candidate gave: its statistics (objectives and constrained statistics, NaN
// where the run has none) and how far it is from meeting the constraints.
struct Evaluation {
  Candidate candidate;
  std::string id;           // its point folder: c<config hash>
  std::string config_hash;  // fnv1a64 of its effective config
  std::size_t generation = 0;
  bool ok = false;  // the simulation finished (false: the config was rejected or the run failed)
  std::string message;  // why it failed
  std::vector<double> objectives;
  std::vector<std::string> objective_texts;  // as the summary prints them
  std::vector<double> constraint_values;
  std::vector<std::string> constraint_texts;
  // Sum over the constraints of the relative amount each is missed by (|value - bound| / |bound|,
  // 1 for a statistic the run lacks); 0 when all are met; infinity for a failed candidate.
  double violation = std::numeric_limits<double>::infinity();
  bool feasible() const { return ok && violation == 0; }
};

// Thrown by Evaluator::evaluate once the budget is spent: the candidates that fitted in it were
// evaluated, the search ends.
struct BudgetSpent : std::runtime_error {
  BudgetSpent() : std::runtime_error("the evaluation budget is spent") {}
};

// Evaluates candidates for a search algorithm.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Contract: evaluates one batch of candidates (one generation of the search) and returns each
  // one's evaluation, in order; a candidate evaluated before is not evaluated again and does not
  // count against the budget. When the batch holds more new candidates than the budget has left,
  // the first ones that fit are evaluated and BudgetSpent is thrown.
  virtual std::vector<const Evaluation*> evaluate(const std::vector<Candidate>& batch) = 0;
  // Distinct candidates evaluated so far.
  virtual std::size_t evaluated() const = 0;
};

// A search algorithm: proposes candidates of a space, generation by generation, until the budget
// is spent or it has nothing new to propose. Chosen by name (the space file's `algorithm:`).
class SearchAlgorithm {
 public:
  virtual ~SearchAlgorithm() = default;
  // Contract: why the algorithm cannot search `space` (e.g. too few objectives), or "".
  virtual std::string check(const ExploreSpace& space) const = 0;
  // Contract: runs the search, evaluating through `eval` (which may throw BudgetSpent; the
  // algorithm lets it through). Deterministic for a given space and its seed.
  virtual void search(const ExploreSpace& space, Evaluator& eval) = 0;
  // The library that implements it and its version, for explore.json ("pagmo", "2.18.0").
  virtual std::string library() const = 0;
  virtual std::string library_version() const = 0;
};

using SearchRegistry = Registry<SearchAlgorithm>;

// The fitness a search minimises for an evaluation: its objectives when it is feasible; else,
// for every objective, a penalty above any objective's value that grows with the violation, so
// that every feasible candidate dominates every infeasible one and a smaller violation dominates
// a larger one (a failed candidate is worst).
std::vector<double> search_fitness(const Evaluation& e, std::size_t objectives);

// Whether `a` dominates `b` (minimising): no worse in every objective, better in one.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);
// The indices of the non-dominated vectors of `points`, in their order (equal vectors are all
// kept).
std::vector<std::size_t> non_dominated(const std::vector<std::vector<double>>& points);
// The hypervolume dominated by `points` (minimising) and bounded by `reference`: the measure of
// the union of the boxes [p, reference]; points not below the reference in every objective add
// nothing.
double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference);

}  // namespace aimcsim
