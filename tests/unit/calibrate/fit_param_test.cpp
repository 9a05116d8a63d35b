#include "sim/calibrate/fit_param.hpp"

#include <gtest/gtest.h>

#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;

FitParam fit(const std::string& spec, const std::vector<std::string>& overrides = {}) {
  // The embedded default job on the cores-only cluster (1 GHz).
  static const Config base = test::default_config({"pmca.preset=snitch-cores"});
  std::vector<std::string> cores = {"pmca.preset=snitch-cores"};
  cores.insert(cores.end(), overrides.begin(), overrides.end());
  return parse_fit(test::schema(), overrides.empty() ? base : test::default_config(cores), spec);
}
std::string fit_error(const std::string& spec) {
  return error_of([&] { fit(spec); });
}

TEST(FitParamTest, StartAndBoundsDefaultToTheBaseValueAndTheKeysRange) {
  const FitParam p = fit("pmca.fpu_util");
  EXPECT_FALSE(p.integer);
  EXPECT_DOUBLE_EQ(p.start, 0.9);  // the default
  EXPECT_DOUBLE_EQ(p.lo, 0.01);    // the key's range
  EXPECT_DOUBLE_EQ(p.hi, 1);
  EXPECT_EQ(p.bounds_text, "[0.01, 1]");
  EXPECT_EQ(fit("pmca.fpu_util", {"pmca.fpu_util=0.7"}).start, 0.7);
  const FitParam q = fit("pmca.fpu_util=0.8:0.5:");
  EXPECT_DOUBLE_EQ(q.start, 0.8);
  EXPECT_DOUBLE_EQ(q.lo, 0.5);
  EXPECT_DOUBLE_EQ(q.hi, 1);                         // an empty bound is the key's own
  const FitParam r = fit("pmca.fpu_util:0.5:0.95");  // bounds without a start
  EXPECT_DOUBLE_EQ(r.start, 0.9);
  EXPECT_DOUBLE_EQ(r.hi, 0.95);
}

TEST(FitParamTest, IntegersAreWrittenWholeAndTheirBoundsRoundInwards) {
  const FitParam p = fit("pmca.kernel_launch_cycles=100:50.5:200.5");
  EXPECT_TRUE(p.integer);
  EXPECT_DOUBLE_EQ(p.lo, 51);
  EXPECT_DOUBLE_EQ(p.hi, 200);
  EXPECT_EQ(p.text(119.6), "120");
  EXPECT_EQ(p.exact_text(119.4), "119");
}

TEST(FitParamTest, QuantitiesKeepTheUnitOfTheirStartValue) {
  const FitParam f = fit("pmca.freq");  // 1GHz on the cores-only cluster
  EXPECT_EQ(f.unit, "GHz");
  EXPECT_DOUBLE_EQ(f.start, 1e9);
  EXPECT_EQ(f.text(943.25e6), "0.94325GHz");
  EXPECT_EQ(f.exact_text(943.25e6), "943250000Hz");  // canonical unit, every digit
  const FitParam t = fit("tile.t_int=150ns:100ns:0.3us");
  EXPECT_DOUBLE_EQ(t.hi, 300);
  EXPECT_EQ(t.text(200), "200ns");
  EXPECT_EQ(t.bounds_text, "[100ns, 300ns]");
}

TEST(FitParamTest, BadFitsNameTheKeyAndWhatIsAccepted) {
  EXPECT_NE(fit_error("pmca.fpu_utl")
                .find("--fit pmca.fpu_utl: pmca.fpu_utl: unknown key; keys "
                      "under 'pmca': preset, freq, cores"),
            std::string::npos);
  EXPECT_EQ(fit_error("pmca.engine"),
            "--fit pmca.engine: pmca.engine is a choice key (one of cores, redmule); only "
            "integer, real and quantity keys can be fitted");
  EXPECT_EQ(fit_error("pmca.fpu_util=0.9:0:1"),
            "--fit pmca.fpu_util=0.9:0:1: the bounds [0, 1] reach outside the key's range; "
            "pmca.fpu_util accepts a number in [0.01, 1]");
  EXPECT_EQ(fit_error("pmca.fpu_util=2"),
            "--fit pmca.fpu_util=2: the start value 2 is outside the bounds [0.01, 1]");
  EXPECT_EQ(fit_error("pmca.fpu_util=abc"),
            "--fit pmca.fpu_util=abc: START 'abc' is not a number; pmca.fpu_util accepts a number "
            "in [0.01, 1]");
  EXPECT_NE(fit_error("pmca.fpu_util=0.9:0.5").find("give no bounds or both"), std::string::npos);
  EXPECT_NE(fit_error("tile.t_int=100").find("--fit tile.t_int=100: START '100' has no unit"),
            std::string::npos);
  EXPECT_EQ(fit_error("pmca.fpu_util=0.9:0.95:0.95"),
            "--fit pmca.fpu_util=0.9:0.95:0.95: the bounds [0.95, 0.95] leave nothing to fit; LO "
            "must be below HI");
  EXPECT_EQ(fit_error("pipeline.chunk_tokens"),
            "--fit pipeline.chunk_tokens: pipeline.chunk_tokens is auto in the base config; give "
            "a start value, --fit pipeline.chunk_tokens=START");
}

}  // namespace
}  // namespace aimcsim
