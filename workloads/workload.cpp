#include "workloads/workload.hpp"

#include <fmt/format.h>

#include <optional>

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

std::int64_t Workload::analog_weights() const {
  std::int64_t n = 0;
  for (const auto& op : ops)
    if (op.kind == OpKind::Linear && !op.decode) n += op.in * op.out;
  return n;
}

std::int64_t Workload::lora_params() const {
  std::int64_t n = 0;
  for (const auto& op : ops)
    if (op.kind == OpKind::Linear && !op.decode) n += op.rank * (op.in + op.out);
  return n;
}

std::size_t Workload::linear_count() const {
  std::size_t n = 0;
  for (const auto& op : ops) n += op.kind == OpKind::Linear && !op.decode;
  return n;
}

void WorkloadParams::bind(ParamBinder<WorkloadParams>& b) {
  using P = WorkloadParams;
  b.text("workload.model", &P::model, "")
      .require()
      .desc(
          "a zoo model (bert-base, bert-large, gpt2, llama-3.1-8b, mobilebert), a HuggingFace "
          "config.json "
          "path, or linear:<in>x<out> for one linear layer");
  b.integer("workload.seq_len", &P::seq_len, 0)
      .require()
      .range(1, 1 << 20)
      .desc("tokens in the input sequence (the prompt, for decoders)");
  b.integer("workload.decode_tokens", &P::decode_tokens, 0)
      .range(0, 1 << 20)
      .desc("tokens generated one at a time after the prompt (decoders only)");
  b.integer("lora.rank", &P::rank, 8)
      .range(1, 65536)
      .desc("LoRA rank r of every adapter (AHWA-LoRA: 8)");
  b.text("lora.targets", &P::targets, "all")
      .desc(
          "linears with an adapter: all, qkv (query/key/value only), ffn (every linear of the "
          "transformer "
          "layers but Q, K, V), or a comma list "
          "of operator names (matched at the end of the name, e.g. query,value)");
  b.text("lora.rank_overrides", &P::rank_overrides, "none")
      .desc("per-target ranks, a comma list of name=rank (e.g. query=16,value=4), or none");
}

namespace {

constexpr const char* kModels =
    "a zoo model (bert-base, bert-large, gpt2, llama-3.1-8b, mobilebert), a path to a config.json, "
    "or "
    "linear:<in>x<out>";

ModelShape load_shape(const std::string& model) {
  if (const char* json = zoo_config(model)) return read_model_config(json, model);
  const std::optional<std::string> text = read_file(model);
  if (!text) {
    std::string zoo;
    for (const auto& n : zoo_names()) zoo += (zoo.empty() ? "" : ", ") + n;
    throw InputError(fmt::format(
        "workload.model: '{}' is neither a zoo model ({}), nor a readable config.json, nor "
        "linear:<in>x<out>",
        model, zoo));
  }
  return read_model_config(*text, model);
}

}  // namespace

Workload build_workload(const WorkloadParams& p) {
  Workload w;
  w.model = p.model;
  w.seq_len = p.seq_len;
  GraphBuilder g(w);
  // linear:<in>x<out>, each 1 to 9 digits.
  const bool is_linear = p.model.rfind("linear:", 0) == 0;
  const std::string dims = is_linear ? p.model.substr(7) : "";
  const auto x = dims.find('x');
  const std::int64_t in = x == std::string::npos ? -1 : parse_digits(dims.substr(0, x), 9);
  const std::int64_t out = x == std::string::npos ? -1 : parse_digits(dims.substr(x + 1), 9);
  if (is_linear && in >= 0 && out >= 0) {
    if (in < 1 || out < 1)
      throw InputError(fmt::format(
          "workload.model: '{}' needs positive feature counts; accepted: {}", p.model, kModels));
    if (p.decode_tokens > 0)
      throw InputError(
          "workload.decode_tokens: a single linear layer has no decode phase; set it to 0");
    w.family = "linear";
    g.block("linear");
    g.linear(fmt::format("linear_{}x{}", in, out), p.seq_len, in, out, {});
  } else if (is_linear) {
    throw InputError(fmt::format(
        "workload.model: '{}' is not linear:<in>x<out> with positive integers", p.model));
  } else {
    const ModelShape shape = load_shape(p.model);
    w.family = shape.family;
    if (p.decode_tokens > 0 && !shape.decoder)
      throw InputError(fmt::format(
          "workload.decode_tokens: {} is an encoder ({}); a decode phase needs a decoder "
          "({}); set it to 0",
          p.model, shape.family, decoder_families()));
    FamilyRegistry::instance().create(shape.family)->build(g, shape, p.seq_len, p.decode_tokens);
    w.decode_tokens = p.decode_tokens;
    if (shape.decoder)
      w.kv_cache_values =
          shape.layers * 2 * shape.kv_heads * shape.head_dim * (p.seq_len + p.decode_tokens);
  }
  place_lora(w, p);
  return w;
}

AIMCSIM_REGISTER_PARAMS(10, "workload", WorkloadParams);

}  // namespace aimcsim
