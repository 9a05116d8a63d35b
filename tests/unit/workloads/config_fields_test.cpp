#include "workloads/config_fields.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "sim/base/error.hpp"

namespace aimcsim {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kConfig = R"({"hidden_size": 768, "hidden_act": "gelu", "use_cache": false,
  "n_inner": null, "id2label": {"0": "NEG", "1": "NEU", "2": "POS"}, "architectures": ["A", "B"],
  "zero": 0, "ratio": 1.5})";

TEST(ConfigFieldsTest, ReadsTypedFieldsAndFallbacks) {
  const ConfigFields f(kConfig, "c.json");
  EXPECT_EQ(f.origin(), "c.json");
  EXPECT_EQ(f.integer("hidden_size"), 768);
  EXPECT_EQ(f.integer_or("n_inner", 3072), 3072);  // null counts as missing
  EXPECT_EQ(f.integer_or("n_layer", 12), 12);
  EXPECT_EQ(f.text("hidden_act"), "gelu");
  EXPECT_EQ(f.text_or("norm", "layer_norm"), "layer_norm");
  EXPECT_FALSE(f.flag_or("use_cache", true));
  EXPECT_TRUE(f.flag_or("tie_word_embeddings", true));
  EXPECT_TRUE(f.has("hidden_size"));
  EXPECT_FALSE(f.has("n_inner"));
  EXPECT_TRUE(f.is_text("hidden_act"));
  EXPECT_FALSE(f.is_text("hidden_size"));
}

TEST(ConfigFieldsTest, EntriesCountsAnObjectOrAList) {
  const ConfigFields f(kConfig, "c.json");
  EXPECT_EQ(f.entries("id2label"), 3);  // NEG, NEU, POS
  EXPECT_EQ(f.entries("architectures"), 2);
  EXPECT_EQ(error_of([&] { f.entries("hidden_size"); }),
            "c.json: field 'hidden_size' must be an object or a list");
  EXPECT_EQ(error_of([&] { f.entries("label2id"); }), "c.json: field 'label2id' is missing");
}

TEST(ConfigFieldsTest, ErrorsNameTheOriginTheFieldAndTheContext) {
  ConfigFields f(kConfig, "c.json");
  EXPECT_EQ(error_of([&] { f.integer("zero"); }),
            "c.json: field 'zero' must be a positive integer up to 2147483648 (2^31)");
  EXPECT_EQ(error_of([&] { f.integer("ratio"); }),
            "c.json: field 'ratio' must be a positive integer up to 2147483648 (2^31)");
  EXPECT_EQ(error_of([&] { f.text("hidden_size"); }),
            "c.json: field 'hidden_size' must be a string");
  EXPECT_EQ(error_of([&] { f.flag_or("hidden_act", false); }),
            "c.json: field 'hidden_act' must be true or false");
  f.set_context("model_type bert");
  EXPECT_EQ(error_of([&] { f.integer("n_layer"); }),
            "c.json: field 'n_layer' is missing (needed for model_type bert)");
  EXPECT_EQ(error_of([&] { f.fail("hidden_size", "is odd"); }),
            "c.json: field 'hidden_size' is odd (needed for model_type bert)");
}

TEST(ConfigFieldsTest, TextThatIsNotJsonNamesTheOrigin) {
  EXPECT_EQ(error_of([] {
              ConfigFields("{not json", "bad.json");
            }).rfind("bad.json: not valid JSON: ", 0),
            0u);
}

TEST(ConfigFieldsTest, ADocumentThatIsNotAnObjectHasNoFields) {
  const ConfigFields f("[1, 2]", "list.json");
  EXPECT_FALSE(f.has("0"));
  EXPECT_EQ(f.integer_or("n", 5), 5);
  EXPECT_EQ(error_of([&] { f.integer("n"); }), "list.json: field 'n' is missing");
}

}  // namespace
}  // namespace aimcsim
