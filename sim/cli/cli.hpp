#pragma once
#include <functional>
#include <string>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/base/registry.hpp"
#include "sim/run/config_documents.hpp"

namespace CLI {
class App;
}

namespace aimcsim {

// The aimcsim command line: the subcommands registered below, `--help`, `--version`. Returns the
// process exit status: 0 on success, 2 on bad input (usage, config, model), 1 on an internal
// error.
int cli_main(int argc, char** argv);

// A subcommand of the aimcsim command line, one file each (sim/cli/cmd_*.cpp).
class Command {
 public:
  using Action = std::function<int()>;
  virtual ~Command() = default;
  // Contract: adds the subcommand and its options to `app` and returns the action to run when it
  // was chosen; the action returns the exit status and may throw InputError.
  virtual Action setup(CLI::App& app) = 0;
};

// Subcommands register themselves by name (AIMCSIM_REGISTER_COMMAND).
using CommandRegistry = Registry<Command>;

// A subcommand from its setup function.
class FunctionCommand final : public Command {
 public:
  explicit FunctionCommand(std::function<Action(CLI::App&)> setup) : setup_(std::move(setup)) {}
  Action setup(CLI::App& app) override { return setup_(app); }

 private:
  std::function<Action(CLI::App&)> setup_;
};

#define AIMCSIM_REGISTER_COMMAND(ID, SETUP)                                                       \
  AIMCSIM_REGISTER(                                                                               \
      ::aimcsim::CommandRegistry,                                                                 \
      {#ID, "",                                                                                   \
       [] { return std::unique_ptr<::aimcsim::Command>(new ::aimcsim::FunctionCommand(SETUP)); }, \
       nullptr})

// The options every subcommand takes (before or after its name): -q, --strict.
struct CliOptions {
  bool quiet = false;   // -q: no table, progress or 'wrote' line
  bool strict = false;  // --strict: warnings (keys without effect, over capacity) are errors
};
const CliOptions& cli_options();
// The one line saying where a command's outputs went (stderr; nothing under -q).
void say_outputs(const std::string& dir, const std::vector<std::string>& files);

// The path of this aimcsim executable (/proc/self/exe): what a sweep's or a search's worker pool
// runs.
std::string self_executable();

// The config of a run: the embedded default when no file is given, else the files in order;
// then the KEY=VALUE overrides. With `over_default`, the files are layered over the embedded
// default (for commands that need only part of a config, such as `kernel`).
Config load_run_config(const Schema& schema, const std::vector<std::string>& files,
                       const std::vector<std::string>& overrides, bool over_default = false);

}  // namespace aimcsim
