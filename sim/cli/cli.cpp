#include "sim/cli/cli.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "platform/embedded_config.hpp"
#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/version.hpp"

namespace aimcsim {

namespace {
bool strict_config = false;  // --strict
}  // namespace

std::vector<Config::Source> run_config_documents(const std::vector<std::string>& files,
                                                 bool over_default) {
  std::vector<Config::Source> docs;
  if (files.empty() || over_default)
    docs.push_back({"embedded default config", embedded_default_config()});
  for (const std::string& f : files) {
    const std::optional<std::string> text = read_file(f);
    if (!text) throw InputError(fmt::format("{}: cannot open config file", f));
    docs.push_back({f, *text});
  }
  return docs;
}

Config load_run_config(const Schema& schema, const std::vector<std::string>& files,
                       const std::vector<std::string>& overrides, bool over_default) {
  const Config cfg =
      Config::load(schema, run_config_documents(files, over_default), overrides, strict_config);
  for (const std::string& w : cfg.warnings()) spdlog::warn("{}", w);
  return cfg;
}

int cli_main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_st("aimcsim");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("aimcsim: %v");

  CLI::App app{
      "aimcsim: cycle-approximate simulator of AIMC tiles + RISC-V clusters running LoRA "
      "adapters for transformer inference",
      "aimcsim"};
  app.set_version_flag("--version", std::string("aimcsim ") + kVersion);
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "log detail on stderr")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_flag("--strict", strict_config,
               "a config key that has no effect under the others (e.g. interconnect.bandwidth on "
               "a mesh) is an error instead of a warning");

  std::vector<std::pair<CLI::App*, Command::Action>> commands;
  for (const std::string& name : CommandRegistry::instance().names()) {
    const std::size_t before = app.get_subcommands({}).size();
    Command::Action action = CommandRegistry::instance().create(name)->setup(app);
    commands.emplace_back(app.get_subcommands({}).at(before), std::move(action));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    for (auto& [cmd, action] : commands)
      if (cmd->parsed()) return action();
    return 2;
  } catch (const InputError& e) {
    std::cerr << "aimcsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "aimcsim: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace aimcsim
