#include "sim/serve/serve.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sim/base/error.hpp"
#include "sim/run/run.hpp"
#include "sim/serve/cost_model.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

const char* const kHeader = "arrival_us,adapter,prompt_tokens,decode_tokens\n";

// linear:512x128 with a rank-8 adapter: A and B are 8 x (512 + 128) x 2 B = 10240 B, all on one
// PMCA. Loaded from DRAM into L1: the DRAM hop 100 ns + 10240 B / 17.064 GB/s (600.094 ns),
// then L2 to L1 by DMA: 30 cycles of latency and setup + 10240 / 64 cycles at 1 GHz (190 ns).
constexpr Picos kDramToL1 = 100000 + 600094 + 190000;
constexpr double kDramToL1Pj = 40.0 * 10240 + 1.0 * 10240;  // memory.dram.e_byte, pmca.e_dma_byte

Config linear_config(std::vector<std::string> o = {}) {
  o.insert(o.begin(), "workload.seq_len=64");
  return test::reference_config(o);
}

const DesignServed& design(const ServeResult& r, const std::string& name) {
  for (const DesignServed& d : r.designs)
    if (d.name == name) return d;
  throw std::logic_error("no design " + name);
}

TEST(ServeTest, OneRequestOnAnIdlePlatformTakesTheSingleRunLatencyPlusItsLoad) {
  // The reprogramming design switches the tiles as soon as one request waits.
  const Config cfg = linear_config({"serve.adapters=1", "serve.reprogram_queue=1"});
  const ServeResult r =
      serve(cfg, parse_requests(std::string(kHeader) + "0,0,64,0\n1000,0,64,0\n", "t.csv", 1));
  const RunResult single = simulate(linear_config());
  EXPECT_EQ(r.adapter_bytes, 10240);
  const DesignServed& h = design(r, "hybrid");
  // The first request waits for its adapter from DRAM, then runs as the single run does.
  EXPECT_EQ(h.requests[0].waited_for, "dram");
  EXPECT_EQ(h.requests[0].wait, kDramToL1);
  EXPECT_EQ(h.requests[0].start, 0);
  EXPECT_EQ(h.requests[0].first_token, kDramToL1 + single.hybrid);
  EXPECT_EQ(h.requests[0].finish, kDramToL1 + single.hybrid);
  const double dynamic = single.hybrid_energy.total() - single.hybrid_energy.get("static");
  EXPECT_NEAR(h.requests[0].energy_pj, dynamic + kDramToL1Pj, 1e-6);
  // The second, at 1 ms on an idle platform, finds its adapter in L1.
  EXPECT_EQ(h.requests[1].waited_for, "none");
  EXPECT_EQ(h.requests[1].finish, 1000000000 + single.hybrid);
  EXPECT_EQ(h.traffic.found, (std::vector<std::int64_t>{1, 0, 1}));
  EXPECT_EQ(h.traffic.bytes_moved, 2 * 10240);  // DRAM to L2, L2 to L1
  // The analog-only design runs the same request without adapters.
  EXPECT_EQ(design(r, "analog_only").requests[0].finish, single.analog_only);
  // Reprogramming the tiles with the task's merged weights first: every tile at once.
  const DesignServed& p = design(r, "reprogram");
  EXPECT_EQ(p.requests[0].waited_for, "program");
  EXPECT_EQ(p.requests[0].finish, single.programming.all_tiles_parallel + single.analog_only);
  EXPECT_EQ(p.requests[1].waited_for, "none");
  EXPECT_EQ(p.reprogrammings, 1);
}

TEST(ServeTest, TwoRequestsForDifferentAdaptersWithAOneAdapterL1PayOneLoadEach) {
  // L1 holds exactly one adapter's 10240 B.
  const Config cfg = linear_config({"serve.adapters=2", "memory.l1_adapters=10240B"});
  const ServeResult r =
      serve(cfg, parse_requests(std::string(kHeader) + "0,0,64,0\n0,1,64,0\n", "t.csv", 2));
  const RunResult single = simulate(linear_config());
  const DesignServed& h = design(r, "hybrid");
  EXPECT_EQ(h.traffic.capacity[0], 1);
  EXPECT_EQ(h.traffic.loads, 2);
  EXPECT_EQ(h.traffic.bytes_moved, 2 * 2 * 10240);
  for (const ServedRequest& s : h.requests) {
    EXPECT_EQ(s.waited_for, "dram");
    EXPECT_EQ(s.wait, kDramToL1);
  }
  EXPECT_EQ(h.requests[1].start, kDramToL1 + single.hybrid);
  EXPECT_EQ(h.requests[1].finish, 2 * (kDramToL1 + single.hybrid));
  EXPECT_NEAR(h.load_pj, 2 * kDramToL1Pj, 1e-6);
}

TEST(ServeTest, AdaptersOfDifferentRanksLoadAndRunAtTheirOwnRank) {
  // Adapter 1 has rank 16: 16 x (512 + 128) x 2 B = 20480 B, so L1's 32 KiB hold one adapter of
  // the largest size. Its load: 100 ns + 20480 B / 17.064 GB/s (1200.188 ns) from DRAM, then
  // 30 + 20480 / 64 cycles at 1 GHz (350 ns) from L2.
  const Config cfg = linear_config({"serve.adapters=2", "serve.ranks=8,16"});
  const ServeResult r =
      serve(cfg, parse_requests(std::string(kHeader) + "0,0,64,0\n1000,1,64,0\n", "t.csv", 2));
  EXPECT_EQ(r.ranks, (std::vector<std::int64_t>{8, 16}));
  EXPECT_EQ(r.adapter_bytes, 20480);
  const DesignServed& h = design(r, "hybrid");
  EXPECT_EQ(h.traffic.capacity[0], 1);
  EXPECT_EQ(h.requests[0].wait, kDramToL1);
  EXPECT_EQ(h.requests[0].finish, kDramToL1 + simulate(linear_config()).hybrid);
  const Picos load16 = 100000 + 1200188 + 350000;
  EXPECT_EQ(h.requests[1].wait, load16);
  EXPECT_EQ(h.requests[1].finish,
            1000000000 + load16 + simulate(linear_config({"lora.rank=16"})).hybrid);
  EXPECT_EQ(h.traffic.bytes_moved, 2 * 10240 + 2 * 20480);
  // The analog-only design has no adapters: both requests take the same time.
  const DesignServed& a = design(r, "analog_only");
  EXPECT_EQ(a.requests[1].finish - a.requests[1].request.arrival, a.requests[0].finish);
}

TEST(ServeTest, TheCachedPathEqualsAFullSimulationOfADecoder) {
  const std::vector<std::string> model = {"workload.model=gpt2", "workload.seq_len=16",
                                          "workload.decode_tokens=4", "lora.rank=8"};
  std::vector<std::string> o = model;
  o.insert(o.end(), {"serve.adapters=1", "serve.cost_grid=exact"});
  const ServeResult r = serve(test::reference_config(o),
                              parse_requests(std::string(kHeader) + "0,0,16,4\n", "t.csv", 1));
  const RunResult full = simulate(test::reference_config(model));
  const DesignServed& a = design(r, "analog_only");
  EXPECT_EQ(a.requests[0].first_token, full.prefill_analog_only);
  EXPECT_EQ(a.requests[0].finish, full.analog_only);
  const DesignServed& h = design(r, "hybrid");
  EXPECT_EQ(h.requests[0].first_token - h.requests[0].wait, full.prefill_hybrid);
  EXPECT_EQ(h.requests[0].finish - h.requests[0].wait, full.hybrid);
}

TEST(ServeTest, LittlesLawHoldsOnALongPoissonStream) {
  // 20000 requests of 8 tokens at 100 kHz on one adapter: each design is busy for a tenth to
  // a half of the time, so the queue is stable.
  const std::int64_t n = 20000;
  const double rate_per_us = 0.1;
  const Config cfg = linear_config(
      {"serve.adapters=1", "serve.requests=20000", "serve.rate=100kHz", "serve.prompt_tokens=8"});
  const ServeResult r = serve(cfg, request_stream(cfg));
  for (const DesignServed& d : r.designs) {
    // Mean number in the system, as a time average of N(t) from the arrivals and finishes.
    std::vector<std::pair<Picos, int>> events;
    double latency_sum_us = 0;
    for (const ServedRequest& s : d.requests) {
      events.push_back({s.request.arrival, +1});
      events.push_back({s.finish, -1});
      latency_sum_us += static_cast<double>(s.finish - s.request.arrival) / 1e6;
    }
    std::sort(events.begin(), events.end());
    double area_us = 0;
    int in_system = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i > 0)
        area_us += in_system * static_cast<double>(events[i].first - events[i - 1].first) / 1e6;
      in_system += events[i].second;
    }
    const double window_us = static_cast<double>(events.back().first - events.front().first) / 1e6;
    const double mean_in_system = area_us / window_us;
    const double mean_latency_us = latency_sum_us / static_cast<double>(n);
    // L = lambda W with the configured rate: the count of a Poisson stream over its window is
    // off by about 1 / sqrt(n) = 0.7 %; four times that is allowed.
    EXPECT_NEAR(mean_in_system / (rate_per_us * mean_latency_us), 1.0, 4 / std::sqrt(double(n)))
        << d.name;
    EXPECT_GT(mean_in_system, 0.1) << d.name;  // a queue that is not empty all the time
  }
}

TEST(ServeTest, BatchingSameAdapterRequestsRaisesThroughput) {
  // Eight requests for one adapter at once on GPT-2: 16 prompt tokens, 8 decode tokens each.
  std::string trace = kHeader;
  for (int i = 0; i < 8; ++i) trace += "0,0,16,8\n";
  const std::vector<std::string> model = {"workload.model=gpt2", "workload.seq_len=16",
                                          "serve.adapters=1", "serve.max_batch=8"};
  auto with = [&](const std::string& policy) {
    std::vector<std::string> o = model;
    o.push_back("serve.policy=" + policy);
    return serve(test::reference_config(o), parse_requests(trace, "t.csv", 1));
  };
  const ServeResult fcfs = with("fcfs"), batched = with("same-adapter");
  // The same costs, from the cost model the serving loop uses.
  CostModel cost(test::reference_config(model), "pow2");
  const Picos prefill = cost.prefill(16).hybrid.latency;
  Picos alone = 0, together = 0;
  for (int s = 0; s < 8; ++s) {
    alone += cost.step(1, 1, 16 + s).hybrid.latency;
    together += cost.step(8, 1, 16 + s).hybrid.latency;
  }
  const Picos load = design(fcfs, "hybrid").requests[0].wait;
  // FCFS: each request's prefill and eight steps alone. Batched: the eight prefills (each joins
  // the batch before it steps), then eight steps of all eight.
  EXPECT_EQ(design(fcfs, "hybrid").end, load + 8 * (prefill + alone));
  EXPECT_EQ(design(batched, "hybrid").end, load + 8 * prefill + together);
  EXPECT_LT(together, 8 * alone);
  EXPECT_EQ(design(batched, "hybrid").steps, 8);
  EXPECT_EQ(design(fcfs, "hybrid").steps, 64);
}

TEST(ServeTest, MixedBatchesHoldOnlyAsManyAdaptersAsL1Does) {
  // Four requests for four adapters at once with an L1 of two adapters: GPT-2's largest rank-8
  // adapter share is c_fc's (or c_proj's) 8 x (768 + 3072) x 2 B = 61440 B, so 122880 B hold two.
  std::string trace = kHeader;
  for (int a = 0; a < 4; ++a) trace += "0," + std::to_string(a) + ",16,2\n";
  const std::vector<std::string> model = {"workload.model=gpt2", "workload.seq_len=16",
                                          "serve.adapters=4"};
  std::vector<std::string> o = model;
  o.insert(o.end(), {"serve.policy=mixed", "serve.max_batch=4", "memory.l1_adapters=122880B"});
  const ServeResult r = serve(test::reference_config(o), parse_requests(trace, "t.csv", 4));
  EXPECT_EQ(r.adapter_share, 61440);
  const DesignServed& h = design(r, "hybrid");
  EXPECT_EQ(h.traffic.capacity[0], 2);
  // Requests 0 and 1 join (two adapters fill L1), decode their two tokens in two steps of two
  // tokens over two adapters; then 2 and 3 do the same.
  EXPECT_EQ(h.steps, 4);
  EXPECT_EQ(h.step_tokens, 8);
  CostModel cost(test::reference_config(model), "pow2");
  const Picos prefill = cost.prefill(16).hybrid.latency;
  const Picos steps = cost.step(2, 2, 16).hybrid.latency + cost.step(2, 2, 17).hybrid.latency;
  Picos loads = 0;
  for (const ServedRequest& s : h.requests) {
    EXPECT_EQ(s.waited_for, "dram");
    loads += s.wait;
  }
  EXPECT_EQ(h.requests[1].finish, loads / 2 + 2 * prefill + steps);
  EXPECT_EQ(h.requests[2].start, h.requests[1].finish);
  EXPECT_EQ(h.end, loads + 4 * prefill + 2 * steps);
  // The analog-only design has no adapters to hold: all four decode together.
  EXPECT_EQ(design(r, "analog_only").steps, 2);
}

TEST(ServeTest, Pow2CostsInterpolateBetweenSimulatedPowersOfTwo) {
  const Config cfg = test::reference_config({"workload.model=gpt2", "workload.seq_len=16"});
  CostModel pow2(cfg, "pow2"), exact(cfg, "exact");
  // A context of 600 lies 88 / 512 of the way from 512 to 1024.
  const double lo = static_cast<double>(exact.step(2, 1, 512).hybrid.latency);
  const double hi = static_cast<double>(exact.step(2, 1, 1024).hybrid.latency);
  EXPECT_EQ(pow2.step(2, 1, 600).hybrid.latency, std::llround(lo + (hi - lo) * 88.0 / 512));
  EXPECT_EQ(pow2.step(2, 1, 512).hybrid.latency, exact.step(2, 1, 512).hybrid.latency);
  const double p16 = static_cast<double>(exact.prefill(16).analog_only.latency);
  const double p32 = static_cast<double>(exact.prefill(32).analog_only.latency);
  EXPECT_EQ(pow2.prefill(20).analog_only.latency, std::llround(p16 + (p32 - p16) * 4.0 / 16));
}

TEST(ServeTest, DecodeTokensOnAnEncoderAreAnError) {
  const Config cfg = linear_config({"serve.adapters=1"});
  EXPECT_EQ(test::error_of([&] {
              serve(cfg, parse_requests(std::string(kHeader) + "0,0,8,2\n", "t.csv", 1));
            }),
            "request 0 decodes 2 tokens, but linear:512x128 is an encoder (no decode phase); "
            "accepted: decode_tokens 0 (serve.decode_tokens, or the trace's column)");
}

TEST(ServeTest, AdaptersThatFitNoMemoryAreAnError) {
  const Config cfg =
      linear_config({"serve.adapters=1", "memory.l1_adapters=1KiB", "memory.l2_adapters=1KiB"});
  EXPECT_EQ(test::error_of([&] {
              serve(cfg, parse_requests(std::string(kHeader) + "0,0,8,0\n", "t.csv", 1));
            }),
            "memory.l1_adapters (1024 B) and memory.l2_adapters (1024 B) each hold less than one "
            "adapter's share of a PMCA (10240 B, the largest LoRA of linear:512x128); accepted: "
            "at least that much in one of them (or fewer lora.targets, a lower lora.rank)");
  const Config small_dram = linear_config({"serve.adapters=8", "memory.dram.size=40KiB"});
  EXPECT_EQ(test::error_of([&] {
              serve(small_dram, parse_requests(std::string(kHeader) + "0,0,8,0\n", "t.csv", 8));
            }),
            "memory.dram.size (40960 B) holds 4 adapters of 10240 B; serve.adapters is 8");
}

}  // namespace
}  // namespace aimcsim
