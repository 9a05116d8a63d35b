#include "workloads/graph_builder.hpp"

#include <fmt/format.h>

#include "sim/base/error.hpp"

namespace aimcsim {

void GraphBuilder::block(const std::string& name) {
  block_ = name;
  if (block_names_.insert(name).second) w_.blocks.push_back(name);
}

std::size_t GraphBuilder::add(Operator op, std::vector<std::size_t> inputs) {
  if (max_ops_ > 0 && w_.ops.size() >= max_ops_) throw InputError(limit_message_(w_.ops.size()));
  op.block = block_;
  op.decode = step_ >= 0;
  op.step = step_;
  op.inputs = std::move(inputs);
  w_.ops.push_back(std::move(op));
  return w_.ops.size() - 1;
}

std::size_t GraphBuilder::linear(const std::string& name, std::int64_t tokens, std::int64_t in,
                                 std::int64_t out, std::vector<std::size_t> inputs) {
  Operator op;
  op.name = name;
  op.kind = OpKind::Linear;
  op.tokens = tokens;
  op.in = in;
  op.out = out;
  return add(std::move(op), std::move(inputs));
}

std::size_t GraphBuilder::unary(OpKind kind, const std::string& name, const std::string& variant,
                                std::int64_t tokens, std::int64_t width,
                                std::vector<std::size_t> inputs) {
  Operator op;
  op.name = name;
  op.kind = kind;
  op.variant = variant;
  op.tokens = tokens;
  op.width = width;
  return add(std::move(op), std::move(inputs));
}

std::size_t GraphBuilder::embedding(const std::string& name, std::int64_t tokens,
                                    std::int64_t width, std::vector<std::size_t> inputs) {
  return unary(OpKind::Embedding, name, "lookup", tokens, width, std::move(inputs));
}

std::size_t GraphBuilder::norm(const std::string& name, const std::string& variant,
                               std::int64_t tokens, std::int64_t width, std::size_t x) {
  return unary(OpKind::Norm, name, variant, tokens, width, {x});
}

std::size_t GraphBuilder::elementwise(const std::string& name, const std::string& variant,
                                      std::int64_t tokens, std::int64_t width,
                                      std::vector<std::size_t> inputs) {
  return unary(OpKind::Elementwise, name, variant, tokens, width, std::move(inputs));
}

std::size_t GraphBuilder::add_norm(const std::string& add_name, const std::string& norm_name,
                                   const std::string& variant, std::int64_t tokens,
                                   std::int64_t width, std::vector<std::size_t> addends) {
  const std::size_t sum = elementwise(add_name, "add", tokens, width, std::move(addends));
  return norm(norm_name, variant, tokens, width, sum);
}

std::size_t GraphBuilder::pre_norm(const std::string& norm_name, const std::string& add_name,
                                   const std::string& variant, std::int64_t tokens,
                                   std::int64_t width, std::size_t x,
                                   const std::function<std::size_t(std::size_t)>& sublayer) {
  const std::size_t y = sublayer(norm(norm_name, variant, tokens, width, x));
  return elementwise(add_name, "add", tokens, width, {y, x});
}

std::size_t GraphBuilder::attention(const std::string& prefix, const ModelShape& m,
                                    std::int64_t tokens, std::int64_t kv_tokens, bool causal,
                                    std::size_t q, std::size_t k, std::size_t v) {
  Operator s;
  s.kind = OpKind::Matmul;
  s.tokens = tokens;
  s.heads = m.heads;
  s.kv_heads = m.kv_heads;
  s.head_dim = m.head_dim;
  s.kv_tokens = kv_tokens;
  s.causal = causal;
  s.width = kv_tokens;
  if (m.window > 0 && layer_ >= m.window_from_layer) s.window = m.window;
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

std::size_t GraphBuilder::ffn(const FfnNames& names, const std::string& activation,
                              std::int64_t tokens, std::int64_t width, std::int64_t inner,
                              std::size_t x) {
  return ffn(names, activation, tokens, width, inner, std::vector<std::size_t>{x});
}

std::size_t GraphBuilder::ffn(const FfnNames& names, const std::string& activation,
                              std::int64_t tokens, std::int64_t width, std::int64_t inner,
                              std::vector<std::size_t> inputs) {
  std::size_t z;
  if (names.fused) {
    // One linear computes gate and up; the activation takes the gate half, the product both.
    const std::size_t gate_up = linear(names.up, tokens, width, 2 * inner, inputs);
    z = unary(OpKind::Activation, names.act, activation, tokens, inner, {gate_up});
    z = elementwise(names.gate_mul, "mul", tokens, inner, {z, gate_up});
  } else if (names.gate.empty()) {
    z = linear(names.up, tokens, width, inner, inputs);
    z = unary(OpKind::Activation, names.act, activation, tokens, inner, {z});
  } else {
    const std::size_t gate = linear(names.gate, tokens, width, inner, inputs);
    const std::size_t up = linear(names.up, tokens, width, inner, inputs);
    z = unary(OpKind::Activation, names.act, activation, tokens, inner, {gate});
    z = elementwise(names.gate_mul, "mul", tokens, inner, {z, up});
  }
  return linear(names.down, tokens, inner, width, {z});
}

namespace {

FfnNames prefixed(const FfnNames& n, const std::string& prefix) {
  const auto p = [&](const std::string& name) { return name.empty() ? name : prefix + name; };
  return {p(n.up), p(n.act), p(n.down), p(n.gate), p(n.gate_mul), n.fused};
}

}  // namespace

std::size_t GraphBuilder::moe(const MoeNames& names, const ModelShape& m, std::int64_t tokens,
                              std::size_t x) {
  const std::int64_t h = m.hidden, E = m.experts, k = m.experts_per_token;
  const std::size_t router = linear(names.router, tokens, h, E, {x});
  w_.ops[router].router = true;
  Operator soft;
  soft.name = names.router_softmax;
  soft.kind = OpKind::Softmax;
  soft.tokens = tokens;
  soft.heads = 1;
  soft.kv_heads = 1;
  soft.kv_tokens = E;
  soft.width = E;
  const std::size_t probs = add(soft, {router});
  // Tokens per expert over this pass's tokens.
  std::vector<std::int64_t> load(static_cast<std::size_t>(E), 0);
  for (std::int64_t t = 0; t < tokens; ++t)
    for (std::int64_t e : routing_.experts_of(layer_, first_token_ + t, E, k))
      ++load[static_cast<std::size_t>(e)];
  const std::string base = base_block(block_);
  std::vector<std::size_t> outs = {probs};
  for (std::int64_t e = 0; e < E; ++e) {
    const std::int64_t n = load[static_cast<std::size_t>(e)];
    // Each expert's load, one entry per layer and expert, prompt and decode apart.
    Workload::ExpertLoad* entry = nullptr;
    for (auto& l : w_.expert_load)
      if (l.block == base && l.expert == e) entry = &l;
    if (!entry) {
      w_.expert_load.push_back({base, e, 0, 0});
      entry = &w_.expert_load.back();
    }
    (in_prompt() ? entry->prompt_tokens : entry->decode_tokens) += n;
    const FfnNames f = prefixed(names.expert, fmt::format("{}{}.", names.experts, e));
    const std::size_t first = w_.ops.size();
    if (n > 0) {
      outs.push_back(ffn(f, m.activation, n, h, m.expert_intermediate, {x, probs}));
      for (std::size_t i = first; i < w_.ops.size(); ++i) w_.ops[i].expert = e;
    } else if (in_prompt()) {
      // No prompt token reaches this expert: its weights still sit on tiles.
      Workload scratch;
      GraphBuilder idle(scratch);
      idle.block(block_);
      idle.ffn(f, m.activation, 1, h, m.expert_intermediate, std::size_t{0});
      for (Operator& op : scratch.ops)
        if (op.kind == OpKind::Linear) {
          op.tokens = 0;
          op.inputs.clear();
          op.expert = e;
          w_.idle_linears.push_back(op);
        }
    }
  }
  // Each token's k expert outputs, scaled by their router weights and summed.
  return elementwise(names.combine, "add", tokens, k * h, outs);
}

std::size_t GraphBuilder::head(const ModelShape& m, std::int64_t tokens, std::size_t x) {
  std::int64_t h = m.hidden;
  switch (m.head) {
    case HeadKind::CausalLm:
    case HeadKind::Seq2SeqLm:
      // OPT projects the last position down to its embedding width first (option project_out).
      if (const std::int64_t out = m.option("project_out")) {
        x = linear("project_out", 1, h, out, {x});
        h = out;
      }
      return linear("lm_head", 1, h, m.vocab, {x});
    case HeadKind::MaskedLm: {
      // BERT's prediction head: a transform (dense, activation, layer norm), then the decoder
      // over the vocabulary, at every position.
      std::size_t y = linear("lm_head.dense", tokens, h, h, {x});
      y = unary(OpKind::Activation, "lm_head.act", m.activation, tokens, h, {y});
      y = norm("lm_head.norm", "layernorm", tokens, h, y);
      return linear("lm_head.decoder", tokens, h, m.vocab, {y});
    }
    case HeadKind::QuestionAnswering:
      return linear("qa_outputs", tokens, h, 2, {x});
    case HeadKind::TokenClassification:
      return linear("classifier", tokens, h, m.labels, {x});
    case HeadKind::SequenceClassification: {
      // Decoders score the last position; encoders pool the first ([CLS]) token, through a
      // dense layer and its activation where the model has one (option "pooler": 1 tanh, costed
      // as the gelu kernel's tanh approximation; 2 relu).
      if (m.decoder) return linear("score", 1, h, m.labels, {x});
      std::size_t y = x;
      if (const std::int64_t pooler = m.option("pooler")) {
        y = linear("pooler.dense", 1, h, h, {y});
        y = unary(OpKind::Activation, "pooler.act", pooler == 2 ? "relu" : "gelu", 1, h, {y});
      }
      return linear("classifier", 1, h, m.labels, {y});
    }
  }
  return x;
}

std::size_t GraphBuilder::encoder(const ModelShape& m, std::int64_t tokens, const EmbedFn& embed,
                                  const LayerFn& layer, const std::string& final_norm) {
  block("embedding");
  set_first_token(0);
  std::size_t x = embed(tokens, {});
  for (std::int64_t l = 0; l < m.layers; ++l) {
    block(fmt::format("layer.{}", l));
    set_layer(l);
    x = layer(tokens, tokens, x);
  }
  set_layer(-1);
  block("head");
  std::size_t y = x;
  if (!final_norm.empty()) y = norm(final_norm, m.norm, tokens, m.hidden, y);
  head(m, tokens, y);
  return x;
}

void GraphBuilder::decoder(const ModelShape& m, std::int64_t prompt, std::int64_t steps,
                           const EmbedFn& embed, const LayerFn& layer,
                           const std::string& final_norm) {
  auto pass = [&](const std::string& prefix, std::int64_t tokens, std::int64_t kv_tokens,
                  std::vector<std::size_t> inputs) {
    block(prefix + "embedding");
    std::size_t x = embed(tokens, std::move(inputs));
    for (std::int64_t l = 0; l < m.layers; ++l) {
      block(fmt::format("{}layer.{}", prefix, l));
      set_layer(l);
      x = layer(tokens, kv_tokens, x);
    }
    set_layer(-1);
    block(prefix + "head");
    // The head reads the last position only: the final norm of that token.
    if (!final_norm.empty()) x = norm(final_norm, m.norm, 1, m.hidden, x);
    return head(m, tokens, x);
  };
  set_first_token(0);
  std::size_t last = pass("", prompt, prompt, {});
  const std::size_t first = w_.ops.size();
  for (std::int64_t s = 0; s < steps; ++s) {
    set_step(s);
    set_first_token(prompt + s);
    last = pass("decode/", 1, prompt + s + 1, {last});
    if (s == 1 && share_steps_ && share_step(first)) break;
  }
  set_step(-1);
  set_first_token(0);
}

namespace {

// Whether operator `b` of step 1 is operator `a` of step 0 with its keys grown by one (`grows`
// says whether they did); `n` operators a step, step 0 starting at `first`. Only the step's
// first operator (`leads`) may read the previous pass, whose end then releases the whole step.
bool same_but_keys(const Operator& a, const Operator& b, std::size_t first, std::size_t n,
                   bool leads, bool& grows) {
  if (a.block != b.block || a.name != b.name || a.kind != b.kind || a.variant != b.variant ||
      a.tokens != b.tokens || a.in != b.in || a.out != b.out || a.rank != b.rank ||
      a.heads != b.heads || a.kv_heads != b.kv_heads || a.head_dim != b.head_dim ||
      a.causal != b.causal || a.window != b.window || a.expert != b.expert ||
      a.router != b.router || a.inputs.size() != b.inputs.size() || a.inputs.empty())
    return false;
  grows = b.kv_tokens == a.kv_tokens + 1;
  if (!grows && b.kv_tokens != a.kv_tokens) return false;
  if (b.width != a.width + (grows ? 1 : 0)) return false;
  for (std::size_t k = 0; k < a.inputs.size(); ++k) {
    const std::size_t x = a.inputs[k], y = b.inputs[k];
    // Inside the step, or (its first operator) the previous pass's last operator.
    if (x >= first ? y != x + n : (!leads || x != first - 1 || y != first + n - 1)) return false;
  }
  return true;
}

}  // namespace

bool GraphBuilder::share_step(std::size_t first) {
  // Mixture-of-Experts layers route each step's token anew: their steps differ.
  if (w_.experts > 0 || first == 0) return false;
  const std::size_t n = (w_.ops.size() - first) / 2;
  if (w_.ops.size() - first != 2 * n) return false;
  std::vector<std::size_t> growing;
  for (std::size_t i = 0; i < n; ++i) {
    bool grows = false;
    if (!same_but_keys(w_.ops[first + i], w_.ops[first + n + i], first, n, i == 0, grows))
      return false;
    if (grows) growing.push_back(first + i);
  }
  w_.ops.resize(first + n);
  w_.shared_steps = true;
  w_.decode_first = first;
  w_.growing = std::move(growing);
  return true;
}

}  // namespace aimcsim
