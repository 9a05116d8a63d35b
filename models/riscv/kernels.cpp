#include "models/riscv/kernels.hpp"

#include <fmt/format.h>

#include "models/riscv/gemm_engine.hpp"
#include "sim/base/error.hpp"
#include "sim/base/math.hpp"

namespace aimcsim {

namespace {

void require(const char* kernel, const char* arg, std::int64_t value, std::int64_t min = 1) {
  if (value < min)
    throw InputError(
        fmt::format("kernel {}: {} must be an integer >= {}, got {}", kernel, arg, min, value));
}

// Runs a row-staged kernel and marks it infeasible when it cannot be staged.
KernelCost staged(const PmcaParams& p, const Staging& s, const std::string& name,
                  const std::function<KernelCost(std::int64_t)>& kernel) {
  const StagedCost st = staged_cost(p, s, kernel);
  KernelCost c = st.total;
  c.name = name;
  c.feasible = st.feasible;
  if (!st.feasible) c.spilled = true;
  return c;
}

// An element-wise kernel over `elements` split evenly over cores and lanes, `ops` SIMD
// instructions per lane group, `accesses` L1 element accesses per element, one loop nest.
KernelCost elementwise(const PmcaParams& p, const std::string& name, std::int64_t elements,
                       std::int64_t ops, std::int64_t accesses) {
  const std::int64_t per_core = ceil_div(elements, p.cores);
  return cores_kernel(p, name, static_cast<double>(ceil_div(per_core, p.lanes) * ops), 1,
                      elements * ops, p.elem_bytes * accesses * elements);
}

// `heads` times the per-head cost.
KernelCost per_head(KernelCost head, std::int64_t heads) {
  KernelCost c = head;
  for (std::int64_t h = 1; h < heads; ++h) c.accumulate(head);
  return c;
}
}  // namespace

KernelCost gemm_staged_cost(const PmcaParams& p, std::int64_t m, std::int64_t n, std::int64_t k) {
  require("gemm", "m", m);
  require("gemm", "n", n);
  require("gemm", "k", k);
  const std::int64_t e = p.elem_bytes;
  Staging s;
  s.rows = m;
  s.resident = e * k * n;
  s.load_resident = true;
  s.row_l1 = e * (k + n);
  s.in_row = e * k;
  s.out_row = e * n;
  s.align = p.gemm().row_block(p);
  return staged(p, s, "gemm", [&](std::int64_t rows) { return gemm_cost(p, rows, n, k); });
}

KernelCost reduce_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t out,
                       std::int64_t blocks) {
  require("reduce", "tokens", tokens);
  require("reduce", "out", out);
  require("reduce", "blocks", blocks, 2);
  const std::int64_t e = p.elem_bytes;
  Staging s;
  s.rows = tokens;
  s.row_l1 = e * out * blocks;  // the sum overwrites the first partial
  s.in_row = e * out * blocks;
  s.out_row = e * out;
  return staged(p, s, "reduce", [&](std::int64_t t) {
    return elementwise(p, "reduce", t * out, blocks - 1, blocks + 1);
  });
}

namespace {

// Q K^T (scores) or softmax(S) V (context) of one head, times `heads`: the head's K or V stays
// in L1 and query rows are staged; scores read Q rows strided out of a tokens x (heads * head_dim)
// matrix, context writes its output rows strided into one.
KernelCost attention_gemm(const PmcaParams& p, const char* name, bool scores, std::int64_t q_tokens,
                          std::int64_t kv_tokens, std::int64_t head_dim, std::int64_t heads) {
  require(name, "q_tokens", q_tokens);
  require(name, "kv_tokens", kv_tokens);
  require(name, "head_dim", head_dim);
  require(name, "heads", heads);
  const std::int64_t e = p.elem_bytes;
  Staging s;
  s.rows = q_tokens;
  s.resident = e * kv_tokens * head_dim;  // K or V of the head
  s.load_resident = true;
  s.row_l1 = e * (head_dim + kv_tokens);
  s.in_row = e * (scores ? head_dim : kv_tokens);
  s.out_row = e * (scores ? kv_tokens : head_dim);
  s.strided_in = scores;
  s.strided_out = !scores;
  s.align = p.gemm().row_block(p);
  const KernelCost head = staged(p, s, name, [&](std::int64_t t) {
    return scores ? gemm_cost(p, t, kv_tokens, head_dim) : gemm_cost(p, t, head_dim, kv_tokens);
  });
  return per_head(head, heads);
}

}  // namespace

KernelCost attention_scores_cost(const PmcaParams& p, std::int64_t q_tokens, std::int64_t kv_tokens,
                                 std::int64_t head_dim, std::int64_t heads) {
  return attention_gemm(p, "attention_scores", true, q_tokens, kv_tokens, head_dim, heads);
}

KernelCost softmax_cost(const PmcaParams& p, std::int64_t rows, std::int64_t cols) {
  require("softmax", "rows", rows);
  require("softmax", "cols", cols);
  const std::int64_t e = p.elem_bytes, ops = 3 + p.exp_ops;  // max, exp, sum, scale
  Staging s;
  s.rows = rows;
  s.row_l1 = e * cols;
  s.in_row = s.out_row = e * cols;
  return staged(p, s, "softmax", [&](std::int64_t r) {
    const std::int64_t per_core = ceil_div(r, p.cores);
    const double issue =
        static_cast<double>(per_core * (ceil_div(cols, p.lanes) * ops + p.div_cycles));
    // L1: max reads the row, exp-and-sum reads and writes it, scale reads and writes it.
    return cores_kernel(p, "softmax", issue, 3 * per_core, r * (cols * ops + 1), e * 5 * r * cols);
  });
}

KernelCost attention_context_cost(const PmcaParams& p, std::int64_t q_tokens,
                                  std::int64_t kv_tokens, std::int64_t head_dim,
                                  std::int64_t heads) {
  return attention_gemm(p, "attention_context", false, q_tokens, kv_tokens, head_dim, heads);
}

KernelCost layer_norm_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t width) {
  require("layer_norm", "tokens", tokens);
  require("layer_norm", "width", width);
  const std::int64_t e = p.elem_bytes;
  Staging s;
  s.rows = tokens;
  s.resident = 2 * e * width;  // gamma, beta
  s.row_l1 = e * width;
  s.in_row = s.out_row = e * width;
  return staged(p, s, "layer_norm", [&](std::int64_t t) {
    const std::int64_t per_core = ceil_div(t, p.cores);
    const double issue =
        static_cast<double>(per_core * (ceil_div(width, p.lanes) * 6 + 2 * p.div_cycles));
    // L1: x read by all three passes; gamma, beta read and y written by the last.
    return cores_kernel(p, "layer_norm", issue, 3 * per_core, t * (6 * width + 2),
                        e * 6 * t * width);
  });
}

KernelCost no_norm_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t width) {
  require("no_norm", "tokens", tokens);
  require("no_norm", "width", width);
  const std::int64_t e = p.elem_bytes;
  Staging s;
  s.rows = tokens;
  s.resident = 2 * e * width;
  s.row_l1 = e * width;
  s.in_row = s.out_row = e * width;
  return staged(p, s, "no_norm",
                [&](std::int64_t t) { return elementwise(p, "no_norm", t * width, 1, 4); });
}

Activation parse_activation(const std::string& name) {
  if (name == "relu") return Activation::Relu;
  if (name == "gelu") return Activation::Gelu;
  if (name == "silu") return Activation::Silu;
  throw InputError(fmt::format("activation '{}': accepted are relu, gelu, silu", name));
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::Relu:
      return "relu";
    case Activation::Gelu:
      return "gelu";
    case Activation::Silu:
      return "silu";
  }
  return "relu";
}

KernelCost activation_cost(const PmcaParams& p, Activation a, std::int64_t tokens,
                           std::int64_t width) {
  const char* name = activation_name(a);
  require(name, "tokens", tokens);
  require(name, "width", width);
  const std::int64_t ops = a == Activation::Relu   ? 1
                           : a == Activation::Silu ? p.exp_ops + p.recip_ops + 2
                                                   : p.exp_ops + p.recip_ops + 3;
  const std::int64_t e = p.elem_bytes;
  Staging s;
  s.rows = tokens;
  s.row_l1 = e * width;
  s.in_row = s.out_row = e * width;
  return staged(p, s, name,
                [&](std::int64_t t) { return elementwise(p, name, t * width, ops, 2); });
}

}  // namespace aimcsim
