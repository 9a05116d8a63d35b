#pragma once
#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace aimcsim {

// The documents a run's config is layered from: the embedded default config
// (platform/configs/default.yaml) when no file is given, else the files in order; with
// `over_default`, the files are layered over the embedded default (for commands that need only
// part of a config, such as `aimcsim kernel`). Each file is read once; one that cannot be read
// is an InputError naming it. The command line and the Python module load configs through it.
std::vector<Config::Source> run_config_documents(const std::vector<std::string>& files,
                                                 bool over_default = false);

}  // namespace aimcsim
