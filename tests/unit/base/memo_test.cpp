// RunMemo (sim/base/memo.hpp): a pure function's results cached for one set of parameters
// within a scope, and computed as usual otherwise.
#include "sim/base/memo.hpp"

#include <gtest/gtest.h>

namespace aimcsim {
namespace {

struct FakeParams {
  int scale = 1;
  bool operator==(const FakeParams& o) const { return scale == o.scale; }
};
using Memo = RunMemo<FakeParams, int, int>;

// `key * p.scale`, counting how often it is really computed.
int times(const FakeParams& p, int key, int& computed) {
  return Memo::get(p, key, [&] {
    ++computed;
    return key * p.scale;
  });
}

TEST(RunMemoTest, ComputesEachKeyOncePerScopeForEqualParameters) {
  const FakeParams p{3};
  int computed = 0;
  {
    const Memo memo(p);
    EXPECT_EQ(times(p, 2, computed), 6);
    EXPECT_EQ(times(p, 2, computed), 6);  // cached
    const FakeParams copy = p;            // equal parameters: the same results
    EXPECT_EQ(times(copy, 2, computed), 6);
    EXPECT_EQ(times(p, 5, computed), 15);  // a new key
    EXPECT_EQ(computed, 2);
    const FakeParams other{4};  // different parameters: never served from the memo
    EXPECT_EQ(times(other, 2, computed), 8);
    EXPECT_EQ(times(other, 2, computed), 8);
    EXPECT_EQ(computed, 4);
  }
  // Out of scope: computed every time.
  EXPECT_EQ(times(p, 2, computed), 6);
  EXPECT_EQ(computed, 5);
}

TEST(RunMemoTest, TheInnermostScopeServesAndTheOuterOneComesBack) {
  const FakeParams a{2}, b{10};
  int computed = 0;
  const Memo outer(a);
  times(a, 1, computed);  // computed: 1
  {
    const Memo inner(b);
    EXPECT_EQ(times(b, 1, computed), 10);  // computed: 2
    EXPECT_EQ(times(b, 1, computed), 10);
    EXPECT_EQ(times(a, 1, computed), 2);  // the outer memo is not active: computed: 3
  }
  EXPECT_EQ(times(a, 1, computed), 2);  // the outer memo again, still holding key 1
  EXPECT_EQ(computed, 3);
}

}  // namespace
}  // namespace aimcsim
