// Drives the aimcsim executable as a user would and checks exit codes, messages and files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/process.hpp"
#include "tests/support/scratch_dir.hpp"

namespace aimcsim {
namespace {

using test::ProcessResult;
using test::run_aimcsim;

class CliTest : public ::testing::Test {
 protected:
  std::string out(const std::string& name = "out") const { return dir_ / name; }
  test::ScratchDir dir_{"cli"};
};

TEST_F(CliTest, VersionAndHelpExitZero) {
  const ProcessResult v = run_aimcsim("--version");
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.output().rfind("aimcsim 0.", 0), 0u) << v.output();
  EXPECT_NE(v.output().find(" (git "), std::string::npos) << v.output();  // and the revision
  EXPECT_EQ(run_aimcsim("--help").status, 0);
  const ProcessResult h = run_aimcsim("run --help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.output().find("-p,--param"), std::string::npos);
}

// The executable asks for its heap in huge pages before any library starts (sim/cli/main.cpp);
// AIMCSIM_HUGE_PAGES=0 leaves the C library's defaults. Both write the same bytes.
TEST_F(CliTest, TheHugePageHeapChangesNoOutput) {
  const std::string args = " -q run -p workload.seq_len=64 -p output.trace=true -o ";
  ASSERT_EQ(test::run_command(test::aimcsim_exe() + args + out("huge")).status, 0);
  ASSERT_EQ(
      test::run_command("AIMCSIM_HUGE_PAGES=0 " + test::aimcsim_exe() + args + out("plain")).status,
      0);
  for (const char* f :
       {"layers.csv", "ops.csv", "summary.json", "stats.csv", "config.yaml", "trace.json"})
    EXPECT_EQ(test::file_text(out("huge") + "/" + f), test::file_text(out("plain") + "/" + f)) << f;
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  const ProcessResult none = run_aimcsim("");
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("aimcsim: error: a subcommand is required; accepted: calibrate, compare"),
            std::string::npos)
      << none.err;
  EXPECT_EQ(run_aimcsim("frobnicate").status, 2);
  const ProcessResult bogus = run_aimcsim("run --bogus");
  EXPECT_EQ(bogus.status, 2);
  EXPECT_EQ(bogus.err.rfind("aimcsim: error: ", 0), 0u) << bogus.err;  // CLI11's, prefixed
  // A subcommand's help says which options every subcommand takes.
  EXPECT_NE(run_aimcsim("run --help")
                .out.find("-q (quiet), -v / -vv or --log-level LEVEL, "
                          "--strict"),
            std::string::npos);
  const ProcessResult missing = run_aimcsim("run /nonexistent/config.yaml");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.output().find("/nonexistent/config.yaml"), std::string::npos);
}

TEST_F(CliTest, AnUnknownSubcommandIsNamedWithTheAcceptedOnes) {
  const ProcessResult r = run_aimcsim("frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown subcommand 'frobnicate'; accepted: calibrate, compare, "),
            std::string::npos)
      << r.err;
  // With --help the top-level help, exit 0.
  const ProcessResult h = run_aimcsim("frobnicate --help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("Usage: aimcsim [OPTIONS] SUBCOMMAND"), std::string::npos) << h.out;
}

TEST_F(CliTest, AParamWithASpaceSaysToUseKeyEqualsValue) {
  const ProcessResult r = run_aimcsim("run -p tile.t_int 256ns");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("-p tile.t_int: expected KEY=VALUE as one argument, e.g. -p "
                       "tile.t_int=256ns (here: -p tile.t_int=256ns)"),
            std::string::npos)
      << r.err;
}

TEST_F(CliTest, CompareNamesTheStrategyOptionItWasGiven) {
  const ProcessResult r = run_aimcsim("compare -s bogus -o " + out());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("-s/--strategies bogus: not a strategy; accepted: all, layer-pipelined"),
            std::string::npos)
      << r.err;
}

TEST_F(CliTest, GlobalOptionsAreAcceptedAfterTheSubcommand) {
  // -q and --log-level after `run`: no table on stdout, the 'wrote' line silenced too.
  const ProcessResult q = run_aimcsim(
      "run -p workload.model=linear:64x64 -p workload.seq_len=8 -q --log-level info "
      "-o " +
      out());
  EXPECT_EQ(q.status, 0) << q.output();
  EXPECT_TRUE(q.out.empty()) << q.out;
  EXPECT_EQ(q.err.find("wrote"), std::string::npos) << q.err;
  // Without -q: one line says where the outputs went.
  const ProcessResult w =
      run_aimcsim("run -p workload.model=linear:64x64 -p workload.seq_len=8 -o " + out());
  EXPECT_NE(w.err.find("aimcsim: wrote layers.csv, ops.csv, summary.json, stats.csv, config.yaml "
                       "in " +
                       out() + "/"),
            std::string::npos)
      << w.err;
  EXPECT_EQ(run_aimcsim("params -v tile.rows").status, 0);
}

TEST_F(CliTest, ParamsTakesAPrefixAndJson) {
  const ProcessResult r = run_aimcsim("params tile. --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto keys = nlohmann::json::parse(r.out);
  ASSERT_GT(keys.size(), 5u);
  for (const auto& k : keys) EXPECT_EQ(k.at("key").get<std::string>().rfind("tile.", 0), 0u);
  EXPECT_EQ(keys[0].at("key"), "tile.rows");
  const ProcessResult one = run_aimcsim("params tile.t_int");
  EXPECT_EQ(one.out.rfind("tile.t_int ", 0), 0u) << one.out;
  const ProcessResult none = run_aimcsim("params tile.nothing");
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("params tile.nothing: no key or section of that name"),
            std::string::npos);
}

TEST_F(CliTest, AFileAnEarlierRunLeftIsRemoved) {
  const std::string small =
      "run -q -p workload.model=linear:64x64 -p workload.seq_len=8 -o " + out();
  ASSERT_EQ(run_aimcsim(small + " -p output.trace=true").status, 0);
  ASSERT_TRUE(std::filesystem::exists(out() + "/trace.json"));
  ASSERT_EQ(run_aimcsim(small).status, 0);
  EXPECT_FALSE(std::filesystem::exists(out() + "/trace.json"));
}

TEST_F(CliTest, ASweepUnderStrictFailsThePointsOverCapacity) {
  // The same gpt2 point as below, swept: --strict reaches the point's run.
  const std::string sweep = out() + ".yaml";
  {
    std::ofstream(sweep) << "base:\n  workload: {model: gpt2, seq_len: 16, decode_tokens: 8}\n"
                            "  pmca: {l2_size: 64KiB}\n  memory: {kv_cache: l2}\n"
                            "grid:\n  pipeline.chunk_tokens: [32]\n";
  }
  const ProcessResult lax = run_aimcsim("sweep " + sweep + " -j 1 -o " + out("lax"));
  EXPECT_EQ(lax.status, 0) << lax.output();
  EXPECT_NE(test::file_text(out("lax") + "/results.csv").find(",over_capacity,"),
            std::string::npos);
  const ProcessResult strict = run_aimcsim("sweep " + sweep + " -j 1 --strict -o " + out("strict"));
  EXPECT_EQ(strict.status, 1) << strict.output();  // a point failed
  EXPECT_NE(test::file_text(out("strict") + "/sweep.json").find("is over capacity (strict"),
            std::string::npos);
}

TEST_F(CliTest, ASweepStoppedBySigintSaysWhatFinishedAndResumes) {
  // Six LLaMA-3.1-8B points of about 0.25 s each (2048 + 128 tokens), one at a time; SIGINT once
  // the first point is under way (a background job of a shell ignores SIGINT until the sweep
  // installs its handler, so it is sent after the sweep has started its points), well before
  // the last can finish.
  const std::string sweep = out() + ".yaml";
  {
    std::ofstream(sweep) << "base:\n  workload: {model: llama-3.1-8b, seq_len: 2048, "
                            "decode_tokens: 128}\n  platform: {tiles_per_pmca: 1}\n"
                            "grid:\n  lora.rank: [11, 12, 13, 14, 15, 16]\n";
  }
  const std::string run = test::aimcsim_exe() + " sweep " + sweep + " -j 1 -o " + out("s");
  const test::ProcessResult r =
      test::run_command(run + " & pid=$!; for i in $(seq 300); do [ -e " + out("s") +
                        "/points/p0000/point.yaml ] && break; sleep 0.1; done; sleep 0.2; "
                        "kill -INT $pid; wait $pid; echo status=$?");
  EXPECT_NE(r.out.find("status=130"), std::string::npos) << r.output();
  EXPECT_NE(r.err.find("aimcsim: sweep stopped by SIGINT: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" of 6 points finished, kept in " + out("s") +
                       "; run the same command again to resume"),
            std::string::npos)
      << r.err;
  // Rerun: it finishes the rest.
  const test::ProcessResult again = test::run_command(run);
  EXPECT_EQ(again.status, 0) << again.output();
  const std::string csv = test::file_text(out("s") + "/results.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);  // the header and six rows
}

TEST_F(CliTest, OverCapacityIsFlaggedAndAnErrorWhenStrict) {
  // gpt2, 16 + 8 tokens: a layer's K and V, 2 x 12 heads x 64 x 24 x 2 B = 73728 B, against
  // a 64 KiB L2 that must hold it (memory.kv_cache l2).
  const std::string run =
      "run -p workload.model=gpt2 -p workload.seq_len=16 -p workload.decode_tokens=8 -p "
      "pmca.l2_size=64KiB -p memory.kv_cache=l2 -p pipeline.chunk_tokens=32 -o " +
      out();
  const ProcessResult flagged = run_aimcsim(run);
  ASSERT_EQ(flagged.status, 0) << flagged.err;
  EXPECT_NE(flagged.out.find("OVER CAPACITY (the figures assume it fits): kv_cache: a layer's K "
                             "and V (73728 B at 24 tokens)"),
            std::string::npos);
  const auto summary = nlohmann::json::parse(test::file_text(out() + "/summary.json"));
  EXPECT_EQ(summary.at("status"), "over_capacity");
  for (const char* strict : {"--strict", "-p output.strict=true"}) {
    SCOPED_TRACE(strict);
    const ProcessResult r = run_aimcsim(run + "2 " + strict);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("gpt2 is over capacity (strict: output.strict or --strict): kv_cache:"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(out() + "2/summary.json"));  // nothing written
  }
}

TEST_F(CliTest, CompletionAndManPageAreGeneratedFromTheHelp) {
  const ProcessResult c = run_aimcsim("completion bash");
  ASSERT_EQ(c.status, 0);
  EXPECT_NE(c.out.find("complete -F _aimcsim aimcsim"), std::string::npos);
  EXPECT_NE(c.out.find(" tile.t_int= "), std::string::npos);  // -p completes the keys
  EXPECT_NE(c.out.find("    run) words=\"-h --help -p --param -o --output --log-level -v "),
            std::string::npos)
      << c.out;
  { std::ofstream(out() + ".sh") << c.out; }
  EXPECT_EQ(test::run_command("bash -n " + out() + ".sh").status, 0);  // it parses
  const ProcessResult m = run_aimcsim("manpage");
  ASSERT_EQ(m.status, 0);
  EXPECT_EQ(m.out.rfind(".TH AIMCSIM 1 ", 0), 0u);
  EXPECT_NE(m.out.find(".SS sweep\n"), std::string::npos);
  EXPECT_NE(m.out.find("-j,--jobs"), std::string::npos);  // sweep's help text
}

TEST_F(CliTest, TimeWithoutUnitExitsTwoNamingTheKey) {
  const ProcessResult r = run_aimcsim("run -p tile.t_int=128 -o " + out());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("tile.t_int"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("has no unit"), std::string::npos) << r.output();
  EXPECT_FALSE(std::filesystem::exists(out()));  // nothing written on bad input
}

TEST_F(CliTest, UnknownKeyExitsTwoNamingTheKey) {
  const ProcessResult r = run_aimcsim("run -p tile.nonsense=1 -o " + out());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("tile.nonsense"), std::string::npos) << r.output();
}

TEST_F(CliTest, BadConfigFileNamesFileAndKey) {
  std::ofstream(dir_ / "bad.yaml")
      << "workload:\n  model: mobilebert\n  seq_len: 320\npmca:\n  freq: 1000\n";
  const ProcessResult r = run_aimcsim("run " + (dir_ / "bad.yaml") + " -o " + out());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("bad.yaml:5: pmca.freq"), std::string::npos) << r.output();
}

TEST_F(CliTest, ReferenceRowIsWrittenWithItsHandDerivedNumbers) {
  const ProcessResult r = run_aimcsim(
      "run -p workload.model=linear:512x128 -p tile.t_int=512ns -p pipeline.chunk_tokens=8 "
      "-p pmca.preset=snitch-cores -o " +
      out());
  ASSERT_EQ(r.status, 0) << r.output();
  const std::string csv = test::file_text(out() + "/layers.csv");
  std::istringstream lines(csv);
  std::string header, row, extra;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_FALSE(std::getline(lines, extra));  // one row
  EXPECT_EQ(header.rfind("block,op,in_features,out_features,tokens,rank,chunk_tokens,"
                         "analog_only_ready_ns,analog_only_start_ns,analog_only_end_ns,"
                         "analog_only_span_ns,hybrid_ready_ns,hybrid_start_ns,hybrid_end_ns,"
                         "hybrid_span_ns,overhead,",
                         0),
            0u);
  // 164506 ns analog-only (run_test: 540 + 319 x 514 ns); hybrid, the dataflow followed: the
  // adapters run while the tile works, only the last transfer and add remain:
  // 164506 + 74 + 182 = 164762 ns (strategy_test); overhead 164762 / 164506 = 1.001556. The only
  // operator is ready and starts at 0, so its end is its span.
  EXPECT_EQ(row.rfind("linear,linear_512x128,512,128,320,8,8,0.000,0.000,164506.000,164506.000,"
                      "0.000,0.000,164762.000,164762.000,1.001556,",
                      0),
            0u)
      << row;
  const auto summary = nlohmann::json::parse(test::file_text(out() + "/summary.json"));
  EXPECT_DOUBLE_EQ(summary["analog_only_ns"].get<double>(), 164506.0);
  EXPECT_DOUBLE_EQ(summary["hybrid_ns"].get<double>(), 164762.0);
  EXPECT_TRUE(summary["energy"]["hybrid"]["components"].contains("pmca_compute_nj"));
  EXPECT_EQ(summary["blocks"].size(), 1u);
  EXPECT_NE(r.output().find("end to end"), std::string::npos);
}

TEST_F(CliTest, EffectiveConfigReproducesTheRunByteForByte) {
  ASSERT_EQ(run_aimcsim("run -q -p tile.t_int=256ns -o " + out("a")).status, 0);
  ASSERT_EQ(run_aimcsim("run -q " + out("a") + "/config.yaml -o " + out("b")).status, 0);
  for (const char* f : {"layers.csv", "summary.json", "config.yaml"})
    EXPECT_EQ(test::file_text(out("a") + "/" + f), test::file_text(out("b") + "/" + f)) << f;
}

TEST_F(CliTest, DefaultRunPrintsThePerBlockTable) {
  const ProcessResult r = run_aimcsim("run -o " + out());
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.output().find(
                "mobilebert (seq_len 320), strategy token-pipelined, 869 operators (362 linear)"),
            std::string::npos)
      << r.output();
  EXPECT_NE(r.output().find("layer.23"), std::string::npos);
  EXPECT_EQ(r.output().find("SystemC"), std::string::npos);  // no kernel banner
  EXPECT_TRUE(std::filesystem::exists(out() + "/config.yaml"));
}

TEST_F(CliTest, TraceHasALanePerResourceAndTheHandDerivedJobs) {
  ASSERT_EQ(
      run_aimcsim(
          "run -q -p workload.model=linear:512x128 -p tile.t_int=512ns -p pipeline.chunk_tokens=8 "
          "-p output.trace=true -o " +
          out())
          .status,
      0);
  const auto trace = nlohmann::json::parse(test::file_text(out() + "/trace.json"));
  std::set<std::string> lanes;
  int hybrid_jobs = 0, analog_jobs = 0;
  double first_mvm_us = -1;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name")
      lanes.insert(e["args"]["name"].get<std::string>());
    if (e["ph"] != "X") continue;
    (e["pid"] == 1 ? hybrid_jobs : analog_jobs) += 1;
    if (e["pid"] == 1 && first_mvm_us < 0) first_mvm_us = e["dur"].get<double>();
  }
  const std::string op = ": linear.linear_512x128";
  EXPECT_EQ(lanes, (std::set<std::string>{"hybrid_tile0 (1 tile)" + op, "hybrid_link0" + op,
                                          "hybrid_pmca0" + op, "hybrid_xlink0" + op,
                                          "analog_only_tile0 (1 tile)" + op}));
  // 40 chunks: MVMs, X to the PMCA, X W to the PMCA, the adapter, the add
  EXPECT_EQ(hybrid_jobs, 40 * 5);
  EXPECT_EQ(analog_jobs, 40);
  EXPECT_DOUBLE_EQ(first_mvm_us, 4.138);  // 540 + 7 * 514 ns
}

TEST_F(CliTest, CompareShowsEveryStrategySideBySide) {
  const ProcessResult r = run_aimcsim(
      "compare -p workload.model=linear:512x128 -p tile.t_int=512ns -p pipeline.chunk_tokens=8 "
      "-p pmca.preset=snitch-cores -o " +
      out());
  ASSERT_EQ(r.status, 0) << r.output();
  const std::string csv = test::file_text(out() + "/compare.csv");
  // hand-derived in strategy_test (X reaches the PMCA in 266 ns a chunk, well ahead of its use):
  // token-, layer-pipelined and overlapped 164506 + 74 + 182 = 164762 ns; sequential: X W of the
  // layer at 164506 + 2570, then 40 adds of 182 ns: 174356 ns
  // Every strategy schedules the one-layer analog-only design alike, so the reference (the fastest
  // analog-only schedule, the first of equals: layer-pipelined, in name order) is 164506 ns too;
  // sequential against it: 174356 / 164506 = 1.059876.
  EXPECT_NE(csv.find("token-pipelined,ok,end to end,164506.000,164762.000,1.001556,layer-pipelined,"
                     "164506.000,1.001556,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("sequential,ok,end to end,164506.000,174356.000,1.059876,layer-pipelined,"
                     "164506.000,1.059876,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("overlapped,ok,end to end,164506.000,164762.000,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("layer-pipelined,ok,end to end,164506.000,164762.000,"), std::string::npos)
      << csv;
  EXPECT_NE(r.output().find("reference: layer-pipelined, the fastest analog-only schedule"),
            std::string::npos)
      << r.output();
  EXPECT_TRUE(std::filesystem::exists(out() + "/overlapped/layers.csv"));
  EXPECT_EQ(run_aimcsim("compare --variant nocolon -o " + out()).status, 2);
  const ProcessResult mixed = run_aimcsim(
      "compare --variant a:workload.model=linear:64x64 --variant "
      "\"b:workload.model=bert-base;workload.seq_len=8\" -o " +
      out("m"));
  EXPECT_EQ(mixed.status, 2) << mixed.output();
  EXPECT_NE(mixed.output().find("run different workloads"), std::string::npos) << mixed.output();
  const ProcessResult single = run_aimcsim(
      "run -q -p workload.model=linear:512x128 -p pipeline.strategy=layer-pipelined -o " +
      out("s"));
  EXPECT_NE(single.output().find("nothing to pipeline across layers"), std::string::npos)
      << single.output();
  EXPECT_EQ(run_aimcsim("compare --variant a:tile.t_int=5 -o " + out()).status, 2);
}

TEST_F(CliTest, KernelTakesAConfigWithOnlyPmcaKeys) {
  std::ofstream(dir_ / "pmca.yaml") << "pmca:\n  engine: redmule\n";
  const ProcessResult r = run_aimcsim("kernel gemm -m 128 -n 8 -k 512 " + (dir_ / "pmca.yaml"));
  EXPECT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.output().find("redmule"), std::string::npos) << r.output();
}

TEST_F(CliTest, ParamsListsEveryKey) {
  const ProcessResult r = run_aimcsim("params");
  EXPECT_EQ(r.status, 0);
  for (const char* key :
       {"workload.model", "workload.seq_len", "lora.rank", "tile.rows", "tile.cols", "tile.t_int",
        "pmca.freq", "pipeline.strategy", "pipeline.chunk_tokens"})
    EXPECT_NE(r.output().find(key), std::string::npos) << key;
}

TEST_F(CliTest, KernelPrintsTheLoraChunkBreakdown) {
  const ProcessResult r =
      run_aimcsim("kernel lora --tokens 8 --in 512 --out 128 --rank 8 -p pmca.preset=snitch-cores");
  ASSERT_EQ(r.status, 0) << r.output();
  // 2386 + 679 + 182 cycles at 1 GHz (pmca_model_test).
  EXPECT_NE(r.output().find("time: 3247.000 ns per chunk"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("L1: 20608 B of 131072 B, fits"), std::string::npos) << r.output();
  const ProcessResult e = run_aimcsim(
      "kernel lora --tokens 8 --in 512 --out 128 --rank 8 -p pmca.engine=redmule "
      "-p pmca.freq=1GHz");
  ASSERT_EQ(e.status, 0) << e.output();
  EXPECT_NE(e.output().find("time: 2796.000 ns per chunk"), std::string::npos)
      << e.output();  // 2171 + 625: the add fused into (X A) B on the engine
  // The embedded default job's PMCA is the study's: RedMulE at 666 MHz, 2796 cycles = 4198.198 ns.
  const ProcessResult d = run_aimcsim("kernel lora --tokens 8 --in 512 --out 128 --rank 8");
  EXPECT_NE(d.output().find("time: 4198.198 ns per chunk"), std::string::npos) << d.output();
  EXPECT_NE(d.output().find("666 MHz, L1 131072 B, RedMulE 4x8"), std::string::npos) << d.output();
}

TEST_F(CliTest, KernelRejectsBadNamesAndShapes) {
  ProcessResult r = run_aimcsim("kernel matmul -m 8 -n 8 -k 8");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("kernel 'matmul': unknown; accepted are lora, gemm"), std::string::npos)
      << r.output();
  r = run_aimcsim("kernel gemm -m 8 -n 8");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("kernel gemm: -k is required"), std::string::npos) << r.output();
  r = run_aimcsim("kernel softmax --rows 0 --cols 8");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("--rows must be an integer >= 1, got 0"), std::string::npos)
      << r.output();
  r = run_aimcsim("kernel gemm -m 8 -n 8 -k 8 -p pmca.engine=gpu");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("pmca.engine"), std::string::npos) << r.output();
  r = run_aimcsim("kernel gemm -m 512 -n 512 -k 512");  // B alone is 512 KiB
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("does not fit pmca.l1_size"), std::string::npos) << r.output();
}

TEST_F(CliTest, SummaryHasThePmcaSection) {
  const ProcessResult r = run_aimcsim("run -q -p pmca.engine=redmule -o " + out());
  ASSERT_EQ(r.status, 0) << r.output();
  const auto s = nlohmann::json::parse(test::file_text(out() + "/summary.json"));
  EXPECT_EQ(s["pmca"]["engine"], "redmule");
  EXPECT_GT(s["pmca"]["chunks"].get<int>(), 0);
  EXPECT_TRUE(s["pmca"]["kernel_cycles"].contains("lora_down"));
  EXPECT_TRUE(s["pmca"]["kernel_cycles"].contains("lora_up_add"));
  EXPECT_FALSE(s["pmca"]["kernel_cycles"].contains("lora_add"));  // fused: no add on the cores
  EXPECT_GT(s["pmca"]["utilisation"].get<double>(), 0.0);
}

}  // namespace
}  // namespace aimcsim
