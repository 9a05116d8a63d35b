#pragma once
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace aimcsim {

// The parts of a sweep file's reading that other YAML files of the same shape share (a search's
// space file): its `base:` section, and checks of a key and a value against the schema with
// messages that name where they were written.

// The YAML document `text` of `file` as a mapping whose keys are all among `sections`; InputError
// naming the file (and the line) otherwise: not YAML, "expected a mapping with <expected>", or an
// unknown section with the accepted ones.
YAML::Node load_sectioned_yaml(const std::string& text, const std::string& file,
                               const std::vector<std::string>& sections,
                               const std::string& expected);

// The config documents of a `base:` node: an inline mapping, a config file path or a list of
// them (relative to `base_dir`), or the embedded default config when the node is absent.
// InputError naming `file` and the line otherwise.
std::vector<Config::Source> load_sweep_base(const YAML::Node& base, const std::string& file,
                                            const std::string& base_dir);
// InputError "<where>: unknown key ...; keys under ...: ..." unless `key` is a known key.
void check_sweep_key(const Schema& schema, const std::string& where, const std::string& key);
// InputError "<where>: <key>: <what is wrong and accepted>" unless `value` is valid for `key`.
void check_sweep_value(const Schema& schema, const std::string& where, const std::string& key,
                       const std::string& value);

}  // namespace aimcsim
