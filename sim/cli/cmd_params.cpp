// `aimcsim params`: every configuration key with its default, accepted values and meaning.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "sim/cli/cli.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {
namespace {

Command::Action setup_params(CLI::App& app) {
  app.add_subcommand("params", "list every configuration key with its default, range and meaning");
  return [] {
    const Schema schema = build_schema();
    for (const ParamSpec& p : schema.params())
      std::cout << fmt::format("{:<30} {:<16} {}\n{:<30} {:<16} accepts {}\n", p.key,
                               p.required ? "(required)" : p.default_value, p.description, "", "",
                               p.accepted());
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(params, setup_params);

}  // namespace aimcsim
