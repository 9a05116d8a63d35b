#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"
#include "tests/support/scratch_dir.hpp"

namespace aimcsim {
namespace {

using test::file_text;
using test::run_aimcsim;
using test::ScratchDir;

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

const char* const kLinear = "-p workload.model=linear:512x128 -p workload.seq_len=64 ";

TEST(ServeCliTest, ServesATraceAndWritesTheSameBytesTwice) {
  ScratchDir dir("serve-cli");
  const std::string trace = dir / "trace.csv";
  write(trace, "arrival_us,adapter,prompt_tokens,decode_tokens\n0,0,64,0\n5,1,32,0\n9,0,64,0\n");
  const std::string args =
      std::string("serve ") + kLinear + "-p serve.adapters=2 --requests " + trace + " -o ";
  const auto a = run_aimcsim(args + (dir / "a"));
  ASSERT_EQ(a.status, 0) << a.output();
  EXPECT_NE(a.err.find("wrote requests.csv, serve.json, config.yaml"), std::string::npos) << a.err;
  EXPECT_NE(a.out.find("hybrid"), std::string::npos) << a.out;
  const auto b = run_aimcsim(args + (dir / "b"));
  ASSERT_EQ(b.status, 0) << b.output();
  for (const char* f : {"requests.csv", "serve.json", "config.yaml"})
    EXPECT_EQ(file_text(dir / (std::string("a/") + f)), file_text(dir / (std::string("b/") + f)))
        << f;
  // Three designs, three requests each.
  const std::string csv = file_text(dir / "a/requests.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 3 * 3);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "design,id,adapter,prompt_tokens,decode_tokens,arrival_us,start_us,first_token_us,"
            "finish_us,ttft_us,tpot_us,latency_us,waited_for,wait_us,energy_uj");
  const auto j = nlohmann::json::parse(file_text(dir / "a/serve.json"));
  EXPECT_EQ(j["adapters"], 2);
  for (const char* d : {"hybrid", "reprogram", "analog_only"}) {
    EXPECT_EQ(j["designs"][d]["requests"], 3) << d;
    EXPECT_GT(j["designs"][d]["throughput_rps"].get<double>(), 0) << d;
    EXPECT_TRUE(j["designs"][d]["ttft_us"].contains("p99")) << d;
  }
  // Adapter 0 is loaded from DRAM, adapter 1 too, then adapter 0 is found in L1 (32 KiB holds
  // three of the 10240 B adapters).
  EXPECT_EQ(j["designs"]["hybrid"]["adapters"]["levels"]["l1"]["found"], 1);
  EXPECT_EQ(j["designs"]["hybrid"]["adapters"]["levels"]["dram"]["found"], 2);
  EXPECT_EQ(j["designs"]["hybrid"]["adapters"]["bytes_moved"], 4 * 10240);
  // config.yaml names the trace, so serving it again reproduces the run.
  const auto c = run_aimcsim("serve " + (dir / "a/config.yaml") + " -o " + (dir / "c"));
  ASSERT_EQ(c.status, 0) << c.output();
  EXPECT_EQ(file_text(dir / "a/requests.csv"), file_text(dir / "c/requests.csv"));
}

TEST(ServeCliTest, TraceJsonHasALanePerPartOfEachDesign) {
  ScratchDir dir("serve-cli");
  const std::string trace = dir / "trace.csv";
  write(trace, "arrival_us,adapter,prompt_tokens,decode_tokens\n0,0,64,0\n5,1,32,0\n9,0,64,0\n");
  const std::string args = std::string("serve ") + kLinear + "-p serve.adapters=2 --requests " +
                           trace + " -o " + (dir / "out");
  const auto r = run_aimcsim(args + " -p output.trace=true");
  ASSERT_EQ(r.status, 0) << r.output();
  const auto j = nlohmann::json::parse(file_text(dir / "out/trace.json"));
  std::map<std::string, int> by_category;
  std::vector<std::string> lanes;
  double first_load_us = -1;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["pid"] == 0)
      lanes.push_back(e["args"]["name"]);
    if (e["ph"] != "X") continue;
    ++by_category[std::to_string(e["pid"].get<int>()) + ":" + e["cat"].get<std::string>()];
    if (e["cat"] == "load" && first_load_us < 0) first_load_us = e["dur"].get<double>();
  }
  EXPECT_EQ(lanes, (std::vector<std::string>{"platform", "memory", "tiles"}));
  // Hybrid: adapters 0 and 1 loaded once each, three prefills; reprogramming (tiles' policy
  // with serve.reprogram_queue 4): task 0, then task 1; analog-only: three prefills.
  EXPECT_EQ(
      by_category,
      (std::map<std::string, int>{
          {"0:load", 2}, {"0:prefill", 3}, {"1:prefill", 3}, {"1:program", 2}, {"2:prefill", 3}}));
  // The first load is the first request's wait in requests.csv: 100 ns + 10240 B / 17.064 GB/s
  // from DRAM, then (20 + 10 + 160) cycles at the default job's 666 MHz from L2.
  EXPECT_NEAR(first_load_us, 0.985379, 1e-6);
  // Without the trace, a later run into the folder leaves no trace.json behind.
  ASSERT_EQ(run_aimcsim(args).status, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "out/trace.json"));
}

TEST(ServeCliTest, ABadTraceExits2NamingTheLine) {
  ScratchDir dir("serve-cli");
  const std::string trace = dir / "bad.csv";
  write(trace, "arrival_us,adapter,prompt_tokens,decode_tokens\n0,0,64,0\n1,7,64,0\n");
  const auto r = run_aimcsim(std::string("serve ") + kLinear + "-p serve.adapters=2 --requests " +
                             trace + " -o " + (dir / "out"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(trace + ":3: unknown adapter 7 (accepted: 0 .. 1, serve.adapters is 2)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out/serve.json"));
  const std::string jsonl = dir / "bad.jsonl";
  write(jsonl,
        "{\"arrival_us\": -3, \"adapter\": 0, \"prompt_tokens\": 8, \"decode_tokens\": 0}\n");
  const auto j =
      run_aimcsim(std::string("serve ") + kLinear + "--requests " + jsonl + " -o " + (dir / "out"));
  EXPECT_EQ(j.status, 2);
  EXPECT_NE(j.err.find(jsonl + ":1: arrival_us -3 is negative"), std::string::npos) << j.err;
  const auto missing = run_aimcsim(std::string("serve ") + kLinear + "--requests " +
                                   (dir / "none.csv") + " -o " + (dir / "out"));
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("none.csv: cannot read the request file"), std::string::npos)
      << missing.err;
}

TEST(ServeCliTest, ServesGeneratedStreamsOnAnEncoderAndADecoder) {
  ScratchDir dir("serve-cli");
  // The default job's MobileBERT, 30 requests of 128 tokens over 8 adapters under Zipf.
  const auto enc = run_aimcsim(
      "serve -p serve.requests=30 -p serve.mix=zipf -p serve.rate=50Hz -o " + (dir / "enc"));
  ASSERT_EQ(enc.status, 0) << enc.output();
  const auto e = nlohmann::json::parse(file_text(dir / "enc/serve.json"));
  EXPECT_EQ(e["model"], "mobilebert");
  EXPECT_EQ(e["designs"]["hybrid"]["requests"], 30);
  EXPECT_FALSE(e["designs"]["hybrid"].contains("tpot_us"));
  // GPT-2, a closed loop of 4 clients decoding 8 tokens with same-adapter batching.
  const auto dec = run_aimcsim(
      "serve -p workload.model=gpt2 -p workload.seq_len=32 -p lora.targets=all "
      "-p serve.requests=24 "
      "-p serve.arrival=closed -p serve.clients=4 -p serve.prompt_tokens=32 "
      "-p serve.decode_tokens=8 -p serve.policy=same-adapter -p serve.adapters=2 -o " +
      (dir / "dec"));
  ASSERT_EQ(dec.status, 0) << dec.output();
  const auto d = nlohmann::json::parse(file_text(dir / "dec/serve.json"));
  EXPECT_EQ(d["designs"]["hybrid"]["requests"], 24);
  EXPECT_GT(d["designs"]["hybrid"]["tpot_us"]["p50"].get<double>(), 0);
  EXPECT_GT(d["designs"]["hybrid"]["decode_tokens_per_s"].get<double>(), 0);
}

}  // namespace
}  // namespace aimcsim
