// Inputs nobody should give, given anyway: each stops at once with exit status 2 and one line
// naming the key or file, under a 4 GiB address-space cap (so an input that would allocate its
// way out shows as a crash here, not as a slow machine).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/base/sanitizers.hpp"
#include "tests/support/process.hpp"
#include "tests/support/scratch_dir.hpp"

namespace aimcsim {
namespace {

using test::ProcessResult;

class BadInputTest : public ::testing::Test {
 protected:
  // A GPT-2 config.json with `field` set to `value` (JSON text).
  std::string gpt2_with(const std::string& field, const std::string& value) {
    const std::string path = (dir_.path() / (field + ".json")).string();
    std::ofstream(path) << "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], "
                           "\"n_embd\": 768, \"n_head\": 12, \"n_layer\": 12, \"n_positions\": "
                           "1024, \"vocab_size\": 50257, \"" +
                               field + "\": " + value + "}";
    return path;
  }
  // `aimcsim run ARGS` under `ulimit -v` 4 GiB (not under AddressSanitizer, whose shadow memory
  // reserves terabytes of address space; the sanitizer reports an allocation that fails).
  ProcessResult capped(const std::string& args) {
#if defined(AIMCSIM_ASAN)
    const std::string cap;
#else
    const std::string cap = "ulimit -v 4194304; ";
#endif
    return test::run_command(cap + test::aimcsim_exe() + " run -q -o " +
                             (dir_.path() / "out").string() + " " + args);
  }
  void expect_input_error(const ProcessResult& r, const std::string& message) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  }
  test::ScratchDir dir_{"bad_input"};
};

TEST_F(BadInputTest, ANumberBeyondADoubleIsNotValidJson) {
  const std::string path = gpt2_with("n_embd", "1e999");
  expect_input_error(capped("-p workload.model=" + path + " -p workload.seq_len=8"),
                     path + ": not valid JSON");
}

TEST_F(BadInputTest, SizesBeyondAnyModelAreRefusedByName) {
  // 2^53 + 1: no vocabulary or width is that large (the reader's cap is 2^31).
  for (const char* field : {"vocab_size", "n_embd"}) {
    SCOPED_TRACE(field);
    const std::string path = gpt2_with(field, "9007199254740993");
    expect_input_error(
        capped("-p workload.model=" + path + " -p workload.seq_len=8"),
        std::string("field '") + field + "' must be a positive integer up to 2147483648 (2^31)");
  }
}

TEST_F(BadInputTest, AGraphLargerThanTheMemoryLimitStopsAsItGrows) {
  // A million layers of about 15 operators: past limits.memory (4 GiB) / 4096 B = 1048576
  // operators, the builder stops before taking the memory.
  const std::string path = gpt2_with("n_layer", "1000000");
  expect_input_error(capped("-p workload.model=" + path + " -p workload.seq_len=8"),
                     "the operator graph passes 1048576 operators before it is complete");
}

TEST_F(BadInputTest, APlatformLargerThanTheMemoryLimitStopsBeforeItIsBuilt) {
  // One linear of 2^21 x 2^21 on 512 x 512 tiles: 4096 x 4096 = 16777216 tiles at 1 KiB each,
  // 16 GiB against the 4 GiB limit.
  expect_input_error(capped("-p workload.model=linear:2097152x2097152 -p workload.seq_len=8"),
                     "the run would take about 16.0 GiB (1 operators, 10 jobs over both designs, "
                     "16777216 tiles;");
  // Raised, the guard says nothing (the run is then refused by nothing but its size; not run).
  const ProcessResult small =
      capped("-p workload.model=linear:64x64 -p workload.seq_len=8 -p limits.memory=2MiB");
  EXPECT_EQ(small.status, 0) << small.err;
}

TEST_F(BadInputTest, ARankAboveTheLayerIsSaid) {
  // linear:64x64 with rank 4096: 4096 x 128 adapter parameters against 4096 weights.
  const ProcessResult r =
      test::run_command(test::aimcsim_exe() + " run -q -o " + (dir_.path() / "out").string() +
                        " -p workload.model=linear:64x64 -p "
                        "workload.seq_len=8 -p lora.rank=4096");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("lora: 1 adapter(s) have a rank above both sides of their layer (first "
                       "linear.linear_64x64: rank 4096 on 64x64)"),
            std::string::npos)
      << r.err;
}

TEST_F(BadInputTest, AFullDiskLeavesTheEarlierRunWholeAndSaysWhy) {
  const std::string out = (dir_.path() / "out").string();
  const std::string run = test::aimcsim_exe() + " run -q -o " + out +
                          " -p workload.model=linear:64x64 -p workload.seq_len=8";
  ASSERT_EQ(test::run_command(run).status, 0);
  const std::string config = test::file_text(out + "/config.yaml");
  // A 16 KiB file-size limit: layers.csv fits, stats.csv does not (EFBIG, not SIGXFSZ).
  const ProcessResult r = test::run_command("ulimit -f 16; " + run + " -p tile.t_int=256ns");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(": write failed: File too large"), std::string::npos) << r.err;
  // The earlier run's files are all still there, unchanged, and no temporary file is left.
  EXPECT_EQ(test::file_text(out + "/config.yaml"), config);
  for (const auto& e : std::filesystem::directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

TEST_F(BadInputTest, AnEndlessConfigIsCappedAndAnOutputPathThatIsAFileNamed) {
  expect_input_error(capped("/dev/zero"), "/dev/zero: larger than 64 MiB");
  const std::string file = (dir_.path() / "afile").string();
  std::ofstream(file) << "x";
  const ProcessResult r = test::run_command(test::aimcsim_exe() + " run -q -o " + file +
                                            " -p workload.model=linear:64x64 -p "
                                            "workload.seq_len=8");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(file + ": cannot create output folder"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aimcsim
