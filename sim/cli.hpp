#pragma once

namespace aimcsim {

// The aimcsim command line: `run`, `params`, `--help`, `--version`. Returns the process exit
// status: 0 on success, 2 on bad input (usage, config, model), 1 on an internal error.
int cli_main(int argc, char** argv);

}  // namespace aimcsim
