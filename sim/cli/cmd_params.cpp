// `aimcsim params`: every configuration key with its default, accepted values and meaning.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "sim/base/error.hpp"
#include "sim/cli/cli.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {
namespace {

struct ParamsOptions {
  std::string prefix;
  std::string format = "text";
};

// The keys under `prefix`: the key itself or the keys of its section ("tile" or "tile." both
// give tile.*); all of them for an empty prefix.
std::vector<const ParamSpec*> matching(const Schema& schema, std::string prefix) {
  if (!prefix.empty() && prefix.back() == '.') prefix.pop_back();
  std::vector<const ParamSpec*> out;
  for (const ParamSpec& p : schema.params())
    if (prefix.empty() || p.key == prefix || p.key.rfind(prefix + ".", 0) == 0) out.push_back(&p);
  return out;
}

nlohmann::ordered_json json_of(const ParamSpec& p) {
  nlohmann::ordered_json j;
  j["key"] = p.key;
  j["default"] = p.required ? nlohmann::ordered_json() : nlohmann::ordered_json(p.default_value);
  j["required"] = p.required;
  j["accepts"] = p.accepted();
  if (!p.choices.empty()) j["choices"] = p.choices;
  j["description"] = p.description;
  return j;
}

Command::Action setup_params(CLI::App& app) {
  auto o = std::make_shared<ParamsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "params", "list every configuration key with its default, accepted values and meaning");
  cmd->add_option("prefix", o->prefix, "only this key or section, e.g. tile or pmca.l1_size");
  cmd->add_option("--format", o->format, "text, or json (one object per key)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return [o] {
    const Schema schema = build_schema();
    const std::vector<const ParamSpec*> keys = matching(schema, o->prefix);
    if (keys.empty())
      throw InputError(fmt::format(
          "params {}: no key or section of that name; `aimcsim params` lists them all", o->prefix));
    if (o->format == "json") {
      nlohmann::ordered_json all = nlohmann::ordered_json::array();
      for (const ParamSpec* p : keys) all.push_back(json_of(*p));
      std::cout << all.dump(2) << "\n";
      return 0;
    }
    for (const ParamSpec* p : keys)
      std::cout << fmt::format("{:<30} {:<16} {}\n{:<30} {:<16} accepts {}\n", p->key,
                               p->required ? "(required)" : p->default_value, p->description, "",
                               "", p->accepted());
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(params, setup_params);

}  // namespace aimcsim
