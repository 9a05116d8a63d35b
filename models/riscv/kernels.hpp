#pragma once
#include <cstdint>
#include <string>

#include "models/riscv/pmca_model.hpp"

namespace aimcsim {

// Costs of the PMCA kernels beyond the LoRA chunk: partial-sum reduction for layers that span
// several tiles, the attention operators, norms and activations. Each returns cycles split into
// compute, memory stalls, DMA waits and overhead (KernelCost), with its L1 footprint checked:
// kernels whose buffers exceed L1 are staged through the DMA by rows (staged_cost), and come back
// with `feasible` false when not even that fits. GEMM-shaped kernels run on `p.engine`; the
// others always run on the cores. Shapes must be positive: anything else throws InputError naming
// the kernel and the argument.
// Simplification: softmax, norms and activations use software approximations on the FPU (exp
// and reciprocal as fixed SIMD instruction counts, divide and square root on the scalar
// iterative unit); the max and sum reductions across SIMD lanes are folded into loop setup.

// A standalone GEMM C (M x N) = A (M x K) * B (K x N) on `p.engine` with its L1 check: B stays
// in L1, rows of A come in and rows of C go out (staged when the whole does not fit).
KernelCost gemm_staged_cost(const PmcaParams& p, std::int64_t m, std::int64_t n, std::int64_t k);

// Sum of `blocks` (>= 2) partial vectors of length `out` for each of `tokens` tokens:
// (blocks - 1) SIMD adds per output element, elements split evenly over cores and lanes.
KernelCost reduce_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t out,
                       std::int64_t blocks);

// S = Q K^T per head: for each of `heads` heads a q_tokens x kv_tokens x head_dim GEMM (the
// 1/sqrt(d) scale folded into Q). K of the head stays in L1; Q rows are read from a
// tokens x (heads * head_dim) matrix, so staged Q rows are 2-D transfers.
KernelCost attention_scores_cost(const PmcaParams& p, std::int64_t q_tokens, std::int64_t kv_tokens,
                                 std::int64_t head_dim, std::int64_t heads);
// Row softmax of a rows x cols matrix in place: per row a max pass, an exp-and-sum pass, one
// scalar reciprocal and a scale pass (three loop nests), rows split over the cores.
KernelCost softmax_cost(const PmcaParams& p, std::int64_t rows, std::int64_t cols);
// O = softmax(S) V per head: for each head a q_tokens x head_dim x kv_tokens GEMM; V of the head
// stays in L1, outputs go to a tokens x (heads * head_dim) matrix (2-D transfers when staged).
KernelCost attention_context_cost(const PmcaParams& p, std::int64_t q_tokens,
                                  std::int64_t kv_tokens, std::int64_t head_dim,
                                  std::int64_t heads);

// Layer norm of `tokens` rows of `width`: mean, variance and normalise passes (6 lane ops per
// element), one square root and one divide per row; gamma and beta stay in L1.
KernelCost layer_norm_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t width);
// MobileBERT's NoNorm, y = x * gamma + beta: one FMA per element.
KernelCost no_norm_cost(const PmcaParams& p, std::int64_t tokens, std::int64_t width);

enum class Activation { Relu, Gelu, Silu };
// "relu", "gelu" or "silu"; anything else throws InputError.
Activation parse_activation(const std::string& name);
const char* activation_name(Activation a);
// Element-wise activation of a tokens x width matrix. Lane ops per element: ReLU 1 (max);
// SiLU x * sigmoid(x) with sigmoid = recip(1 + exp(-x)): exp + recip + 2; GELU in its sigmoid
// form x * sigmoid(1.702 x): exp + recip + 3.
KernelCost activation_cost(const PmcaParams& p, Activation a, std::int64_t tokens,
                           std::int64_t width);

}  // namespace aimcsim
