#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "workloads/model_config.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// The operator names of one feed-forward network. Ungated: up projection, activation, down
// projection. Gated (LLaMA's SwiGLU): gate and up projections, the activation of the gate, its
// product with the up projection, down projection.
struct FfnNames {
  std::string up, act, down;
  std::string gate = {}, gate_mul = {};  // both empty: ungated
};

// The embedding of `tokens` tokens fed by `inputs` (empty: the model input, else the token the
// previous pass generated); returns the operator that starts the residual stream.
using EmbedFn = std::function<std::size_t(std::int64_t tokens, std::vector<std::size_t> inputs)>;
// One transformer layer on `tokens` new tokens attending to `kv_tokens` positions, from the
// residual stream `x`; returns the layer's output.
using LayerFn =
    std::function<std::size_t(std::int64_t tokens, std::int64_t kv_tokens, std::size_t x)>;

// Appends operators to a Workload in execution order (producers first), inside the current
// block and decode step: the building blocks that model families compose. Shapes only; what an
// operator costs and where it runs is decided later.
class GraphBuilder {
 public:
  explicit GraphBuilder(Workload& w) : w_(w) {}

  // Starts (or returns to) block `name`; each name is listed once in Workload::blocks.
  void block(const std::string& name);
  // The decode step of the operators that follow; -1: the prompt.
  void set_step(std::int64_t step) { step_ = step; }

  // Appends `op` in the current block and step; returns its index.
  std::size_t add(Operator op, std::vector<std::size_t> inputs);
  // A static linear of `tokens` rows, `in` -> `out` features.
  std::size_t linear(const std::string& name, std::int64_t tokens, std::int64_t in,
                     std::int64_t out, std::vector<std::size_t> inputs);
  // An operator of `kind` on `tokens` rows of `width` features.
  std::size_t unary(OpKind kind, const std::string& name, const std::string& variant,
                    std::int64_t tokens, std::int64_t width, std::vector<std::size_t> inputs);
  // A table lookup of `tokens` tokens, `width` features each.
  std::size_t embedding(const std::string& name, std::int64_t tokens, std::int64_t width,
                        std::vector<std::size_t> inputs);
  // A norm (`variant`: layernorm, nonorm, rmsnorm) of `x`.
  std::size_t norm(const std::string& name, const std::string& variant, std::int64_t tokens,
                   std::int64_t width, std::size_t x);
  // An element-wise add (`variant` add) or product (mul) of `inputs`.
  std::size_t elementwise(const std::string& name, const std::string& variant, std::int64_t tokens,
                          std::int64_t width, std::vector<std::size_t> inputs);
  // The add of `addends` (a sublayer output and its residual) followed by a norm; returns the
  // norm.
  std::size_t add_norm(const std::string& add_name, const std::string& norm_name,
                       const std::string& variant, std::int64_t tokens, std::int64_t width,
                       std::vector<std::size_t> addends);
  // A pre-norm residual sublayer: x + sublayer(norm(x)) (norm `norm_name`, add `add_name`);
  // returns the add.
  std::size_t pre_norm(const std::string& norm_name, const std::string& add_name,
                       const std::string& variant, std::int64_t tokens, std::int64_t width,
                       std::size_t x, const std::function<std::size_t(std::size_t)>& sublayer);
  // Q K^T (`prefix`scores), softmax and softmax(.) V (`prefix`context) of one attention of `m`'s
  // heads over `kv_tokens` keys; returns the context.
  std::size_t attention(const std::string& prefix, const ModelShape& m, std::int64_t tokens,
                        std::int64_t kv_tokens, bool causal, std::size_t q, std::size_t k,
                        std::size_t v);
  // A feed-forward network `width` -> `inner` -> `width` on `x`; returns the down projection.
  std::size_t ffn(const FfnNames& names, const std::string& activation, std::int64_t tokens,
                  std::int64_t width, std::int64_t inner, std::size_t x);

  // An encoder over `tokens` tokens: block "embedding" (embed), blocks "layer.0" ... (layer,
  // attending to all tokens), block "head" with a SQuAD-style QA head ("qa_outputs", hidden ->
  // 2 start/end logits per token).
  void encoder(const ModelShape& m, std::int64_t tokens, const EmbedFn& embed,
               const LayerFn& layer);
  // A decoder: the prompt pass over `prompt` tokens, then one pass per generated token
  // (`steps`, blocks prefixed "decode/") over the growing KV cache. Each pass is an embedding
  // block, the layers, and a head block: the final norm (m.norm) and the LM head on the last
  // position only; a step's embedding takes the previous pass's LM head as input.
  void decoder(const ModelShape& m, std::int64_t prompt, std::int64_t steps, const EmbedFn& embed,
               const LayerFn& layer);

 private:
  Workload& w_;
  std::string block_;
  std::int64_t step_ = -1;
};

}  // namespace aimcsim
