// The Pareto arithmetic of a search on small hand-made sets: dominance, the non-dominated
// subset, the hypervolume and the penalty that ranks infeasible candidates behind feasible ones.
#include <gtest/gtest.h>

#include "sim/explore/search.hpp"

namespace aimcsim {
namespace {

using Points = std::vector<std::vector<double>>;

TEST(SearchMathTest, DominanceIsNoWorseEverywhereAndBetterSomewhere) {
  EXPECT_TRUE(dominates({1, 2}, {1, 3}));
  EXPECT_TRUE(dominates({1, 2}, {2, 3}));
  EXPECT_FALSE(dominates({1, 2}, {1, 2}));  // equal: neither dominates
  EXPECT_FALSE(dominates({1, 3}, {2, 2}));  // a trade-off
  EXPECT_FALSE(dominates({2, 2}, {1, 3}));
}

TEST(SearchMathTest, NonDominatedKeepsTheTradeOffsAndEqualPoints) {
  // (3,3) is dominated by (2,2); (4,1) and (1,4) trade off with (2,2); (2,2) appears twice.
  const Points pts = {{3, 3}, {2, 2}, {4, 1}, {1, 4}, {2, 2}, {5, 5}};
  EXPECT_EQ(non_dominated(pts), (std::vector<std::size_t>{1, 2, 3, 4}));
}

TEST(SearchMathTest, HypervolumeOfAStaircaseIsTheSumOfItsSteps) {
  // Reference (4, 4): the boxes [p, ref] of (1,3), (2,2), (3,1) add up, slab by slab along y,
  // to 1*(4-3) + 1*(4-2) + 1*(4-1) = 6.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 6.0);
  // A dominated point adds nothing; one beyond the reference adds nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {0.5, 4.5}}, {4, 4}), 6.0);
  // One point: its box.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 1}}, {2, 3, 4}), 1.0 * 2.0 * 3.0);
  // Two boxes in 3-D: 2*2*1 + 1*1*2 less their overlap 1*1*1 = 5.
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}), 5.0);
  EXPECT_DOUBLE_EQ(hypervolume({}, {1, 1}), 0.0);
}

TEST(SearchMathTest, FitnessPutsEveryFeasibleCandidateBeforeEveryInfeasibleOne) {
  Evaluation good;
  good.ok = true;
  good.violation = 0;
  good.objectives = {5e9, 3e6};
  Evaluation close = good, far = good, failed;
  close.violation = 0.01;
  far.violation = 0.5;
  EXPECT_EQ(search_fitness(good, 2), good.objectives);
  EXPECT_TRUE(dominates(search_fitness(good, 2), search_fitness(close, 2)));
  EXPECT_TRUE(dominates(search_fitness(close, 2), search_fitness(far, 2)));
  EXPECT_TRUE(dominates(search_fitness(far, 2), search_fitness(failed, 2)));
  EXPECT_FALSE(failed.feasible());
}

}  // namespace
}  // namespace aimcsim
