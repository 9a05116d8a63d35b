#pragma once
// Helpers the tests share for configs and runs: the schema, a config from YAML text and -p
// overrides, a run of it, and the message of the InputError a piece of code throws.
#include <functional>
#include <string>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/run/run.hpp"

namespace aimcsim::test {

// The reference workload of the tests: one 512x128 linear layer over 320 tokens.
extern const char* const kReferenceWorkload;

// Every key aimcsim knows (build_schema), built once.
const Schema& schema();

// The config of one YAML document named `name`, then the KEY=VALUE overrides, as `aimcsim run`
// would read them (without the embedded default).
Config load_config(const std::string& yaml, const std::vector<std::string>& overrides = {},
                   const std::string& name = "test.yaml");
// The reference workload with `overrides`.
Config reference_config(const std::vector<std::string>& overrides = {});
// The embedded default config under `overrides`: what `aimcsim kernel` reads without a file.
Config default_config(const std::vector<std::string>& overrides = {});

// simulate() of load_config(yaml, overrides).
RunResult run_config(const std::string& yaml, const std::vector<std::string>& overrides = {});

// The message of the InputError that `f` throws, or "" when it throws none.
std::string error_of(const std::function<void()>& f);
// The message of the InputError that loading `yaml` under `overrides` throws, or "".
std::string config_error(const std::string& yaml, const std::vector<std::string>& overrides = {});

}  // namespace aimcsim::test
