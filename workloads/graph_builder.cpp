#include "workloads/graph_builder.hpp"

#include <fmt/format.h>

namespace aimcsim {

void GraphBuilder::block(const std::string& name) {
  block_ = name;
  bool seen = false;
  for (const auto& b : w_.blocks) seen = seen || b == name;
  if (!seen) w_.blocks.push_back(name);
}

std::size_t GraphBuilder::add(Operator op, std::vector<std::size_t> inputs) {
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
  return add(op, std::move(inputs));
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
  return add(op, std::move(inputs));
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
  std::size_t z;
  if (names.gate.empty()) {
    z = linear(names.up, tokens, width, inner, {x});
    z = unary(OpKind::Activation, names.act, activation, tokens, inner, {z});
  } else {
    const std::size_t gate = linear(names.gate, tokens, width, inner, {x});
    const std::size_t up = linear(names.up, tokens, width, inner, {x});
    z = unary(OpKind::Activation, names.act, activation, tokens, inner, {gate});
    z = elementwise(names.gate_mul, "mul", tokens, inner, {z, up});
  }
  return linear(names.down, tokens, inner, width, {z});
}

void GraphBuilder::encoder(const ModelShape& m, std::int64_t tokens, const EmbedFn& embed,
                           const LayerFn& layer) {
  block("embedding");
  std::size_t x = embed(tokens, {});
  for (std::int64_t l = 0; l < m.layers; ++l) {
    block(fmt::format("layer.{}", l));
    x = layer(tokens, tokens, x);
  }
  block("head");
  linear("qa_outputs", tokens, m.hidden, 2, {x});
}

void GraphBuilder::decoder(const ModelShape& m, std::int64_t prompt, std::int64_t steps,
                           const EmbedFn& embed, const LayerFn& layer) {
  auto pass = [&](const std::string& prefix, std::int64_t tokens, std::int64_t kv_tokens,
                  std::vector<std::size_t> inputs) {
    block(prefix + "embedding");
    std::size_t x = embed(tokens, std::move(inputs));
    for (std::int64_t l = 0; l < m.layers; ++l) {
      block(fmt::format("{}layer.{}", prefix, l));
      x = layer(tokens, kv_tokens, x);
    }
    block(prefix + "head");
    x = norm("norm", m.norm, 1, m.hidden, x);
    return linear("lm_head", 1, m.hidden, m.vocab, {x});
  };
  std::size_t last = pass("", prompt, prompt, {});
  for (std::int64_t s = 0; s < steps; ++s) {
    set_step(s);
    last = pass("decode/", 1, prompt + s + 1, {last});
  }
  set_step(-1);
}

}  // namespace aimcsim
