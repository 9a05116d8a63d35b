// `aimcsim serve`: a stream of requests for many LoRA adapters on one platform, served by the
// hybrid design (adapters swapped), the same tiles reprogrammed per task, and the analog-only
// lower bound.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "sim/cli/cli.hpp"
#include "sim/run/run.hpp"
#include "sim/serve/serve.hpp"

namespace aimcsim {
namespace {

struct ServeOptions {
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::string requests;
  std::string outdir = "out";
};

Command::Action setup_serve(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "serve a stream of requests for many LoRA adapters: adapters swapped on the PMCAs, tiles "
      "reprogrammed per task, and the analog-only lower bound");
  cmd->add_option("configs", o->configs,
                  "YAML config files, merged in order (none: the embedded default, MobileBERT)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-p,--param", o->overrides,
                  "override one key, KEY=VALUE (repeatable), e.g. -p serve.rate=200Hz")
      ->allow_extra_args(false);
  cmd->add_option("--requests", o->requests,
                  "request file: CSV arrival_us,adapter,prompt_tokens,decode_tokens or JSON Lines "
                  "(.jsonl); sets serve.trace");
  cmd->add_option("-o,--output", o->outdir, "output folder for requests.csv, serve.json")
      ->capture_default_str();
  return [o] {
    const Schema schema = build_schema();
    std::vector<std::string> overrides = o->overrides;
    if (!o->requests.empty()) overrides.push_back("serve.trace=" + o->requests);
    const Config cfg = load_run_config(schema, o->configs, overrides);
    ServeProgress progress;
    if (::isatty(2) != 0 && !cli_options().quiet)
      progress = [](const std::string& design, std::size_t done, std::size_t total) {
        std::cerr << fmt::format("\r\033[Kserve: {} {}/{} requests", design, done, total)
                  << std::flush;
      };
    const RequestStream stream = request_stream(cfg);
    const ServeResult r = serve(cfg, stream, progress);
    if (progress) std::cerr << "\r\033[K" << std::flush;
    const std::vector<std::string> files = write_serve_outputs(r, cfg, o->outdir);
    if (!cli_options().quiet) print_serve_table(std::cout, r);
    say_outputs(o->outdir, files);
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(serve, setup_serve);

}  // namespace aimcsim
