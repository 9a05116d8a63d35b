#include <gtest/gtest.h>

#include "models/aimc/tile_model.hpp"
#include "platform/platform.hpp"
#include "sim/base/error.hpp"
#include "sim/run/run.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::schema;

const char* const kWorkload = test::kReferenceWorkload;

TileParams preset(const std::string& name, std::vector<std::string> more = {}) {
  more.insert(more.begin(), "tile.preset=" + name);
  return PlatformParams::from(test::load_config(kWorkload, more, "w.yaml")).tile;
}

// A full MVM with post-processing: what a preset's published energy figure is matched to.
double mvm_total_pj(const TileParams& p) { return mvm_energy(p, p.rows, p.cols).total(); }
double ops(const TileParams& p) { return 2.0 * static_cast<double>(p.rows * p.cols); }

TEST(TilePresetTest, AhwaLora512) {
  const TileParams p = preset("ahwa-lora-512");
  EXPECT_EQ(p.rows, 512);
  const MvmStages s = mvm_stages(p, 512, 512);
  EXPECT_EQ(s.integrate, 128000);  // t_int 128 ns (AHWA-LoRA); no MVM time is published
  // Stream-in 512 x 8 / 256 = 16 ns, 128 + 2 ns, post 512 / 64 = 8 ns, stream-out
  // 512 x 16 / 256 = 32 ns: one MVM in 186 ns; pipelined, one per 130 ns (the analog stage).
  EXPECT_EQ(s.total(), 186000);
  EXPECT_EQ(s.period(true), 130000);
  // Calibrated to HERMES: a 256x256 MVM costs 0.86 uJ / 64 cores = 13437.5 pJ.
  const EnergyBreakdown e = mvm_energy(p, 256, 256);
  EXPECT_NEAR(e.total() - e.get("aimc.post"), 13437.5, 13437.5 * 0.02);
}

TEST(TilePresetTest, HermesCore) {
  const TileParams p = preset("hermes-core");
  EXPECT_EQ(p.rows, 256);
  EXPECT_EQ(p.input_encoding, "pwm");
  const MvmStages s = mvm_stages(p, 256, 256);
  // 8-bit PWM at 1 ns/LSB: 2^7 * 1 ns = 128 ns integration; 256 ADCs convert all 256 columns in
  // one 2 ns round: the analog MVM in 130 ns (published: 130 ns).
  EXPECT_EQ(s.integrate, 128000);
  EXPECT_EQ(s.analog(), 130000);
  // Post-processing at 400 MHz, 5 outputs per cycle: ceil(256 / 5) = 52 cycles * 2.5 ns = 130 ns,
  // a stage of its own, so it overlaps the next MVM's integration. Stream-in 256 x 8 / 256 = 8 ns,
  // stream-out 256 x 16 / 256 = 16 ns.
  EXPECT_EQ(s.post, 130000);
  EXPECT_EQ(s.stream_in, 8000);
  EXPECT_EQ(s.stream_out, 16000);
  // Pipelined, MVMs repeat every max(8, 130, 130, 16) = 130 ns: 2 * 256 * 256 = 131072 ops per
  // 130 ns = 1.0083 TOPS (published 1.008). One MVM through every stage: 8 + 130 + 130 + 16 = 284
  // ns.
  EXPECT_EQ(s.period(true), 130000);
  EXPECT_NEAR(ops(p) / ps_to_ns(s.period(true)) / 1e3, 1.008, 1.008 * 0.002);
  EXPECT_EQ(s.total(), 284000);
  // A long batch runs at that rate: 1000 MVMs end at 284 + 999 * 130 ns.
  TilePipeline pipe(p.pipelined());
  EXPECT_EQ(pipe.run(0, 1000, s).end, 284000 + 999 * 130000);
  // Energy as the core runs in the chip, 0.86 uJ / 64 = 13437.5 pJ (Le Gallo et al. 2023), post
  // included: 5.149 * 256 + 0.05031 * 65536 + 33.48 * 256 + 0.9846 * 256 = 1318.144 + 3297.11616
  // + 8570.88 + 252.0576 = 13438.19776 pJ, 131072 / 13438.2 = 9.754 TOPS/W (the chip's 9.76).
  EXPECT_NEAR(mvm_total_pj(p), 13438.19776, 1e-6);
  EXPECT_NEAR(mvm_total_pj(p), 860e3 / 64, 860e3 / 64 * 1e-3);
  EXPECT_NEAR(ops(p) / mvm_total_pj(p), 9.76, 9.76 * 1e-3);
  // With the LDPU's published 1 output per cycle, post-processing takes 256 * 2.5 = 640 ns and
  // sets the period.
  const MvmStages ldpu =
      mvm_stages(preset("hermes-core", {"tile.post_outputs_per_cycle=1"}), 256, 256);
  EXPECT_EQ(ldpu.post, 640000);
  EXPECT_EQ(ldpu.period(true), 640000);
}

TEST(TilePresetTest, Alpine) {
  const TileParams p = preset("alpine");
  const MvmStages s = mvm_stages(p, 256, 256);
  EXPECT_EQ(s.analog(), 100000);  // 98 + 2 ns (published 100 ns per MVM)
  // 4 GB/s tile I/O: 32 bit at 1 GHz each way; 256 inputs * 8 bit = 2048 bit in 64 ns, and
  // 256 outputs * 8 bit in 64 ns.
  EXPECT_NEAR(static_cast<double>(p.io_width_bits) / 8 * p.io_freq_hz / 1e9, 4.0, 4.0 * 0.02);
  EXPECT_EQ(p.output_bits, 8);
  EXPECT_EQ(s.stream_in, 64000);
  EXPECT_EQ(s.stream_out, 64000);
  EXPECT_EQ(s.post, 4000);  // 256 / 64 per cycle at 1 GHz
  // Pipelined, MVMs repeat every max(64, 100, 4, 64) = 100 ns (published 100 ns); one MVM through
  // every stage takes 64 + 100 + 4 + 64 = 232 ns.
  EXPECT_EQ(s.period(true), 100000);
  EXPECT_EQ(s.total(), 232000);
  // FP16 outputs (128 ns to stream out) or one shared port (64 + 64 = 128 ns) would set the
  // period instead.
  EXPECT_EQ(mvm_stages(preset("alpine", {"tile.output_bits=16"}), 256, 256).period(true), 128000);
  EXPECT_EQ(mvm_stages(preset("alpine", {"tile.io_ports=shared"}), 256, 256).period(true), 128000);
  // Post included: 3.924 * 256 + 0.03834 * 65536 + 25.51 * 256 + 0.7503 * 256 = 1004.544 +
  // 2512.65024 + 6530.56 + 192.0768 = 10239.83104 pJ: 131072 / 10239.83 = 12.80 TOPS/W.
  EXPECT_NEAR(mvm_total_pj(p), 10239.83104, 1e-6);
  EXPECT_NEAR(ops(p) / mvm_total_pj(p), 12.8, 12.8 * 1e-3);
}

TEST(TilePresetTest, MeshProjected) {
  const TileParams p = preset("mesh-projected");
  EXPECT_EQ(p.rows, 512);
  const MvmStages s = mvm_stages(p, 512, 512);
  EXPECT_EQ(s.integrate, 40000);  // 40 ns (Burr et al. 2023); no MVM time is published
  // 16 + (40 + 2) + 8 + 32 = 98 ns for one MVM; pipelined, one per 42 ns (the analog stage).
  EXPECT_EQ(s.total(), 98000);
  EXPECT_EQ(s.period(true), 42000);
  // Post included: 0.8066 * 512 + 0.007881 * 262144 + 5.244 * 512 + 0.1542 * 512 = 412.9792 +
  // 2065.956864 + 2684.928 + 78.9504 = 5242.814464 pJ: 524288 / 5242.81 = 100.0 TOPS/W.
  EXPECT_NEAR(mvm_total_pj(p), 5242.814464, 1e-6);
  EXPECT_NEAR(ops(p) / mvm_total_pj(p), 100.0, 100.0 * 1e-3);
}

TEST(TilePresetTest, KeysBesideAPresetOverrideIt) {
  const TileParams p = preset("hermes-core", {"tile.t_int=256ns", "tile.rows=512"});
  EXPECT_EQ(p.rows, 512);
  EXPECT_EQ(p.cols, 256);  // from the preset
  EXPECT_EQ(mvm_stages(p, 256, 256).integrate, 256000);
  // A file setting the preset and a -p override of one key: the override wins over both.
  const Config c = Config::load(
      schema(), {{"w.yaml", kWorkload}, {"a.yaml", "tile:\n  preset: alpine\n  t_int: 50ns\n"}},
      {"tile.cols=128"});
  EXPECT_EQ(c.integer("tile.cols"), 128);
  EXPECT_DOUBLE_EQ(c.quantity("tile.t_int"), 50.0);
  EXPECT_EQ(c.integer("tile.io_width_bits"), 32);
  EXPECT_EQ(c.origin("tile.io_width_bits"), "tile.preset alpine");
}

TEST(TilePresetTest, PwmDerivesTheIntegrationTime) {
  const TileParams p = preset("ahwa-lora-512", {"tile.input_encoding=pwm", "tile.t_int=auto",
                                                "tile.pwm_lsb=2ns", "tile.input_bits=6"});
  EXPECT_EQ(mvm_stages(p, 512, 512).integrate, 64000);  // 2^5 LSBs * 2 ns
}

// The InputError message of building the platform parameters under `overrides`.
std::string platform_error(const std::vector<std::string>& overrides) {
  return test::error_of([&] { PlatformParams::from(test::load_config(kWorkload, overrides)); });
}

TEST(TilePresetTest, BadNamesAreInputErrorsNamingTheKey) {
  std::string e = platform_error({"tile.preset=hermes"});
  EXPECT_NE(e.find("tile.preset"), std::string::npos) << e;
  EXPECT_NE(e.find("hermes-core"), std::string::npos) << e;  // lists what is accepted
  e = platform_error({"interconnect.topology=torus"});
  EXPECT_NE(e.find("interconnect.topology"), std::string::npos) << e;
  EXPECT_NE(e.find("bus, mesh, p2p"), std::string::npos) << e;
  e = platform_error({"tile.t_int=auto"});  // auto needs PWM
  EXPECT_NE(e.find("tile.t_int"), std::string::npos) << e;
}

}  // namespace
}  // namespace aimcsim
