#include "sim/map/kernel_shape.hpp"

#include <fmt/format.h>

#include "sim/base/error.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

struct KernelEntry {
  std::string name;
  std::vector<std::string> options;
};

const std::vector<KernelEntry>& kernels() {
  static const std::vector<KernelEntry> k{
      {"lora", {"tokens", "in", "out", "rank"}},
      {"gemm", {"m", "n", "k"}},
      {"add", {"rows", "cols"}},
      {"reduce", {"tokens", "out", "blocks"}},
      {"attention_scores", {"q_tokens", "kv_tokens", "head_dim", "heads"}},
      {"softmax", {"rows", "cols"}},
      {"attention_context", {"q_tokens", "kv_tokens", "head_dim", "heads"}},
      {"layer_norm", {"tokens", "width"}},
      {"no_norm", {"tokens", "width"}},
      {"relu", {"tokens", "width"}},
      {"gelu", {"tokens", "width"}},
      {"silu", {"tokens", "width"}},
  };
  return k;
}

// A shape option the kernel needs: given and positive.
std::int64_t need(const KernelShape& s, const std::string& option) {
  const auto it = s.options.find(option);
  const std::string flag = kernel_option_flag(option);
  if (it == s.options.end())
    throw InputError(fmt::format("kernel {}: {} is required (an integer >= 1)", s.kernel, flag));
  if (it->second < 1)
    throw InputError(
        fmt::format("kernel {}: {} must be an integer >= 1, got {}", s.kernel, flag, it->second));
  return it->second;
}

}  // namespace

const std::vector<KernelShapeOption>& kernel_shape_options() {
  static const std::vector<KernelShapeOption> o{
      {"tokens", "tokens (lora, reduce, norms, activations)"},
      {"in", "layer inputs (lora)"},
      {"out", "layer outputs (lora, reduce)"},
      {"rank", "LoRA rank (lora)"},
      {"m", "GEMM rows of C (gemm)"},
      {"n", "GEMM columns of C (gemm)"},
      {"k", "GEMM inner dimension (gemm)"},
      {"rows", "rows (add, softmax)"},
      {"cols", "columns (add, softmax)"},
      {"blocks", "partial-sum blocks, one per tile (reduce)"},
      {"q_tokens", "query tokens (attention_*)"},
      {"kv_tokens", "key/value tokens (attention_*)"},
      {"head_dim", "head dimension (attention_*)"},
      {"heads", "heads (attention_*)"},
      {"width", "features per token (norms, activations)"},
  };
  return o;
}

std::string kernel_option_flag(const std::string& name) {
  if (name.size() == 1) return "-" + name;
  std::string flag = "--" + name;
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

const std::vector<std::string>& kernel_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const KernelEntry& k : kernels()) n.push_back(k.name);
    return n;
  }();
  return names;
}

std::string kernel_names_text() {
  std::string out;
  for (const std::string& n : kernel_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

const std::vector<std::string>* kernel_options(const std::string& kernel) {
  for (const KernelEntry& k : kernels())
    if (k.name == kernel) return &k.options;
  return nullptr;
}

KernelCost kernel_cost(const PmcaParams& p, const KernelShape& s, std::string* description) {
  const std::string& k = s.kernel;
  std::string shape;
  KernelCost c;
  if (k == "gemm") {
    const std::int64_t m = need(s, "m"), n = need(s, "n"), kk = need(s, "k");
    shape = fmt::format("M {} x N {} x K {}", m, n, kk);
    c = gemm_staged_cost(p, m, n, kk);
  } else if (k == "add") {
    const std::int64_t r = need(s, "rows"), cols = need(s, "cols");
    shape = fmt::format("{} x {}", r, cols);
    c = add_cost(p, r, cols);
  } else if (k == "reduce") {
    const std::int64_t t = need(s, "tokens"), out = need(s, "out"), b = need(s, "blocks");
    shape = fmt::format("{} tokens x {} outputs, {} partial blocks", t, out, b);
    c = reduce_cost(p, t, out, b);
  } else if (k == "attention_scores" || k == "attention_context") {
    const std::int64_t q = need(s, "q_tokens"), kv = need(s, "kv_tokens"), d = need(s, "head_dim"),
                       h = need(s, "heads");
    shape = fmt::format("{} heads of {}: {} query x {} key/value tokens", h, d, q, kv);
    // As the run costs it: keys in blocks when a head does not fit L1.
    c = attention_cost(p, k == "attention_scores", q, kv, d, h, "kernel " + k);
  } else if (k == "softmax") {
    const std::int64_t r = need(s, "rows"), cols = need(s, "cols");
    shape = fmt::format("{} rows x {} cols", r, cols);
    c = softmax_cost(p, r, cols);
  } else if (k == "layer_norm" || k == "no_norm" || k == "relu" || k == "gelu" || k == "silu") {
    const std::int64_t t = need(s, "tokens"), w = need(s, "width");
    shape = fmt::format("{} tokens x {}", t, w);
    if (k == "layer_norm")
      c = layer_norm_cost(p, t, w);
    else if (k == "no_norm")
      c = no_norm_cost(p, t, w);
    else
      c = activation_cost(p, parse_activation(k), t, w);
  } else {
    throw InputError(fmt::format("kernel '{}': unknown; accepted are {}", k, kernel_names_text()));
  }
  if (description) *description = shape;
  return c;
}

LoraChunkCost lora_kernel_cost(const PmcaParams& p, const KernelShape& s) {
  return lora_chunk_cost(p, need(s, "tokens"), need(s, "in"), need(s, "out"), need(s, "rank"));
}

std::string lora_misfit_message(const PmcaParams& p, const KernelShape& s) {
  const std::int64_t r = need(s, "rank");
  return fmt::format(
      "kernel lora: the rank-{} adapters ({} B) and two one-token buffers do not fit "
      "pmca.l1_size ({} B)",
      r, p.elem_bytes * r * (need(s, "in") + need(s, "out")), p.l1_bytes);
}

std::string kernel_misfit_message(const PmcaParams& p, const std::string& kernel,
                                  const KernelCost& c) {
  return fmt::format(
      "kernel {}: does not fit pmca.l1_size ({} B) even when staged row by row (needs {} B at "
      "once)",
      kernel, p.l1_bytes, c.l1_required);
}

std::int64_t kernel_cycles(const PmcaParams& p, const KernelShape& s) {
  if (s.kernel == "lora") {
    const LoraChunkCost c = lora_kernel_cost(p, s);
    if (!c.feasible) throw InputError(lora_misfit_message(p, s));
    return c.cycles;
  }
  const KernelCost c = kernel_cost(p, s);
  if (!c.feasible) throw InputError(kernel_misfit_message(p, s.kernel, c));
  return c.cycles;
}

}  // namespace aimcsim
