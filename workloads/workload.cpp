#include "workloads/workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string_view>

#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/schema_registry.hpp"
#include "workloads/family.hpp"
#include "workloads/graph_builder.hpp"
#include "workloads/lora.hpp"
#include "workloads/parse.hpp"

namespace aimcsim {

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::Linear:
      return "linear";
    case OpKind::Matmul:
      return "matmul";
    case OpKind::Softmax:
      return "softmax";
    case OpKind::Norm:
      return "norm";
    case OpKind::Activation:
      return "activation";
    case OpKind::Elementwise:
      return "elementwise";
    case OpKind::Embedding:
      return "embedding";
  }
  return "?";
}

std::string base_block(const std::string& block) {
  const std::string prefix = "decode/";
  return block.rfind(prefix, 0) == 0 ? block.substr(prefix.size()) : block;
}

std::int64_t Operator::macs() const {
  switch (kind) {
    case OpKind::Linear:
      return tokens * in * out;
    case OpKind::Matmul:
      return tokens * heads * kv_tokens * head_dim;
    default:
      return 0;
  }
}

std::vector<const Operator*> Workload::weights() const {
  std::vector<const Operator*> out;
  // Views into the operators' own names: a decoder's steps repeat every linear, and copying
  // their names for the lookup cost more than the rest of this.
  std::set<std::pair<std::string_view, std::string_view>> seen;
  const auto take = [&](const Operator& op) {
    if (op.kind != OpKind::Linear) return;
    std::string_view block = op.block;
    if (block.rfind("decode/", 0) == 0) block.remove_prefix(7);  // base_block, without a copy
    if (seen.insert({block, op.name}).second) out.push_back(&op);
  };
  for (const auto& op : ops) take(op);
  for (const auto& op : idle_linears) take(op);
  return out;
}

std::int64_t Workload::analog_weights() const {
  std::int64_t n = 0;
  for (const Operator* op : weights()) n += op->in * op->out;
  return n;
}

std::int64_t Workload::lora_params() const {
  std::int64_t n = 0;
  for (const Operator* op : weights()) n += op->rank * (op->in + op->out);
  return n;
}

std::size_t Workload::linear_count() const { return weights().size(); }

std::size_t Workload::unrolled_ops() const {
  if (!shared_steps) return ops.size();
  return decode_first + (ops.size() - decode_first) * static_cast<std::size_t>(decode_tokens);
}

namespace {
// `op` as decode step `step` of its step-0 self `at0` (a growing operator's keys and widths grow
// by one a step).
void grow_keys(Operator& op, const Operator& at0, std::int64_t step) {
  op.kv_tokens = at0.kv_tokens + step;
  op.width = at0.width + step;
}
}  // namespace

double Workload::macs() const {
  double sum = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (!shared_steps || i < decode_first) {
      sum += static_cast<double>(ops[i].macs());
    } else if (!std::binary_search(growing.begin(), growing.end(), i)) {
      sum += static_cast<double>(ops[i].macs()) * static_cast<double>(decode_tokens);
    } else {
      Operator op = ops[i];
      for (std::int64_t s = 0; s < decode_tokens; ++s) {
        grow_keys(op, ops[i], s);
        sum += static_cast<double>(op.macs());
      }
    }
  }
  return sum;
}

Operator Workload::step_op(std::size_t i, std::int64_t step) const {
  Operator op = ops[i];
  op.step = step;
  if (std::binary_search(growing.begin(), growing.end(), i)) grow_keys(op, ops[i], step);
  return op;
}

void Workload::apply_step(std::vector<Operator>& out, std::int64_t step) const {
  for (std::size_t i = decode_first; i < ops.size(); ++i) out[i].step = step;
  for (std::size_t i : growing) grow_keys(out[i], ops[i], step);
  if (decode_first > 0)
    out[decode_first - 1] = step > 0 ? step_op(ops.size() - 1, step - 1) : ops[decode_first - 1];
}

namespace {

// The zoo's models, "a, b", for the key's description and messages.
std::string zoo_list() {
  std::string zoo;
  for (const auto& n : zoo_names()) zoo += (zoo.empty() ? "" : ", ") + n;
  return zoo;
}

}  // namespace

void WorkloadParams::bind(ParamBinder<WorkloadParams>& b) {
  using P = WorkloadParams;
  b.text("workload.model", &P::model, "")
      .require()
      .desc("a zoo model (" + zoo_list() +
            "), a HuggingFace config.json path or a model folder holding one, or "
            "linear:<in>x<out> for one linear layer");
  b.integer("workload.seq_len", &P::seq_len, 0)
      .require()
      .range(1, 1 << 20)
      .desc("tokens in the input sequence (the prompt, for decoders)");
  b.quantity("limits.memory", &P::memory_limit, Dimension::Size, "4GiB")
      .range(1 << 20, 1e15)
      .desc(
          "the memory a run may take, by an estimate made before it is built (operators, jobs, "
          "tiles); a model or platform whose estimate passes it stops with exit status 2 and the "
          "estimate (a mistyped size, e.g. hidden_size 1048576), raise it for a run that needs "
          "more");
  b.integer("workload.decode_tokens", &P::decode_tokens, 0)
      .range(0, 1 << 20)
      .desc("tokens generated one at a time after the prompt (decoders only)");
  b.integer("lora.rank", &P::rank, 8)
      .range(1, 65536)
      .desc("LoRA rank r of every adapter (AHWA-LoRA: 8)");
  b.text("lora.targets", &P::targets, "all")
      .desc(
          "linears with an adapter: all (every linear but the task head, as PEFT's all-linear), "
          "all+head (every linear, the head too: AHWA-LoRA's placement), qkv (query/key/value "
          "only), ffn (every linear of the transformer layers but Q, K, V), "
          "or a comma list of module names matched at the end of the operator name (e.g. "
          "query,value or q_proj,v_proj; lm_head adapts the head), experts and router for a "
          "Mixture-of-Experts' expert and router linears");
  b.text("lora.rank_overrides", &P::rank_overrides, "none")
      .desc("per-target ranks, a comma list of name=rank (e.g. query=16,value=4), or none");
  b.choice("moe.routing", &P::routing, {"uniform", "zipf", "trace"}, "uniform")
      .desc(
          "how a Mixture-of-Experts layer spreads tokens over its experts: uniform, zipf "
          "(expert of popularity rank r drawn with weight 1/r^moe.zipf_exponent, the order "
          "shuffled per layer), or trace (moe.routing_trace)");
  b.real("moe.zipf_exponent", &P::zipf_exponent, 1.0)
      .range(0, 100)
      .desc("the Zipf exponent s of moe.routing=zipf (0: uniform)");
  b.text("moe.routing_trace", &P::routing_trace, "none")
      .desc(
          "a CSV routing trace for moe.routing=trace: header layer,token,expert, one row per "
          "token and activated expert, tokens counted over the prompt then the decode steps");
  b.integer("moe.seed", &P::routing_seed, 1)
      .range(0, (1LL << 53))
      .desc("seed of the uniform and zipf routings (same seed, same routing)");
}

namespace {

// A zoo name, a config.json, or a model folder that holds one.
ModelShape load_shape(const std::string& model) {
  if (const char* json = zoo_config(model)) return read_model_config(json, model);
  std::error_code ec;
  if (std::filesystem::is_directory(model, ec)) {
    const std::string path = (std::filesystem::path(model) / "config.json").string();
    const std::optional<std::string> text = read_file(path);
    if (!text)
      throw InputError(fmt::format(
          "workload.model: '{}' is a folder without a readable config.json; accepted: a zoo "
          "model ({}), a config.json, a model folder holding one, or linear:<in>x<out>",
          model, zoo_list()));
    return read_model_config(*text, path);
  }
  const std::optional<std::string> text = read_file(model);
  if (!text)
    throw InputError(fmt::format(
        "workload.model: '{}' is neither a zoo model ({}), nor a readable config.json or model "
        "folder, nor linear:<in>x<out>",
        model, zoo_list()));
  return read_model_config(*text, model);
}

Routing routing_of(const WorkloadParams& p) {
  if (p.routing == "zipf")
    return Routing::zipf(p.zipf_exponent, static_cast<std::uint64_t>(p.routing_seed));
  if (p.routing == "trace") {
    if (p.routing_trace == "none")
      throw InputError("moe.routing_trace: moe.routing is trace; name the routing trace CSV");
    const std::optional<std::string> text = read_file(p.routing_trace);
    if (!text)
      throw InputError(fmt::format("moe.routing_trace: cannot read '{}'", p.routing_trace));
    return Routing::trace(*text, p.routing_trace);
  }
  return Routing::uniform(static_cast<std::uint64_t>(p.routing_seed));
}

void build_linear(Workload& w, GraphBuilder& g, const WorkloadParams& p) {
  // linear:<in>x<out>, each 1 to 9 digits.
  const std::string dims = p.model.substr(7);
  const auto x = dims.find('x');
  const std::int64_t in = x == std::string::npos ? -1 : parse_digits(dims.substr(0, x), 9);
  const std::int64_t out = x == std::string::npos ? -1 : parse_digits(dims.substr(x + 1), 9);
  if (in < 0 || out < 0)
    throw InputError(fmt::format(
        "workload.model: '{}' is not linear:<in>x<out> with positive integers", p.model));
  if (in < 1 || out < 1)
    throw InputError(fmt::format(
        "workload.model: '{}' needs positive feature counts; accepted: linear:<in>x<out>",
        p.model));
  if (p.decode_tokens > 0)
    throw InputError(
        "workload.decode_tokens: a single linear layer has no decode phase; set it to 0");
  w.family = "linear";
  g.block("linear");
  g.linear(fmt::format("linear_{}x{}", in, out), p.seq_len, in, out, {});
}

void build_model(Workload& w, GraphBuilder& g, const WorkloadParams& p) {
  const ModelShape shape = load_shape(p.model);
  const auto family = FamilyRegistry::instance().create(shape.family);
  w.family = shape.family;
  const bool generates = shape.head == HeadKind::CausalLm || shape.head == HeadKind::Seq2SeqLm;
  if (p.decode_tokens > 0 && !shape.decoder)
    throw InputError(
        fmt::format("workload.decode_tokens: {} is an encoder ({}); a decode phase needs a decoder "
                    "({}); set it to 0",
                    p.model, shape.family, decoder_families()));
  if (p.decode_tokens > 0 && !generates)
    throw InputError(fmt::format(
        "workload.decode_tokens: {} has a {} head ({}); a decode phase needs a generating head "
        "(...ForCausalLM); set it to 0",
        p.model, head_kind_name(shape.head), shape.architecture));
  w.seq_len = family->tokens(shape, p.seq_len);
  if (w.seq_len != p.seq_len)
    w.notes.push_back(
        fmt::format("workload.seq_len {} does not apply: {} takes {} tokens from its input",
                    p.seq_len, p.model, w.seq_len));
  for (const std::string& u : shape.unmodelled)
    w.notes.push_back(fmt::format("{}: field {}", shape.name, u));
  const std::int64_t positions = w.seq_len + p.decode_tokens;
  if (shape.max_positions > 0 && positions > shape.max_positions)
    w.notes.push_back(
        fmt::format("{} positions (workload.seq_len + workload.decode_tokens) exceed the model's "
                    "max_position_embeddings {}",
                    positions, shape.max_positions));
  if (shape.experts > 0) {
    w.experts = shape.experts;
    w.experts_per_token = shape.experts_per_token;
    const Routing routing = routing_of(p);  // a trace is read once
    w.routing = routing.describe();
    g.set_routing(routing);
  }
  family->build(g, shape, w.seq_len, p.decode_tokens);
  w.decode_tokens = p.decode_tokens;
  if (shape.decoder) w.kv_cache_values = family->kv_cache_values(shape, w.seq_len, p.decode_tokens);
}

}  // namespace

Workload build_workload(const WorkloadParams& p) {
  Workload w;
  w.model = p.model;
  w.seq_len = p.seq_len;
  GraphBuilder g(w);
  g.set_share_steps(p.share_steps);
  if (p.memory_limit > 0)
    g.set_limit(static_cast<std::size_t>(p.memory_limit / kOperatorBytes), [&p](std::size_t ops) {
      return fmt::format(
          "{}: the operator graph passes {} operators before it is complete, about {:.1f} GiB at "
          "{:g} bytes an operator, more than limits.memory ({:.1f} GiB) allows; check the model's "
          "sizes (num_hidden_layers, ...) or raise limits.memory",
          p.model, ops, static_cast<double>(ops) * kOperatorBytes / (1 << 30), kOperatorBytes,
          p.memory_limit / (1 << 30));
    });
  if (p.model.rfind("linear:", 0) == 0)
    build_linear(w, g, p);
  else
    build_model(w, g, p);
  w.ops.shrink_to_fit();  // the graph grew by doubling; a run keeps it to the end
  place_lora(w, p);
  return w;
}

AIMCSIM_REGISTER_PARAMS(10, "workload", WorkloadParams);

}  // namespace aimcsim
