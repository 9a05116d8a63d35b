// Prints the fuzzers' dictionary (libFuzzer -dict=) from aimcsim's own tables: every config key
// whole and by its dotted parts, the choices, presets and defaults, the units of every dimension,
// the config.json model_type names and the fields the zoo's config.json files use, and the
// syntax of the input languages (kSyntax). The build writes it to fuzz/aimcsim.dict.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "sim/base/units.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "workloads/family.hpp"
#include "workloads/model_config.hpp"

namespace {

// Words of the input languages that no table lists, separated by spaces: YAML, JSON and CSV
// syntax, sweep sections, -p and --variant separators, task heads, calibration and routing trace
// columns, edge numbers. Words holding a space or a newline are in kSpaced.
constexpr const char* kSyntax =
    "auto true false null none linear: x 1e999 -1 0 9007199254740993 2147483648 [ ] { } ' \" # &a "
    "*a --- ... base grid zip points = ; ForCausalLM ForMaskedLM ForSequenceClassification "
    "ForQuestionAnswering ForConditionalGeneration Model id2label architectures kernel cycles "
    "metric value name overrides layer token expert tokens in out rank m n k rows cols blocks "
    "q_tokens kv_tokens head_dim heads width op: , \"\" hybrid_ns gemm lora";
const char* const kSpaced[] = {": ", ":\n  ", "\n", "- ", ", ", "!!str "};

std::string quoted(const std::string& word) {
  std::string out = "\"";
  for (unsigned char c : word) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

extern "C" int sc_main(int, char*[]);  // as <systemc> declares it

int sc_main(int, char*[]) {
  using namespace aimcsim;
  std::set<std::string> words;
  for (const ParamSpec& spec : fuzz::schema().params()) {
    words.insert(spec.key);
    std::stringstream parts(spec.key);
    for (std::string part; std::getline(parts, part, '.');) words.insert(part);
    if (!spec.default_value.empty()) words.insert(spec.default_value);
    for (const std::string& c : spec.choices) words.insert(c);
  }
  for (Dimension d : {Dimension::Time, Dimension::Frequency, Dimension::Bandwidth, Dimension::Size,
                      Dimension::Energy, Dimension::Power, Dimension::Area, Dimension::Length}) {
    std::stringstream units(units_accepted(d));
    for (std::string u; units >> u;) words.insert(u);
  }
  for (const std::string& family : FamilyRegistry::instance().names()) words.insert(family);
  for (const std::string& name : zoo_names()) {
    words.insert(name);
    const nlohmann::json zoo = nlohmann::json::parse(zoo_config(name));
    for (const auto& [field, value] : zoo.items()) {
      words.insert(field);
      if (value.is_string()) words.insert(value.get<std::string>());
    }
  }
  std::stringstream syntax(kSyntax);
  for (std::string w; syntax >> w;) words.insert(w);
  for (const char* w : kSpaced) words.insert(w);
  for (const std::string& w : words) std::printf("%s\n", quoted(w).c_str());
  return 0;
}
