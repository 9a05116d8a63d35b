#pragma once
#include <functional>
#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace CLI {
class App;
}

namespace aimcsim {

// The aimcsim command line: the subcommands registered below, `--help`, `--version`. Returns the
// process exit status: 0 on success, 2 on bad input (usage, config, model), 1 on an internal
// error.
int cli_main(int argc, char** argv);

// Subcommands register themselves by name, one file each (sim/cmd_*.cpp). `setup` adds the
// subcommand and its options to the app and returns the action to run when it was chosen; the
// action returns the exit status and may throw InputError.
class CommandRegistry {
 public:
  using Action = std::function<int()>;
  using Setup = std::function<Action(CLI::App& app)>;
  static CommandRegistry& instance();
  bool add(const std::string& name, Setup setup);
  struct Entry {
    std::string name;
    Setup setup;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

#define AIMCSIM_REGISTER_COMMAND(ID, SETUP) \
  static const bool aimcsim_command_##ID = ::aimcsim::CommandRegistry::instance().add(#ID, SETUP)

// The config of a run: the embedded default when no file is given, else the files in order;
// then the KEY=VALUE overrides. With `over_default`, the files are layered over the embedded
// default (for commands that need only part of a config, such as `kernel`).
Config load_run_config(const Schema& schema, const std::vector<std::string>& files,
                       const std::vector<std::string>& overrides, bool over_default = false);

}  // namespace aimcsim
