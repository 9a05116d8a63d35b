#include "sim/run/config_documents.hpp"

#include <fmt/format.h>

#include <optional>

#include "platform/embedded_config.hpp"
#include "sim/base/error.hpp"
#include "sim/base/files.hpp"

namespace aimcsim {

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

}  // namespace aimcsim
