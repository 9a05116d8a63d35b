#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "workloads/model_config.hpp"
#include "workloads/routing.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

// The operator names of one feed-forward network. Ungated: up projection, activation, down
// projection. Gated (LLaMA's SwiGLU): gate and up projections, the activation of the gate, its
// product with the up projection, down projection. Fused (Phi-3's gate_up_proj): `up` names one
// linear that computes gate and up together (width -> 2 x inner), `gate` stays empty.
struct FfnNames {
  std::string up, act, down;
  std::string gate = {}, gate_mul = {};  // both empty: ungated (unless fused)
  bool fused = false;
};

// The operator names of a Mixture-of-Experts FFN: the router linear (hidden -> experts), the
// softmax / top-k over its logits, expert e's FFN named `experts` + "<e>." + its FfnNames, and
// the weighted sum of the experts' outputs.
struct MoeNames {
  std::string router, router_softmax, experts;
  FfnNames expert;
  std::string combine;
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
  explicit GraphBuilder(Workload& w) : w_(w), block_names_(w.blocks.begin(), w.blocks.end()) {}

  // Starts (or returns to) block `name`; each name is listed once in Workload::blocks.
  void block(const std::string& name);
  // The decode step of the operators that follow; -1: the prompt.
  void set_step(std::int64_t step) { step_ = step; }
  // Whether decoder() may hold decode steps that differ only in their keys once
  // (Workload::shared_steps; default true).
  void set_share_steps(bool share) { share_steps_ = share; }

  // At most `max_ops` operators: the one past it throws InputError with message(count).
  void set_limit(std::size_t max_ops, std::function<std::string(std::size_t)> message) {
    max_ops_ = max_ops;
    limit_message_ = std::move(message);
  }
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
  // A feed-forward network `width` -> `inner` -> `width` on `inputs` (the first is the data,
  // the others only ordering); returns the down projection.
  std::size_t ffn(const FfnNames& names, const std::string& activation, std::int64_t tokens,
                  std::int64_t width, std::int64_t inner, std::size_t x);
  std::size_t ffn(const FfnNames& names, const std::string& activation, std::int64_t tokens,
                  std::int64_t width, std::int64_t inner, std::vector<std::size_t> inputs);
  // A Mixture-of-Experts FFN of `m` (m.experts experts of width m.expert_intermediate, each
  // token activating m.experts_per_token) on the `tokens` tokens of `x`: the router and its
  // softmax over every token, each expert's FFN over the tokens the routing sends it (an expert
  // with none runs nothing; in the prompt its weights are listed in Workload::idle_linears),
  // and the combine of every token's experts. Records each expert's load in
  // Workload::expert_load. Returns the combine.
  std::size_t moe(const MoeNames& names, const ModelShape& m, std::int64_t tokens, std::size_t x);
  // The task head of `m` (m.head) on the last layer's output `x` of a pass over `tokens`
  // tokens, in the current block; returns its last operator. Names follow HF: lm_head,
  // qa_outputs, classifier (with BERT's pooler or RoBERTa's dense first where the model has
  // them).
  std::size_t head(const ModelShape& m, std::int64_t tokens, std::size_t x);

  // The routing of Mixture-of-Experts layers (default: uniform, seed 1).
  void set_routing(Routing routing) { routing_ = std::move(routing); }
  // The current layer (set by encoder() and decoder(); -1 outside a layer) and the position of
  // the current pass's first token (0 in the prompt, prompt + s in decode step s).
  std::int64_t layer() const { return layer_; }
  void set_layer(std::int64_t layer) { layer_ = layer; }
  std::int64_t first_token() const { return first_token_; }
  void set_first_token(std::int64_t token) { first_token_ = token; }
  // Whether the current pass is the prompt (or the only pass of an encoder).
  bool in_prompt() const { return step_ < 0; }

  // An encoder over `tokens` tokens: block "embedding" (embed), blocks "layer.0" ... (layer,
  // attending to all tokens), and block "head" with the task head (head()) after `final_norm`
  // (the norm's name; empty: none). Returns the last layer's output (before the head).
  std::size_t encoder(const ModelShape& m, std::int64_t tokens, const EmbedFn& embed,
                      const LayerFn& layer, const std::string& final_norm = {});
  // A decoder: the prompt pass over `prompt` tokens, then one pass per generated token
  // (`steps`, blocks prefixed "decode/") over the growing KV cache. Each pass is an embedding
  // block, the layers, and a head block: the final norm (`final_norm`, of kind m.norm; empty:
  // none) and the task head (head(); the LM head on the last position); a step's embedding
  // takes the previous pass's head as input. Steps that differ only in their keys are held once
  // (Workload::shared_steps), which steps 0 and 1 compared operator by operator decide.
  void decoder(const ModelShape& m, std::int64_t prompt, std::int64_t steps, const EmbedFn& embed,
               const LayerFn& layer, const std::string& final_norm = "norm");

 private:
  // After decode steps 0 and 1 (from operator `first`): whether they differ only in their keys;
  // if so, step 1 is dropped and the workload holds step 0 for every step.
  bool share_step(std::size_t first);

  std::size_t max_ops_ = 0;  // 0: no limit
  std::function<std::string(std::size_t)> limit_message_;
  Workload& w_;
  std::unordered_set<std::string> block_names_;  // of w_.blocks, so block() takes O(1)
  std::string block_;
  std::int64_t step_ = -1;
  std::int64_t layer_ = -1;
  std::int64_t first_token_ = 0;
  bool share_steps_ = true;
  Routing routing_;
};

}  // namespace aimcsim
