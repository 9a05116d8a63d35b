#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/params.hpp"
#include "workloads/model_config.hpp"

namespace aimcsim {

enum class OpKind {
  Linear,       // static weights y = x W (+ x A B): AIMC tiles, adapter on a PMCA
  Matmul,       // dynamic product of two activations: attention scores Q K^T, softmax(.) V
  Softmax,      // row softmax of attention scores
  Norm,         // layer norm, NoNorm (MobileBERT), RMS norm
  Activation,   // relu, gelu, silu
  Elementwise,  // residual add, gating multiply
  Embedding,    // table lookup of the input tokens
};
const char* op_kind_name(OpKind kind);

// The block a decode step's block repeats ("decode/layer.3" -> "layer.3"); others unchanged.
std::string base_block(const std::string& block);

// One operator of a transformer's graph with the shapes its cost depends on. Hardware-free:
// where it runs and what it costs is decided by the mapper and the models.
struct Operator {
  std::string block;  // "embedding", "layer.3", "head", "decode/layer.3", ...
  std::string name;   // HuggingFace-style name inside the block
  OpKind kind = OpKind::Linear;
  std::string variant;      // matmul: scores|values; norm: layernorm|nonorm|rmsnorm;
                            // activation: relu|gelu|silu; elementwise: add|mul; embedding: lookup
  std::int64_t tokens = 0;  // tokens (rows) processed
  // Linear: in -> out features and LoRA rank (0: no adapter).
  std::int64_t in = 0, out = 0, rank = 0;
  // Attention matmuls and softmax: query heads, KV heads, head size, keys attended per query.
  std::int64_t heads = 0, kv_heads = 0, head_dim = 0, kv_tokens = 0;
  bool causal = false;      // a query attends only to keys up to its own position
  std::int64_t window = 0;  // sliding window: a query sees at most this many keys (0: all)
  // Linears of a Mixture-of-Experts layer: the expert they belong to (-1: none), or the router.
  std::int64_t expert = -1;
  bool router = false;
  std::int64_t width = 0;           // element-wise ops and lookups: features per token
  std::vector<std::size_t> inputs;  // producers (indices into Workload::ops); empty: model input
  bool decode = false;              // part of the decode phase (one token per step)
  std::int64_t step = -1;           // decode step (0, 1, ...), -1 in the prompt

  // Multiply-accumulates of the operator (linears: of x W only).
  std::int64_t macs() const;
};

// A transformer as an operator graph in a valid execution order (producers first).
struct Workload {
  std::string model;
  std::string family;               // a FamilyRegistry name (model_type), or linear
  std::int64_t seq_len = 0;         // prompt / sequence tokens
  std::int64_t decode_tokens = 0;   // decode steps after the prompt (decoders)
  std::vector<std::string> blocks;  // in execution order
  std::vector<Operator> ops;
  // K and V values of every layer at the final length; their size in bytes follows the data
  // format of the PMCAs that hold them (the run's MappingReport::kv_cache_bytes).
  std::int64_t kv_cache_values = 0;
  // Static linears whose weights sit on tiles but that run no token in the prompt (Mixture-of-
  // Experts experts no prompt token was routed to): mapped to tiles, never scheduled there.
  std::vector<Operator> idle_linears;
  // Mixture-of-Experts: tokens routed to each expert, per MoE layer, in the prompt and in the
  // decode steps (empty for dense models), and how they were routed.
  struct ExpertLoad {
    std::string block;  // "layer.3"
    std::int64_t expert = 0;
    std::int64_t prompt_tokens = 0, decode_tokens = 0;
  };
  std::vector<ExpertLoad> expert_load;
  std::string routing;  // "uniform", "zipf:1.2", "trace:<file>"; empty for dense models
  std::int64_t experts = 0, experts_per_token = 0;
  // What the user should know about how the model was read (unmodelled fields, ignored keys).
  std::vector<std::string> notes;
  // Decode steps that differ only in the keys their attention reads are held once: with
  // `shared_steps`, ops[decode_first, ops.size()) are step 0's operators, and step s is the same
  // operators with the keys (kv_tokens, and the width of the rows they make) of each `growing`
  // one grown by s; their only input from outside the step is decode_first - 1, the operator the
  // prompt ends with, which for step s > 0 is the previous step's last. A graph of D steps of n
  // operators so takes n operators, not D x n. False: every step's operators are listed (a
  // Mixture-of-Experts model routes each step's token to other experts).
  bool shared_steps = false;
  std::size_t decode_first = 0;
  std::vector<std::size_t> growing;
  // The run may build the jobs of each block when its input starts to arrive, and free them when
  // they have ended (sim/run: block_phases); false: all at once before the run starts, the same
  // run with more memory, for the tests that compare the two.
  bool block_phases = true;

  // Operators of the whole graph, every decode step counted.
  std::size_t unrolled_ops() const;
  // Multiply-accumulates of the whole graph (Operator::macs), every decode step counted.
  double macs() const;
  // Sets `ops` (a copy of this workload's ops) to decode step `step` of a shared-steps graph:
  // the step's operators as step_op() gives them, and at decode_first - 1 the operator the step
  // reads (the prompt's last, or from step 1 on the previous step's last).
  void apply_step(std::vector<Operator>& ops, std::int64_t step) const;
  // Operator `i` (>= decode_first) of shared decode step `step`.
  Operator step_op(std::size_t i, std::int64_t step) const;

  // Each static linear once (the prompt's operator, or the first decode step's, or an idle
  // one): the weights the tiles hold.
  std::vector<const Operator*> weights() const;
  std::int64_t analog_weights() const;  // weights of all static linears (each counted once)
  std::int64_t lora_params() const;
  std::size_t linear_count() const;
};

struct WorkloadParams : Params<WorkloadParams> {
  std::string model;
  std::int64_t seq_len;
  std::int64_t decode_tokens;
  std::int64_t rank;
  std::string targets;
  std::string rank_overrides;
  std::string routing = "uniform";  // moe.routing: uniform, zipf, trace
  double zipf_exponent = 1.0;
  std::string routing_trace = "none";
  std::int64_t routing_seed = 1;
  double memory_limit = 0;  // limits.memory, bytes: the graph and the run must fit in it
  // Decode steps that differ only in their keys held once (Workload::shared_steps); false lists
  // every step's operators (the same run, for tests that compare the two). Not a config key.
  bool share_steps = true;

  static void bind(ParamBinder<WorkloadParams>& b);
};

// Builds the operator graph of `params.model`: a zoo name, a path to a HuggingFace
// config.json (built by the WorkloadFamily its model_type names), or linear:<in>x<out>; then
// places the LoRA adapters (place_lora). Bad names, files, shapes or LoRA targets throw
// InputError naming the key or file and what is accepted.
// A graph that would pass params.memory_limit (at kOperatorBytes an operator) stops with
// InputError as it grows, before it takes the memory.
Workload build_workload(const WorkloadParams& params);

// Memory an operator of the graph takes at most, for the resource guards (an Operator with its
// names, inputs and, in a run, its result).
inline constexpr double kOperatorBytes = 4096;

}  // namespace aimcsim
