#include "workloads/workload.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "sim/base/error.hpp"
#include "sim/base/schema_registry.hpp"

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

class GraphBuilder {
 public:
  explicit GraphBuilder(Workload& w) : w_(w) {}

  void block(const std::string& name) {
    block_ = name;
    bool seen = false;
    for (const auto& b : w_.blocks) seen = seen || b == name;
    if (!seen) w_.blocks.push_back(name);
  }
  std::size_t add(Operator op, std::vector<std::size_t> inputs) {
    op.block = block_;
    op.decode = step_ >= 0;
    op.step = step_;
    op.inputs = std::move(inputs);
    w_.ops.push_back(std::move(op));
    return w_.ops.size() - 1;
  }
  std::size_t linear(const std::string& name, std::int64_t tokens, std::int64_t in,
                     std::int64_t out, std::vector<std::size_t> inputs) {
    Operator op;
    op.name = name;
    op.kind = OpKind::Linear;
    op.tokens = tokens;
    op.in = in;
    op.out = out;
    return add(op, std::move(inputs));
  }
  std::size_t unary(OpKind kind, const std::string& name, const std::string& variant,
                    std::int64_t tokens, std::int64_t width, std::vector<std::size_t> inputs) {
    Operator op;
    op.name = name;
    op.kind = kind;
    op.variant = variant;
    op.tokens = tokens;
    op.width = width;
    return add(op, std::move(inputs));
  }
  // Q K^T, softmax and softmax(.) V of one attention; returns the context (values) op.
  std::size_t attention(const std::string& prefix, const ModelShape& m, std::int64_t tokens,
                        std::int64_t kv_tokens, bool causal, std::size_t q, std::size_t k,
                        std::size_t v) {
    Operator s;
    s.kind = OpKind::Matmul;
    s.tokens = tokens;
    s.heads = m.heads;
    s.kv_heads = m.kv_heads;
    s.head_dim = m.head_dim;
    s.kv_tokens = kv_tokens;
    s.causal = causal;
    s.width = kv_tokens;
    Operator scores = s;
    scores.name = prefix + "scores";
    scores.variant = "scores";
    const std::size_t sc = add(scores, {q, k});
    Operator soft = s;
    soft.kind = OpKind::Softmax;
    soft.name = prefix + "softmax";
    const std::size_t sm = add(soft, {sc});
    Operator values = s;
    values.name = prefix + "context";
    values.variant = "values";
    return add(values, {sm, v});
  }
  void set_step(std::int64_t s) { step_ = s; }

 private:
  Workload& w_;
  std::string block_;
  std::int64_t step_ = -1;
};

// MobileBERT (HF MobileBertLayer with bottlenecks and stacked FFNs).
void mobilebert_graph(GraphBuilder& g, const ModelShape& m, std::int64_t T) {
  const std::int64_t h = m.hidden, b = m.bottleneck, e = m.embedding;
  g.block("embedding");
  const std::int64_t emb_in = m.trigram ? 3 * e : e;
  std::size_t x = g.unary(OpKind::Embedding, "embeddings.word_embeddings", "lookup", T, emb_in, {});
  x = g.linear("embedding_transformation", T, emb_in, h, {x});
  x = g.unary(OpKind::Elementwise, "embeddings.position_add", "add", T, h, {x});
  x = g.unary(OpKind::Norm, "embeddings.norm", m.norm, T, h, {x});
  for (std::int64_t l = 0; l < m.layers; ++l) {
    g.block(fmt::format("layer.{}", l));
    std::size_t layer_input = g.linear("bottleneck.input.dense", T, h, b, {x});
    layer_input = g.unary(OpKind::Norm, "bottleneck.input.norm", m.norm, T, b, {layer_input});
    std::size_t qk_input = layer_input;
    if (m.shared_qk_bottleneck) {
      qk_input = g.linear("bottleneck.attention.dense", T, h, b, {x});
      qk_input = g.unary(OpKind::Norm, "bottleneck.attention.norm", m.norm, T, b, {qk_input});
    }
    const std::size_t q = g.linear("attention.self.query", T, b, b, {qk_input});
    const std::size_t k = g.linear("attention.self.key", T, b, b, {qk_input});
    const std::size_t v = g.linear("attention.self.value", T, h, b, {x});
    const std::size_t ctx = g.attention("attention.self.", m, T, T, false, q, k, v);
    std::size_t y = g.linear("attention.output.dense", T, b, b, {ctx});
    y = g.unary(OpKind::Elementwise, "attention.output.add", "add", T, b, {y, layer_input});
    y = g.unary(OpKind::Norm, "attention.output.norm", m.norm, T, b, {y});
    for (std::int64_t f = 0; f + 1 < m.ffns; ++f) {
      const std::string p = fmt::format("ffn.{}.", f);
      std::size_t z = g.linear(p + "intermediate.dense", T, b, m.intermediate, {y});
      z = g.unary(OpKind::Activation, p + "intermediate.act", m.activation, T, m.intermediate, {z});
      z = g.linear(p + "output.dense", T, m.intermediate, b, {z});
      z = g.unary(OpKind::Elementwise, p + "output.add", "add", T, b, {z, y});
      y = g.unary(OpKind::Norm, p + "output.norm", m.norm, T, b, {z});
    }
    std::size_t z = g.linear("intermediate.dense", T, b, m.intermediate, {y});
    z = g.unary(OpKind::Activation, "intermediate.act", m.activation, T, m.intermediate, {z});
    z = g.linear("output.dense", T, m.intermediate, b, {z});
    z = g.unary(OpKind::Elementwise, "output.add", "add", T, b, {z, y});
    z = g.unary(OpKind::Norm, "output.norm", m.norm, T, b, {z});
    z = g.linear("output.bottleneck.dense", T, b, h, {z});
    z = g.unary(OpKind::Elementwise, "output.bottleneck.add", "add", T, h, {z, x});
    x = g.unary(OpKind::Norm, "output.bottleneck.norm", m.norm, T, h, {z});
  }
  g.block("head");
  g.linear("qa_outputs", T, h, 2, {x});
}

// BERT (post-norm encoder) with a SQuAD-style QA head, as for MobileBERT.
void bert_graph(GraphBuilder& g, const ModelShape& m, std::int64_t T) {
  const std::int64_t h = m.hidden;
  g.block("embedding");
  std::size_t x = g.unary(OpKind::Embedding, "embeddings.word_embeddings", "lookup", T, h, {});
  x = g.unary(OpKind::Elementwise, "embeddings.position_add", "add", T, h, {x});
  x = g.unary(OpKind::Norm, "embeddings.norm", "layernorm", T, h, {x});
  for (std::int64_t l = 0; l < m.layers; ++l) {
    g.block(fmt::format("layer.{}", l));
    const std::size_t q = g.linear("attention.self.query", T, h, h, {x});
    const std::size_t k = g.linear("attention.self.key", T, h, h, {x});
    const std::size_t v = g.linear("attention.self.value", T, h, h, {x});
    const std::size_t ctx = g.attention("attention.self.", m, T, T, false, q, k, v);
    std::size_t y = g.linear("attention.output.dense", T, h, h, {ctx});
    y = g.unary(OpKind::Elementwise, "attention.output.add", "add", T, h, {y, x});
    y = g.unary(OpKind::Norm, "attention.output.norm", "layernorm", T, h, {y});
    std::size_t z = g.linear("intermediate.dense", T, h, m.intermediate, {y});
    z = g.unary(OpKind::Activation, "intermediate.act", m.activation, T, m.intermediate, {z});
    z = g.linear("output.dense", T, m.intermediate, h, {z});
    z = g.unary(OpKind::Elementwise, "output.add", "add", T, h, {z, y});
    x = g.unary(OpKind::Norm, "output.norm", "layernorm", T, h, {z});
  }
  g.block("head");
  g.linear("qa_outputs", T, h, 2, {x});
}

// One decoder layer (GPT-2 or LLaMA, pre-norm) on `T` new tokens attending to `kv` positions.
std::size_t decoder_layer(GraphBuilder& g, const ModelShape& m, std::int64_t T, std::int64_t kv,
                          std::size_t x) {
  const std::int64_t h = m.hidden;
  if (m.family == "gpt2") {
    std::size_t n = g.unary(OpKind::Norm, "ln_1", "layernorm", T, h, {x});
    const std::size_t qkv = g.linear("attn.c_attn", T, h, 3 * h, {n});
    const std::size_t ctx = g.attention("attn.", m, T, kv, true, qkv, qkv, qkv);
    std::size_t y = g.linear("attn.c_proj", T, h, h, {ctx});
    y = g.unary(OpKind::Elementwise, "attn.add", "add", T, h, {y, x});
    n = g.unary(OpKind::Norm, "ln_2", "layernorm", T, h, {y});
    std::size_t z = g.linear("mlp.c_fc", T, h, m.intermediate, {n});
    z = g.unary(OpKind::Activation, "mlp.act", m.activation, T, m.intermediate, {z});
    z = g.linear("mlp.c_proj", T, m.intermediate, h, {z});
    return g.unary(OpKind::Elementwise, "mlp.add", "add", T, h, {z, y});
  }
  const std::int64_t qd = m.heads * m.head_dim, kvd = m.kv_heads * m.head_dim;
  std::size_t n = g.unary(OpKind::Norm, "input_layernorm", "rmsnorm", T, h, {x});
  const std::size_t q = g.linear("self_attn.q_proj", T, h, qd, {n});
  const std::size_t k = g.linear("self_attn.k_proj", T, h, kvd, {n});
  const std::size_t v = g.linear("self_attn.v_proj", T, h, kvd, {n});
  const std::size_t ctx = g.attention("self_attn.", m, T, kv, true, q, k, v);
  std::size_t y = g.linear("self_attn.o_proj", T, qd, h, {ctx});
  y = g.unary(OpKind::Elementwise, "self_attn.add", "add", T, h, {y, x});
  n = g.unary(OpKind::Norm, "post_attention_layernorm", "rmsnorm", T, h, {y});
  const std::size_t gate = g.linear("mlp.gate_proj", T, h, m.intermediate, {n});
  const std::size_t up = g.linear("mlp.up_proj", T, h, m.intermediate, {n});
  std::size_t z = g.unary(OpKind::Activation, "mlp.act", m.activation, T, m.intermediate, {gate});
  z = g.unary(OpKind::Elementwise, "mlp.gate_mul", "mul", T, m.intermediate, {z, up});
  z = g.linear("mlp.down_proj", T, m.intermediate, h, {z});
  return g.unary(OpKind::Elementwise, "mlp.add", "add", T, h, {z, y});
}

// A decoder: the prompt (prefill), then one step per generated token over the growing KV cache.
// The LM head runs on the last prompt position and on each generated token.
void decoder_graph(GraphBuilder& g, const ModelShape& m, std::int64_t T, std::int64_t decode) {
  const std::int64_t h = m.hidden;
  const std::string final_norm = m.family == "gpt2" ? "layernorm" : "rmsnorm";
  auto pass = [&](const std::string& prefix, std::int64_t tokens, std::int64_t kv,
                  std::vector<std::size_t> in) {
    g.block(prefix + "embedding");
    std::size_t x = g.unary(OpKind::Embedding, "embed_tokens", "lookup", tokens, h, std::move(in));
    if (m.family == "gpt2") x = g.unary(OpKind::Elementwise, "position_add", "add", tokens, h, {x});
    for (std::int64_t l = 0; l < m.layers; ++l) {
      g.block(fmt::format("{}layer.{}", prefix, l));
      x = decoder_layer(g, m, tokens, kv, x);
    }
    g.block(prefix + "head");
    x = g.unary(OpKind::Norm, "norm", final_norm, 1, h, {x});
    return g.linear("lm_head", 1, h, m.vocab, {x});
  };
  std::size_t last = pass("", T, T, {});
  for (std::int64_t s = 0; s < decode; ++s) {
    g.set_step(s);
    last = pass("decode/", 1, T + s + 1, {last});
  }
  g.set_step(-1);
}

// A run of 1 to `max_digits` decimal digits, whole: "512" -> 512; anything else -> -1.
std::int64_t digits(const std::string& s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return -1;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool is_qkv(const std::string& name) {
  for (const char* suffix : {"query", "key", "value", "q_proj", "k_proj", "v_proj", "c_attn"}) {
    const std::string s(suffix);
    if (name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0)
      return true;
  }
  return false;
}

// Inside a transformer layer (not the embedding transformation or a head).
bool in_layer(const Operator& op) {
  return op.block.rfind("layer.", 0) == 0 || op.block.rfind("decode/layer.", 0) == 0;
}

bool ends_with_name(const std::string& name, const std::string& target) {
  if (name == target) return true;
  return name.size() > target.size() &&
         name.compare(name.size() - target.size(), target.size(), target) == 0 &&
         name[name.size() - target.size() - 1] == '.';
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string part; std::getline(ss, part, ',');) {
    const auto b = part.find_first_not_of(' '), e = part.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
  }
  return out;
}

// Sets each linear's LoRA rank from lora.targets, lora.rank and lora.rank_overrides.
void place_lora(Workload& w, const WorkloadParams& p) {
  std::vector<std::string> listed;
  if (p.targets != "all" && p.targets != "qkv" && p.targets != "ffn") {
    listed = split(p.targets);
    if (listed.empty())
      throw InputError(
          "lora.targets: empty; accepted: all, qkv, ffn, or a comma list of operator names");
  }
  std::vector<std::pair<std::string, std::int64_t>> overrides;
  if (p.rank_overrides != "none") {
    for (const std::string& item : split(p.rank_overrides)) {
      const auto eq = item.find('=');
      const std::string name = item.substr(0, eq);
      const std::int64_t rank = eq == std::string::npos ? -1 : digits(item.substr(eq + 1), 6);
      const bool name_ok =
          !name.empty() && name.find_first_not_of(
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789_.") == std::string::npos;
      if (!name_ok || rank < 1)
        throw InputError(fmt::format(
            "lora.rank_overrides: '{}' is not name=rank with rank >= 1; accepted: none, or "
            "a comma list such as query=16,value=4",
            item));
      overrides.emplace_back(name, rank);
    }
  }
  auto names_hint = [&] {
    std::vector<std::string> names;
    for (const auto& op : w.ops) {
      if (op.kind != OpKind::Linear) continue;
      bool seen = false;
      for (const auto& n : names) seen = seen || n == op.name;
      if (!seen) names.push_back(op.name);
    }
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
  };
  auto check_matches = [&](const std::string& key, const std::string& target) {
    for (const auto& op : w.ops)
      if (op.kind == OpKind::Linear && ends_with_name(op.name, target)) return;
    throw InputError(fmt::format("{}: '{}' matches no linear of {}; its linears: {}", key, target,
                                 w.model, names_hint()));
  };
  for (const auto& t : listed) check_matches("lora.targets", t);
  for (const auto& [t, r] : overrides) check_matches("lora.rank_overrides", t);

  for (auto& op : w.ops) {
    if (op.kind != OpKind::Linear) continue;
    bool adapted = false;
    if (p.targets == "all")
      adapted = true;
    else if (p.targets == "qkv")
      adapted = is_qkv(op.name);
    else if (p.targets == "ffn")
      adapted = in_layer(op) && !is_qkv(op.name);
    else
      for (const auto& t : listed) adapted = adapted || ends_with_name(op.name, t);
    op.rank = adapted ? p.rank : 0;
    if (adapted)
      for (const auto& [t, r] : overrides)
        if (ends_with_name(op.name, t)) op.rank = r;
  }
}

ModelShape load_shape(const std::string& model) {
  if (const char* json = zoo_config(model)) return read_model_config(json, model);
  std::ifstream in(model);
  if (!in) {
    std::string zoo;
    for (const auto& n : zoo_names()) zoo += (zoo.empty() ? "" : ", ") + n;
    throw InputError(fmt::format(
        "workload.model: '{}' is neither a zoo model ({}), nor a readable config.json, nor "
        "linear:<in>x<out>",
        model, zoo));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  ModelShape shape = read_model_config(ss.str(), model);
  return shape;
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
  const std::int64_t in = x == std::string::npos ? -1 : digits(dims.substr(0, x), 9);
  const std::int64_t out = x == std::string::npos ? -1 : digits(dims.substr(x + 1), 9);
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
          "(gpt2, llama); set it to 0",
          p.model, shape.family));
    if (shape.family == "mobilebert")
      mobilebert_graph(g, shape, p.seq_len);
    else if (shape.family == "bert")
      bert_graph(g, shape, p.seq_len);
    else
      decoder_graph(g, shape, p.seq_len, p.decode_tokens);
    w.decode_tokens = p.decode_tokens;
    if (shape.decoder)
      w.kv_cache_bytes =
          shape.layers * 2 * shape.kv_heads * shape.head_dim * (p.seq_len + p.decode_tokens) * 2;
  }
  place_lora(w, p);
  return w;
}

AIMCSIM_REGISTER_PARAMS(10, "workload", WorkloadParams);

}  // namespace aimcsim
