#include "tests/fuzz/fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>

#include "sim/base/error.hpp"
#include "sim/run/run.hpp"

namespace aimcsim::fuzz {

const Schema& schema() {
  static const Schema s = build_schema();
  return s;
}

void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

bool accepted(const std::function<void()>& body) {
  try {
    body();
    return true;
  } catch (const InputError&) {
    return false;
  } catch (const std::exception& e) {
    finding(std::string("an exception other than InputError escaped: ") + e.what());
  } catch (...) {
    finding("an exception of unknown type escaped");
  }
}

void check_round_trip(const Config& cfg, const std::string& what) {
  const std::string printed = cfg.to_yaml();
  std::optional<Config> again;
  try {
    again = Config::load(schema(), {{"config.yaml", printed}}, {}, true);
  } catch (const std::exception& e) {
    finding(what + ": the printed config.yaml does not load again: " + e.what() +
            "; config.yaml:\n" + printed);
  }
  for (const ParamSpec& spec : schema().params()) {
    // A key left out of config.yaml (no effect under the others) takes its default again.
    if (again->origin(spec.key).rfind("config.yaml:", 0) != 0) continue;
    if (again->value_text(spec.key) != cfg.value_text(spec.key))
      finding(what + ": " + spec.key + " is '" + cfg.value_text(spec.key) +
              "', printed in config.yaml it loads as '" + again->value_text(spec.key) +
              "'; config.yaml:\n" + printed);
  }
  if (again->to_yaml() != printed)
    finding(what + ": config.yaml loaded again prints otherwise; first:\n" + printed + "\nthen:\n" +
            again->to_yaml());
}

std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      out.push_back(text.substr(pos));
      break;
    }
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

}  // namespace aimcsim::fuzz
