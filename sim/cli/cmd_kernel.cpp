// `aimcsim kernel`: the cost breakdown of one PMCA kernel for given shapes and cluster parameters.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "models/riscv/gemm_engine.hpp"
#include "models/riscv/kernels.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/cli.hpp"
#include "sim/map/digital_cost.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {
namespace {

struct KernelOptions {
  std::string kernel;
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::optional<std::int64_t> tokens, in, out, rank, m, n, k, rows, cols, blocks;
  std::optional<std::int64_t> q_tokens, kv_tokens, head_dim, heads, width;
};

const char* const kKernels =
    "lora, gemm, add, reduce, attention_scores, softmax, attention_context, layer_norm, no_norm, "
    "relu, gelu, silu";

// A shape option the kernel needs: given and positive.
std::int64_t need(const std::string& kernel, const char* option,
                  const std::optional<std::int64_t>& value) {
  if (!value)
    throw InputError(fmt::format("kernel {}: {} is required (an integer >= 1)", kernel, option));
  if (*value < 1)
    throw InputError(
        fmt::format("kernel {}: {} must be an integer >= 1, got {}", kernel, option, *value));
  return *value;
}

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

int run_lora(const KernelOptions& o, const PmcaParams& p, std::ostream& os) {
  const std::int64_t t = need("lora", "--tokens", o.tokens), in = need("lora", "--in", o.in),
                     out = need("lora", "--out", o.out), r = need("lora", "--rank", o.rank);
  const LoraChunkCost c = lora_chunk_cost(p, t, in, out, r);
  os << fmt::format("kernel lora: {} tokens, {} -> {}, rank {}; {}\n", t, in, out, r, cluster(p));
  if (!c.feasible)
    throw InputError(
        fmt::format("kernel lora: the rank-{} adapters ({} B) and two one-token buffers do not fit "
                    "pmca.l1_size ({} B)",
                    r, p.elem_bytes * r * (in + out), p.l1_bytes));
  os << header() << row(c.down) << row(c.up) << row(c.add);
  os << fmt::format("{:<18} {:>10} {:>11} {:>10} {:>10} {:>10} {:>7.1f}%\n", "chunk", c.cycles, "",
                    "", c.dma_wait_cycles, "", 100.0 * c.utilisation);
  os << fmt::format("time: {:.3f} ns per chunk ({:.3f} ns per token)\n", ps_to_ns(c.duration),
                    ps_to_ns(c.duration) / static_cast<double>(t));
  print_memory(os, p, c.l1_bytes, c.l1_peak_bytes, c.spilled,
               c.spilled ? (t + c.sub_tokens - 1) / c.sub_tokens : 1, c.dma_bytes);
  os << fmt::format("energy: {:.3f} nJ dynamic\n", c.energy.total() / 1e3);
  return 0;
}

KernelCost cost_of(const KernelOptions& o, const PmcaParams& p, std::string& shape) {
  const std::string& k = o.kernel;
  if (k == "gemm") {
    const std::int64_t m = need(k, "-m", o.m), n = need(k, "-n", o.n), kk = need(k, "-k", o.k);
    shape = fmt::format("M {} x N {} x K {}", m, n, kk);
    return gemm_staged_cost(p, m, n, kk);
  }
  if (k == "add") {
    const std::int64_t r = need(k, "--rows", o.rows), c = need(k, "--cols", o.cols);
    shape = fmt::format("{} x {}", r, c);
    return add_cost(p, r, c);
  }
  if (k == "reduce") {
    const std::int64_t t = need(k, "--tokens", o.tokens), out = need(k, "--out", o.out),
                       b = need(k, "--blocks", o.blocks);
    shape = fmt::format("{} tokens x {} outputs, {} partial blocks", t, out, b);
    return reduce_cost(p, t, out, b);
  }
  if (k == "attention_scores" || k == "attention_context") {
    const std::int64_t q = need(k, "--q-tokens", o.q_tokens),
                       kv = need(k, "--kv-tokens", o.kv_tokens),
                       d = need(k, "--head-dim", o.head_dim), h = need(k, "--heads", o.heads);
    shape = fmt::format("{} heads of {}: {} query x {} key/value tokens", h, d, q, kv);
    // As the run costs it: keys in blocks when a head does not fit L1.
    return attention_cost(p, k == "attention_scores", q, kv, d, h, "kernel " + k);
  }
  if (k == "softmax") {
    const std::int64_t r = need(k, "--rows", o.rows), c = need(k, "--cols", o.cols);
    shape = fmt::format("{} rows x {} cols", r, c);
    return softmax_cost(p, r, c);
  }
  if (k == "layer_norm" || k == "no_norm" || k == "relu" || k == "gelu" || k == "silu") {
    const std::int64_t t = need(k, "--tokens", o.tokens), w = need(k, "--width", o.width);
    shape = fmt::format("{} tokens x {}", t, w);
    if (k == "layer_norm") return layer_norm_cost(p, t, w);
    if (k == "no_norm") return no_norm_cost(p, t, w);
    return activation_cost(p, parse_activation(k), t, w);
  }
  throw InputError(fmt::format("kernel '{}': unknown; accepted are {}", k, kKernels));
}

Command::Action setup_kernel(CLI::App& app) {
  auto o = std::make_shared<KernelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "kernel", "print the cycle, memory and energy breakdown of one PMCA kernel");
  cmd->add_option("kernel", o->kernel, std::string("kernel: ") + kKernels)->required();
  cmd->add_option("configs", o->configs,
                  "YAML config files, merged in order (none: the embedded default)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-p,--param", o->overrides,
                  "override one key, KEY=VALUE (repeatable), e.g. -p pmca.engine=redmule")
      ->allow_extra_args(false);
  cmd->add_option("--tokens", o->tokens, "tokens (lora, reduce, norms, activations)");
  cmd->add_option("--in", o->in, "layer inputs (lora)");
  cmd->add_option("--out", o->out, "layer outputs (lora, reduce)");
  cmd->add_option("--rank", o->rank, "LoRA rank (lora)");
  cmd->add_option("-m", o->m, "GEMM rows of C (gemm)");
  cmd->add_option("-n", o->n, "GEMM columns of C (gemm)");
  cmd->add_option("-k", o->k, "GEMM inner dimension (gemm)");
  cmd->add_option("--rows", o->rows, "rows (add, softmax)");
  cmd->add_option("--cols", o->cols, "columns (add, softmax)");
  cmd->add_option("--blocks", o->blocks, "partial-sum blocks, one per tile (reduce)");
  cmd->add_option("--q-tokens", o->q_tokens, "query tokens (attention_*)");
  cmd->add_option("--kv-tokens", o->kv_tokens, "key/value tokens (attention_*)");
  cmd->add_option("--head-dim", o->head_dim, "head dimension (attention_*)");
  cmd->add_option("--heads", o->heads, "heads (attention_*)");
  cmd->add_option("--width", o->width, "features per token (norms, activations)");
  return [o] {
    const Schema schema = build_schema();
    const Config cfg = load_run_config(schema, o->configs, o->overrides, true);
    const PmcaParams p = PmcaParams::from(cfg);
    if (o->kernel == "lora") return run_lora(*o, p, std::cout);
    std::string shape;
    const KernelCost c = cost_of(*o, p, shape);
    std::cout << fmt::format("kernel {}: {}; {}\n", o->kernel, shape, cluster(p));
    if (!c.feasible)
      throw InputError(
          fmt::format("kernel {}: does not fit pmca.l1_size ({} B) even when staged row by row "
                      "(needs {} B at once)",
                      o->kernel, p.l1_bytes, c.l1_required));
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
