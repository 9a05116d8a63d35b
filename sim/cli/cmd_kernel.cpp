// `aimcsim kernel`: the cost breakdown of one PMCA kernel for given shapes and cluster parameters.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "models/riscv/gemm_engine.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/cli.hpp"
#include "sim/map/kernel_shape.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {
namespace {

struct KernelOptions {
  std::string kernel;
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::map<std::string, std::optional<std::int64_t>> shape;  // by kernel_shape_options() name

  KernelShape kernel_shape() const {
    KernelShape s{kernel, {}};
    for (const auto& [name, value] : shape)
      if (value) s.options[name] = *value;
    return s;
  }
};

std::string row(const KernelCost& c) {
  return fmt::format("{:<18} {:>10} {:>11.1f} {:>10.1f} {:>10.1f} {:>10.1f} {:>7.1f}%  {}\n",
                     c.name, c.cycles, c.compute_cycles, c.stall_cycles, c.dma_wait_cycles,
                     c.overhead_cycles, 100.0 * c.utilisation(), c.unit);
}

std::string header() {
  return fmt::format("{:<18} {:>10} {:>11} {:>10} {:>10} {:>10} {:>8}  {}\n", "kernel", "cycles",
                     "compute", "stall", "dma_wait", "overhead", "util", "on");
}

std::string cluster(const PmcaParams& p) {
  std::string s = fmt::format("{} cores, {} x{} lanes, {:g} MHz, L1 {} B", p.cores, p.format,
                              p.lanes, p.freq_hz / 1e6, p.l1_bytes);
  const std::string engine = p.gemm().describe(p);
  if (!engine.empty()) s += ", " + engine;
  return s;
}

void print_memory(std::ostream& os, const PmcaParams& p, std::int64_t footprint, std::int64_t held,
                  bool spilled, std::int64_t pieces, std::int64_t dma_bytes) {
  if (!spilled)
    os << fmt::format("L1: {} B of {} B, fits\n", footprint, p.l1_bytes);
  else
    os << fmt::format(
        "L1: {} B of {} B, spills: {} double-buffered pieces staged from L2 ({} B held), "
        "DMA {} B\n",
        footprint, p.l1_bytes, pieces, held, dma_bytes);
}

int run_lora(const KernelShape& s, const PmcaParams& p, std::ostream& os) {
  const LoraChunkCost c = lora_kernel_cost(p, s);
  const std::int64_t t = s.options.at("tokens");
  os << fmt::format("kernel lora: {} tokens, {} -> {}, rank {}; {}\n", t, s.options.at("in"),
                    s.options.at("out"), s.options.at("rank"), cluster(p));
  if (!c.feasible) throw InputError(lora_misfit_message(p, s));
  os << header() << row(c.down) << row(c.up);
  if (!c.add_fused) os << row(c.add);
  os << fmt::format("{:<18} {:>10} {:>11} {:>10} {:>10} {:>10} {:>7.1f}%\n", "chunk", c.cycles, "",
                    "", c.dma_wait_cycles, "", 100.0 * c.utilisation);
  os << fmt::format("time: {:.3f} ns per chunk ({:.3f} ns per token)\n", ps_to_ns(c.duration),
                    ps_to_ns(c.duration) / static_cast<double>(t));
  print_memory(os, p, c.l1_bytes, c.l1_peak_bytes, c.spilled,
               c.spilled ? (t + c.sub_tokens - 1) / c.sub_tokens : 1, c.dma_bytes);
  os << fmt::format("energy: {:.3f} nJ dynamic\n", c.energy.total() / 1e3);
  return 0;
}

Command::Action setup_kernel(CLI::App& app) {
  auto o = std::make_shared<KernelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "kernel", "print the cycle, memory and energy breakdown of one PMCA kernel");
  cmd->add_option("kernel", o->kernel, "kernel: " + kernel_names_text())->required();
  cmd->add_option("configs", o->configs,
                  "YAML config files, merged in order (none: the embedded default)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-p,--param", o->overrides,
                  "override one key, KEY=VALUE (repeatable), e.g. -p pmca.engine=redmule")
      ->allow_extra_args(false);
  for (const KernelShapeOption& opt : kernel_shape_options())
    cmd->add_option(kernel_option_flag(opt.name), o->shape[opt.name], opt.help);
  return [o] {
    const Schema schema = build_schema();
    const Config cfg = load_run_config(schema, o->configs, o->overrides, true);
    const PmcaParams p = PmcaParams::from(cfg);
    const KernelShape shape = o->kernel_shape();
    if (o->kernel == "lora") return run_lora(shape, p, std::cout);
    std::string description;
    const KernelCost c = kernel_cost(p, shape, &description);
    std::cout << fmt::format("kernel {}: {}; {}\n", o->kernel, description, cluster(p));
    if (!c.feasible) throw InputError(kernel_misfit_message(p, o->kernel, c));
    std::cout << header() << row(c);
    std::cout << fmt::format("time: {:.3f} ns; useful ops {}\n",
                             cycles_to_ns(static_cast<double>(c.cycles), p.freq_hz), c.lane_ops);
    print_memory(std::cout, p, c.l1_required, c.l1_footprint, c.spilled, c.sub_blocks, c.dma_bytes);
    std::cout << fmt::format("energy: {:.3f} nJ dynamic\n", c.energy.total() / 1e3);
    return 0;
  };
}

}  // namespace

AIMCSIM_REGISTER_COMMAND(kernel, setup_kernel);

}  // namespace aimcsim
