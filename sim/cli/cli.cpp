#include "sim/cli/cli.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "sim/base/error.hpp"
#include "sim/base/version.hpp"
#include "sim/cli/revision.hpp"

namespace aimcsim {

namespace {
CliOptions options;  // the options every subcommand takes, as parsed

// Mistakes CLI11 would report by another name, caught before it parses: an unknown subcommand
// (CLI11: "A subcommand is required") and `-p KEY VALUE` (CLI11 takes VALUE for a config file).
// Returns the exit status when the command line stops here, or -1.
int precheck(int argc, char** argv, CLI::App& app, const std::vector<std::string>& names) {
  bool help = false;
  std::string first;  // the first word that is not an option or an option's value
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") help = true;
    if (a == "--log-level") {
      ++i;
      continue;
    }
    if ((a == "-p" || a == "--param") && i + 1 < argc) {
      const std::string kv = argv[i + 1];
      if (kv.find('=') == std::string::npos) {
        std::cerr << fmt::format(
            "aimcsim: error: {} {}: expected KEY=VALUE as one argument, e.g. {} "
            "tile.t_int=256ns{}\n",
            a, kv, a,
            i + 2 < argc && argv[i + 2][0] != '-'
                ? fmt::format(" (here: {} {}={})", a, kv, argv[i + 2])
                : "");
        return 2;
      }
    }
    if (first.empty() && !a.empty() && a[0] != '-') first = a;
  }
  if (first.empty()) {
    for (int i = 1; i < argc; ++i)
      if (std::string(argv[i]) == "--version" || help) return -1;  // CLI11 answers those
    std::cerr << fmt::format(
        "aimcsim: error: a subcommand is required; accepted: {} (aimcsim --help says what each "
        "does)\n",
        fmt::join(names, ", "));
    return 2;
  }
  if (std::find(names.begin(), names.end(), first) != names.end()) return -1;
  if (help) {
    std::cout << app.help();
    return 0;
  }
  std::cerr << fmt::format(
      "aimcsim: error: unknown subcommand '{}'; accepted: {} (aimcsim --help says what each "
      "does)\n",
      first, fmt::join(names, ", "));
  return 2;
}
}  // namespace

const CliOptions& cli_options() { return options; }

void say_outputs(const std::string& dir, const std::vector<std::string>& files) {
  if (options.quiet) return;
  std::cerr << fmt::format("aimcsim: wrote {} in {}/\n", fmt::join(files, ", "), dir);
}

Config load_run_config(const Schema& schema, const std::vector<std::string>& files,
                       const std::vector<std::string>& overrides, bool over_default) {
  const Config cfg =
      Config::load(schema, run_config_documents(files, over_default), overrides, options.strict);
  for (const std::string& w : cfg.warnings()) spdlog::warn("{}", w);
  return cfg;
}

std::string self_executable() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    throw std::runtime_error("cannot find the aimcsim executable (/proc/self/exe): " +
                             ec.message());
  return path.string();
}

int cli_main(int argc, char** argv) {
  // A file-size limit (ulimit -f) makes a write fail with EFBIG, reported with the file, instead
  // of killing the process.
  ::signal(SIGXFSZ, SIG_IGN);
  auto logger = spdlog::stderr_color_st("aimcsim");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("aimcsim: %v");
  options = CliOptions{};

  CLI::App app{
      "aimcsim: cycle-approximate simulator of AIMC tiles + RISC-V clusters running LoRA "
      "adapters for transformer inference",
      "aimcsim"};
  app.set_version_flag("--version", fmt::format("aimcsim {} (git {})", kVersion, kRevision));
  app.require_subcommand(1);
  // CLI11's usage errors read like aimcsim's other errors (subcommands inherit this).
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return fmt::format("aimcsim: error: {}\nRun with --help for more information.\n", e.what());
  });
  // The options below are accepted before the subcommand and after it (fallthrough).
  app.fallthrough();
  std::string log_level;
  int verbose = 0;
  app.add_option("--log-level", log_level, "log detail on stderr (default: warn)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_flag("-v,--verbose", verbose, "more log detail: -v info, -vv debug");
  app.add_flag("-q,--quiet", options.quiet,
               "print nothing but warnings and errors (no table, no progress, no 'wrote' line)");
  app.add_flag("--strict", options.strict,
               "warnings become errors: a config key that has no effect under the others (e.g. "
               "interconnect.bandwidth on a mesh), and a run over capacity (summary.json status "
               "over_capacity; the config key output.strict does the same)");

  std::vector<std::pair<CLI::App*, Command::Action>> commands;
  const std::vector<std::string> names = CommandRegistry::instance().names();
  for (const std::string& name : names) {
    const std::size_t before = app.get_subcommands({}).size();
    Command::Action action = CommandRegistry::instance().create(name)->setup(app);
    CLI::App* sub = app.get_subcommands({}).at(before);
    sub->footer(
        "Every subcommand also takes, before or after its name: -q (quiet), -v / -vv or "
        "--log-level LEVEL, --strict (warnings are errors); see aimcsim --help.");
    commands.emplace_back(sub, std::move(action));
  }
  if (const int status = precheck(argc, argv, app, names); status >= 0) return status;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (log_level.empty()) log_level = verbose >= 2 ? "debug" : verbose == 1 ? "info" : "warn";
  spdlog::set_level(spdlog::level::from_str(log_level));

  return exit_status_of([&] {
    for (auto& [cmd, action] : commands)
      if (cmd->parsed()) return action();
    return 2;
  });
}

}  // namespace aimcsim
