#include "sim/base/config.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/base/error.hpp"
#include "sim/run/run.hpp"
#include "tests/support/config_helpers.hpp"

namespace aimcsim {
namespace {

using test::config_error;
using test::load_config;
using test::schema;

const char* const kMinimal = test::kReferenceWorkload;

TEST(ConfigTest, DefaultsFillKeysNotGiven) {
  const Config c = load_config(kMinimal);
  EXPECT_EQ(c.text("workload.model"), "linear:512x128");
  EXPECT_EQ(c.integer("workload.seq_len"), 320);
  EXPECT_EQ(c.integer("tile.rows"), 512);
  EXPECT_DOUBLE_EQ(c.quantity("tile.t_int"), 128.0);
  EXPECT_DOUBLE_EQ(c.quantity("pmca.freq"), 1e9);
  EXPECT_EQ(c.text("pipeline.strategy"), "token-pipelined");
  EXPECT_FALSE(c.integer_or_auto("pipeline.chunk_tokens").has_value());
  EXPECT_EQ(c.origin("tile.rows"), "tile.preset ahwa-lora-512");  // the default preset's value
  EXPECT_EQ(c.origin("tile.output_bits"), "default");
  EXPECT_EQ(c.origin("workload.seq_len"), "test.yaml:3");
}

// nested_yaml as yaml-cpp's emitter writes it, the way it wrote it before printing plain scalars
// itself: the expected text of NestedYamlIsWhatTheEmitterWrites.
std::string emitted(const std::vector<std::pair<std::string, std::string>>& key_values) {
  struct Section {
    std::string name, value;
    std::vector<Section> children;
  };
  Section root;
  for (const auto& [key, value] : key_values) {
    Section* node = &root;
    std::stringstream ss(key);
    for (std::string part; std::getline(ss, part, '.');) {
      Section* next = nullptr;
      for (auto& c : node->children)
        if (c.name == part) next = &c;
      if (!next) {
        node->children.push_back(Section{part, "", {}});
        next = &node->children.back();
      }
      node = next;
    }
    node->value = value;
  }
  YAML::Emitter out;
  std::function<void(const Section&)> emit = [&](const Section& s) {
    out << YAML::BeginMap;
    for (const auto& c : s.children) {
      out << YAML::Key << c.name << YAML::Value;
      if (c.children.empty())
        out << c.value;
      else
        emit(c);
    }
    out << YAML::EndMap;
  };
  emit(root);
  return out.c_str();
}

TEST(ConfigTest, NestedYamlIsWhatTheEmitterWrites) {
  // By hand: sections in order of first appearance, indented by two, no trailing newline.
  EXPECT_EQ(nested_yaml({{"a.b", "x"}, {"e", "z"}, {"a.c.d", "4GiB"}}),
            "a:\n  b: x\n  c:\n    d: 4GiB\ne: z");
  // Every key of the default run's effective config, with every value as given.
  const Config c = test::default_config();
  std::vector<std::pair<std::string, std::string>> all;
  for (const ParamSpec& spec : test::schema().params())
    all.emplace_back(spec.key, c.value_text(spec.key));
  EXPECT_EQ(nested_yaml(all), emitted(all));
  // Values the emitter quotes, or might: the whole document then goes through it.
  for (const std::string v :
       {"",      "null", "~",        "-1",        "a b",        "x: y",      "a #b",      "'q'",
        "\"q\"", "[1]",  "{a: 1}",   "*a",        "&a",         "!t",        "%p",        "@a",
        "`a",    "|",    ">",        "tab\there", "two\nlines", "caf\u00e9", "trailing ", "true",
        "1e5",   "0x10", "all+head", "a/b",       "-",          "?"}) {
    SCOPED_TRACE(v);
    const std::vector<std::pair<std::string, std::string>> kv = {{"s.plain", "x"}, {"s.v", v}};
    EXPECT_EQ(nested_yaml(kv), emitted(kv));
    const std::vector<std::pair<std::string, std::string>> as_key = {{"s." + v, "x"}};
    if (!v.empty() && v.find('.') == std::string::npos) {
      EXPECT_EQ(nested_yaml(as_key), emitted(as_key));
    }
  }
}

TEST(ConfigTest, OverridesWinOverFilesAndKeepTheirUnits) {
  const Config c =
      load_config(kMinimal, {"tile.t_int=512ns", "pipeline.chunk_tokens=8", "pmca.freq=666MHz"});
  EXPECT_DOUBLE_EQ(c.quantity("tile.t_int"), 512.0);
  EXPECT_EQ(*c.integer_or_auto("pipeline.chunk_tokens"), 8);
  EXPECT_DOUBLE_EQ(c.quantity("pmca.freq"), 666e6);
  EXPECT_EQ(c.origin("tile.t_int"), "-p tile.t_int=512ns");
}

TEST(ConfigTest, LaterDocumentsOverrideEarlierOnes) {
  const Config c =
      Config::load(schema(), {{"a.yaml", kMinimal}, {"b.yaml", "tile:\n  rows: 256\n"}}, {});
  EXPECT_EQ(c.integer("tile.rows"), 256);
  EXPECT_EQ(c.origin("tile.rows"), "b.yaml:2");
}

TEST(ConfigTest, BareNumberForATimeNamesTheKeyAndTheUnits) {
  const std::string e = config_error(kMinimal, {"tile.t_int=128"});
  EXPECT_NE(e.find("tile.t_int"), std::string::npos) << e;
  EXPECT_NE(e.find("has no unit"), std::string::npos) << e;
  EXPECT_NE(e.find("ps ns us ms s"), std::string::npos) << e;
}

TEST(ConfigTest, UnknownKeyListsTheSectionsKeys) {
  const std::string e = config_error(kMinimal, {"tile.nonsense=1"});
  EXPECT_NE(e.find("tile.nonsense"), std::string::npos) << e;
  EXPECT_NE(e.find("keys under 'tile': rows, cols, t_int"), std::string::npos) << e;
}

TEST(ConfigTest, UnknownKeyInAFileNamesFileAndLine) {
  const std::string e = config_error(std::string(kMinimal) + "pmca:\n  cores: 8\n  corse: 9\n");
  EXPECT_EQ(e.rfind("test.yaml:9: pmca.corse: unknown key", 0), 0u) << e;
}

TEST(ConfigTest, UnknownSectionListsTheSections) {
  const std::string e = config_error(std::string(kMinimal) + "tiles:\n  rows: 8\n");
  EXPECT_NE(e.find("known sections: workload, limits, lora, moe, tile"), std::string::npos) << e;
}

TEST(ConfigTest, MissingRequiredKeyIsNamed) {
  const std::string e = config_error("workload:\n  model: mobilebert\n");
  EXPECT_NE(e.find("workload.seq_len: missing required key"), std::string::npos) << e;
  // and why the embedded default did not fill it in (a sweep's inline base reads the same way)
  EXPECT_NE(e.find("the embedded default applies only when no config is given"), std::string::npos)
      << e;
}

TEST(ConfigTest, OutOfRangeWrongTypeAndBadChoiceAreRejected) {
  EXPECT_NE(config_error(kMinimal, {"tile.rows=0"})
                .find("out of range; expected an integer in [1, 65536]"),
            std::string::npos);
  EXPECT_NE(config_error(kMinimal, {"tile.rows=12.5"}).find("not an integer"), std::string::npos);
  EXPECT_NE(config_error(kMinimal, {"pipeline.chunk_tokens=0"}).find("'auto' or an integer"),
            std::string::npos);
  EXPECT_NE(config_error(kMinimal, {"pipeline.strategy=magic"})
                .find("one of layer-pipelined, overlapped, sequential, token-pipelined"),
            std::string::npos);
  EXPECT_NE(config_error(kMinimal, {"pmca.fpu_util=1.5"}).find("pmca.fpu_util"), std::string::npos);
  EXPECT_NE(config_error(kMinimal, {"tile.t_int=5GHz"}).find("unit 'GHz'"), std::string::npos);
}

TEST(ConfigTest, MalformedOverridesAndYamlAreRejected) {
  EXPECT_NE(config_error(kMinimal, {"tile.rows"}).find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(config_error("workload: [1, 2\n").find("test.yaml:"), std::string::npos);
  EXPECT_NE(config_error("- a\n- b\n").find("mapping of sections"), std::string::npos);
  EXPECT_NE(config_error(std::string(kMinimal) + "tile:\n  rows: [1, 2]\n").find("found a list"),
            std::string::npos);
  EXPECT_NE(config_error(std::string(kMinimal) + "tile:\n  rows:\n").find("has no value"),
            std::string::npos);
  EXPECT_NE(config_error(std::string(kMinimal) + "tile: 5\n").find("unknown key"),
            std::string::npos);
}

TEST(ConfigTest, MissingFileIsAnInputError) {
  EXPECT_THROW(Config::load_files(schema(), {"/nonexistent/aimcsim.yaml"}, {}), InputError);
}

TEST(ConfigTest, EffectiveConfigRoundTripsExactly) {
  const Config a = load_config(kMinimal, {"tile.t_int=256ns", "pipeline.chunk_tokens=16"});
  const std::string yaml = a.to_yaml();
  const Config b = Config::load(schema(), {{"config.yaml", yaml}}, {});
  EXPECT_EQ(b.to_yaml(), yaml);
  EXPECT_DOUBLE_EQ(b.quantity("tile.t_int"), 256.0);
  EXPECT_EQ(*b.integer_or_auto("pipeline.chunk_tokens"), 16);
  EXPECT_NE(yaml.find("tile:\n  rows: 512\n  cols: 512\n  t_int: 256ns\n"), std::string::npos)
      << yaml;
}

TEST(ConfigTest, TextThatWouldNotPrintBackAsItsBytesIsRefused) {
  // Found by the overrides fuzz target: config.yaml printed invalid UTF-8 as U+FFFD, so the run's
  // config.yaml named another model than the run had.
  const std::string bad = config_error(kMinimal, {"workload.model=linear:64x64\xfa"});
  EXPECT_EQ(bad,
            "-p workload.model=linear:64x64\xfa: workload.model: byte 13 (0xfa) is a control "
            "character or not UTF-8; expected printable UTF-8 text");
  for (const char* text : {"a\tb", "a\x1d", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xc2\x85"})
    EXPECT_NE(config_error(kMinimal, {std::string("lora.targets=") + text})
                  .find("is a control character or not UTF-8"),
              std::string::npos)
        << text;
  // Printable UTF-8 prints back as the same bytes.
  const Config c = load_config(kMinimal, {"workload.model=mod\xc3\xa8le/\xe2\x82\xac/config.json"});
  const Config again = Config::load(schema(), {{"config.yaml", c.to_yaml()}}, {});
  EXPECT_EQ(again.text("workload.model"), "mod\xc3\xa8le/\xe2\x82\xac/config.json");
}

TEST(ConfigTest, AKeyWithoutEffectWarnsAndStrictRejectsIt) {
  Schema schema;
  schema.add("net.topology").choice({"p2p", "mesh"}, "p2p");
  schema.add("net.bandwidth")
      .quantity(Dimension::Bandwidth, "32GB/s")
      .active_when("net.topology", {"p2p"});
  schema.add("net.hop").quantity(Dimension::Time, "1ns").active_unless("net.topology", {"p2p"});
  // Defaults never warn; a key given where it applies does not either.
  EXPECT_TRUE(Config::load(schema, {}, {}).warnings().empty());
  EXPECT_TRUE(Config::load(schema, {}, {"net.bandwidth=8GB/s"}).warnings().empty());
  const Config c = Config::load(schema, {}, {"net.topology=mesh", "net.bandwidth=8GB/s"});
  ASSERT_EQ(c.warnings().size(), 1u);
  EXPECT_EQ(c.warnings()[0],
            "-p net.bandwidth=8GB/s: net.bandwidth has no effect: it applies only when "
            "net.topology is p2p (net.topology is mesh)");
  const Config d = Config::load(schema, {}, {"net.hop=2ns"});
  ASSERT_EQ(d.warnings().size(), 1u);
  EXPECT_NE(d.warnings()[0].find("net.topology is not p2p (net.topology is p2p)"),
            std::string::npos);
  try {
    Config::load(schema, {}, {"net.hop=2ns"}, true);
    FAIL() << "strict accepted a key without effect";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("without --strict"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aimcsim
