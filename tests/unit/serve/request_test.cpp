#include "sim/serve/request.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/base/error.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::error_of;

TEST(RequestStreamTest, CsvTraceReadsEveryField) {
  const RequestStream s = parse_requests(
      "arrival_us,adapter,prompt_tokens,decode_tokens\n0,1,16,4\n2.5,0,8,0\n", "t.csv", 2);
  ASSERT_EQ(s.requests.size(), 2u);
  EXPECT_EQ(s.requests[0].arrival, 0);
  EXPECT_EQ(s.requests[0].adapter, 1);
  EXPECT_EQ(s.requests[0].prompt_tokens, 16);
  EXPECT_EQ(s.requests[0].decode_tokens, 4);
  EXPECT_EQ(s.requests[1].arrival, 2500000);  // 2.5 us in ps
  EXPECT_EQ(s.requests[1].id, 1);
  EXPECT_FALSE(s.closed);
  EXPECT_EQ(s.popularity, (std::vector<double>{0.5, 0.5}));
}

TEST(RequestStreamTest, ColumnsMayComeInAnyOrder) {
  const RequestStream s = parse_requests(
      "adapter,decode_tokens,prompt_tokens,arrival_us,note\n1,3,7,10,x\n", "t.csv", 2);
  ASSERT_EQ(s.requests.size(), 1u);
  EXPECT_EQ(s.requests[0].arrival, 10000000);
  EXPECT_EQ(s.requests[0].adapter, 1);
  EXPECT_EQ(s.requests[0].prompt_tokens, 7);
  EXPECT_EQ(s.requests[0].decode_tokens, 3);
}

TEST(RequestStreamTest, JsonLinesTraceReadsTheSameFields) {
  const RequestStream s = parse_requests(
      "{\"arrival_us\": 1, \"adapter\": 2, \"prompt_tokens\": 32, \"decode_tokens\": 5}\n\n"
      "{\"arrival_us\": 4, \"adapter\": 0, \"prompt_tokens\": 8, \"decode_tokens\": 0}\n",
      "t.jsonl", 3);
  ASSERT_EQ(s.requests.size(), 2u);
  EXPECT_EQ(s.requests[0].arrival, 1000000);
  EXPECT_EQ(s.requests[0].adapter, 2);
  EXPECT_EQ(s.requests[0].prompt_tokens, 32);
  EXPECT_EQ(s.requests[0].decode_tokens, 5);
  EXPECT_EQ(s.requests[1].arrival, 4000000);
}

TEST(RequestStreamTest, BadTracesNameTheFileAndLine) {
  const std::string header = "arrival_us,adapter,prompt_tokens,decode_tokens\n";
  EXPECT_EQ(
      error_of([] { parse_requests("arrival_us,adapter,prompt_tokens\n0,0,8\n", "t.csv", 2); }),
      "t.csv:1: no column decode_tokens (accepted: a header "
      "arrival_us,adapter,prompt_tokens,decode_tokens)");
  EXPECT_EQ(error_of([&] { parse_requests(header + "0,0,8,0\n-1,0,8,0\n", "t.csv", 2); }),
            "t.csv:3: arrival_us -1 is negative (accepted: microseconds >= 0)");
  EXPECT_EQ(error_of([&] { parse_requests(header + "0,0,8,0\n1,5,8,0\n", "t.csv", 2); }),
            "t.csv:3: unknown adapter 5 (accepted: 0 .. 1, serve.adapters is 2)");
  EXPECT_EQ(error_of([&] { parse_requests(header + "0,zero,8,0\n", "t.csv", 2); }),
            "t.csv:2: column 2 (adapter): 'zero' is not a number");
  EXPECT_EQ(error_of([&] { parse_requests(header + "5,0,8,0\n4,0,8,0\n", "t.csv", 2); }),
            "t.csv:3: arrival_us 4 is before the previous request's (accepted: requests in "
            "arrival order)");
  EXPECT_EQ(error_of([&] { parse_requests(header + "0,0,0,0\n", "t.csv", 2); }),
            "t.csv:2: prompt_tokens is 0 (accepted: at least 1)");
  EXPECT_EQ(error_of([&] { parse_requests(header + "0,0.5,8,0\n", "t.csv", 2); }),
            "t.csv:2: adapter 0.5 is not a whole number >= 0");
  EXPECT_EQ(error_of([] {
              parse_requests("{\"arrival_us\": 0, \"adapter\": 0, \"prompt_tokens\": 8}\n",
                             "t.jsonl", 2);
            }),
            "t.jsonl:1: no field decode_tokens (accepted: arrival_us, adapter, prompt_tokens, "
            "decode_tokens)");
  EXPECT_EQ(error_of([] {
              parse_requests(
                  "{\"arrival_us\": 0, \"adapter\": \"a\", \"prompt_tokens\": 8, "
                  "\"decode_tokens\": 0}\n",
                  "t.jsonl", 2);
            }),
            "t.jsonl:1: adapter \"a\" is not a number");
  EXPECT_EQ(error_of([&] { parse_requests(header, "t.csv", 2); }), "t.csv: no requests");
}

ServeParams params(const std::vector<std::string>& overrides) {
  return ServeParams::from(test::reference_config(overrides));
}

TEST(RequestStreamTest, GeneratedStreamIsTheSameUnderTheSameSeed) {
  const std::vector<std::string> o = {"serve.requests=50", "serve.mix=zipf",
                                      "serve.prompt_tokens=8", "serve.prompt_tokens_max=64"};
  const RequestStream a = generate_requests(params(o)), b = generate_requests(params(o));
  ASSERT_EQ(a.requests.size(), 50u);
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(a.requests[i].arrival, b.requests[i].arrival);
    EXPECT_EQ(a.requests[i].adapter, b.requests[i].adapter);
    EXPECT_EQ(a.requests[i].prompt_tokens, b.requests[i].prompt_tokens);
    EXPECT_GE(a.requests[i].prompt_tokens, 8);
    EXPECT_LE(a.requests[i].prompt_tokens, 64);
  }
  auto other = o;
  other.push_back("serve.seed=2");
  EXPECT_NE(generate_requests(params(other)).requests[0].arrival, a.requests[0].arrival);
}

TEST(RequestStreamTest, PoissonArrivalsAndZipfMixFollowTheirParameters) {
  const RequestStream s = generate_requests(
      params({"serve.requests=40000", "serve.rate=1000Hz", "serve.mix=zipf", "serve.adapters=4"}));
  // Mean gap 1 ms; over n gaps the mean's standard error is 1 ms / sqrt(n) = 0.5 %.
  const double mean_gap_ms = static_cast<double>(s.requests.back().arrival) / 1e9 / 40000;
  EXPECT_NEAR(mean_gap_ms, 1.0, 0.02);
  // Zipf exponent 1 over 4 adapters: weights 1, 1/2, 1/3, 1/4 over 25/12 = 0.48, 0.24, 0.16, 0.12.
  EXPECT_NEAR(s.popularity[0], 12.0 / 25, 1e-12);
  EXPECT_NEAR(s.popularity[3], 3.0 / 25, 1e-12);
  std::vector<double> count(4, 0);
  for (const Request& r : s.requests) count[static_cast<std::size_t>(r.adapter)] += 1;
  for (std::size_t a = 0; a < 4; ++a)
    EXPECT_NEAR(count[a] / 40000, s.popularity[a], 0.01) << "adapter " << a;
}

TEST(RequestStreamTest, WeightsMixAndItsErrors) {
  const RequestStream s =
      generate_requests(params({"serve.adapters=3", "serve.mix=weights", "serve.weights=1,0,3"}));
  EXPECT_EQ(s.popularity, (std::vector<double>{0.25, 0, 0.75}));
  for (const Request& r : s.requests) EXPECT_NE(r.adapter, 1);
  EXPECT_EQ(
      error_of([] {
        generate_requests(params({"serve.adapters=3", "serve.mix=weights", "serve.weights=1,2"}));
      }),
      "serve.weights: 2 weights for serve.adapters 3 (accepted: one weight per adapter, "
      "comma-separated)");
  EXPECT_EQ(
      error_of([] {
        generate_requests(params({"serve.adapters=2", "serve.mix=weights", "serve.weights=1,x"}));
      }),
      "serve.weights: 'x' is not a non-negative number (accepted: one weight per adapter, "
      "comma-separated)");
}

TEST(RequestStreamTest, RanksAreOnePerAdapterOrLoraRank) {
  EXPECT_EQ(adapter_ranks(params({"serve.adapters=3"}), 8), (std::vector<std::int64_t>{8, 8, 8}));
  EXPECT_EQ(adapter_ranks(params({"serve.adapters=3", "serve.ranks=4,16,8"}), 8),
            (std::vector<std::int64_t>{4, 16, 8}));
  EXPECT_EQ(error_of([] {
              adapter_ranks(params({"serve.adapters=3", "serve.ranks=4,16"}), 8);
            }),
            "serve.ranks: 2 ranks for serve.adapters 3 (accepted: one rank per adapter, "
            "comma-separated, or none)");
  EXPECT_EQ(error_of([] {
              adapter_ranks(params({"serve.adapters=2", "serve.ranks=4,0"}), 8);
            }),
            "serve.ranks: '0' is not a rank (accepted: one whole number >= 1 per adapter, "
            "comma-separated, or none)");
}

TEST(RequestStreamTest, ALengthMaximumBelowItsMinimumIsAnError) {
  EXPECT_EQ(error_of([] {
              generate_requests(params({"serve.prompt_tokens=128", "serve.prompt_tokens_max=64"}));
            }),
            "serve.prompt_tokens_max: 64 is below serve.prompt_tokens 128 (accepted: 0 for a fixed "
            "length, or at least serve.prompt_tokens)");
  EXPECT_EQ(error_of([] {
              generate_requests(params({"serve.decode_tokens=8", "serve.decode_tokens_max=4"}));
            }),
            "serve.decode_tokens_max: 4 is below serve.decode_tokens 8 (accepted: 0 for a fixed "
            "length, or at least serve.decode_tokens)");
}

TEST(RequestStreamTest, ClosedLoopGivesEachClientItsRequestsInTurn) {
  const RequestStream s = generate_requests(
      params({"serve.arrival=closed", "serve.clients=3", "serve.requests=7", "serve.think=2us"}));
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(s.think, 2000000);
  for (const Request& r : s.requests) EXPECT_EQ(r.client, r.id % 3);
}

}  // namespace
}  // namespace aimcsim
