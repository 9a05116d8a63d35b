#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace aimcsim {

// One searched config key and its domain. Every domain is a finite list of values (a range is
// sampled at its step or factor), so a candidate is one index per variable and a space can be
// enumerated: a real key is searched on its grid, not continuously.
struct ExploreVariable {
  std::string key;
  std::vector<std::string> values;  // value texts, as a config or -p KEY=VALUE takes them
};

// A statistic of a run by its results.csv column name (point_figure_columns()), read from a
// candidate's point folder as a number (true/false as 1/0).
struct ExploreStatistic {
  std::string name;
  std::size_t column = 0;  // index into point_figure_columns()
};

// A bound on a statistic: `statistic <= value` or `statistic >= value`, the value in the unit
// the column's name ends with (ns, nj, mm2, bytes).
struct ExploreConstraint {
  ExploreStatistic statistic;
  bool at_most = true;  // <=; false: >=
  double value = 0;
  std::string text;  // as written
};

// A parsed and validated space file: the base config, the variables, the objectives (each
// minimised), the constraints, and the search's budget (distinct evaluations), seed and
// algorithm.
struct ExploreSpace {
  std::string name;  // the space file's name, without its folder
  std::string hash;  // fnv1a64 of the space file and its base documents
  std::vector<Config::Source> base;
  std::vector<ExploreVariable> variables;
  std::vector<ExploreStatistic> objectives;
  std::vector<ExploreConstraint> constraints;
  std::size_t budget = 100;
  std::uint64_t seed = 1;
  std::string algorithm = "nsga2";
  std::size_t population = 0;  // population size of population-based algorithms; 0: auto

  // The number of candidates (the product of the domains' sizes), saturating at SIZE_MAX.
  std::size_t size() const;
};

// One candidate: the index of its value in each variable's domain.
using Candidate = std::vector<std::size_t>;

// Parses a space document (YAML: base, variables, objectives, constraints, budget, seed,
// algorithm, population). `base_dir` resolves the base's config file paths. Every key and value
// is checked against `schema`, the statistics against the results.csv columns and the base
// config is loaded; bad input throws InputError naming the file, line and key, and what is
// accepted. Nothing runs.
ExploreSpace parse_space(const Schema& schema, const std::string& text, const std::string& name,
                         const std::string& base_dir);
ExploreSpace load_space(const Schema& schema, const std::string& path);

// The -p KEY=VALUE overrides of a candidate over the space's base.
std::vector<std::string> candidate_overrides(const ExploreSpace& space, const Candidate& c);

}  // namespace aimcsim
