#include "tests/support/config_helpers.hpp"

#include "platform/embedded_config.hpp"
#include "sim/base/error.hpp"

namespace aimcsim::test {

// The reference row's hand-derived numbers follow the schedule in which a chunk's whole LoRA work
// waits for its X W, with no bound on the X W the PMCA holds (the dataflow-following default
// has tests of its own).
const char* const kReferenceWorkload =
    "workload:\n  model: linear:512x128\n  seq_len: 320\npipeline:\n  adapter_start: xw-first\n"
    "  xw_buffer_chunks: 0\n";

const Schema& schema() {
  static const Schema s = build_schema();
  return s;
}

Config load_config(const std::string& yaml, const std::vector<std::string>& overrides,
                   const std::string& name) {
  return Config::load(schema(), {{name, yaml}}, overrides);
}

Config reference_config(const std::vector<std::string>& overrides) {
  return load_config(kReferenceWorkload, overrides);
}

Config default_config(const std::vector<std::string>& overrides) {
  return load_config(embedded_default_config(), overrides, "embedded default config");
}

RunResult run_config(const std::string& yaml, const std::vector<std::string>& overrides) {
  return simulate(load_config(yaml, overrides));
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string config_error(const std::string& yaml, const std::vector<std::string>& overrides) {
  return error_of([&] { load_config(yaml, overrides); });
}

}  // namespace aimcsim::test
