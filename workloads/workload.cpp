#include "workloads/workload.hpp"

#include <fmt/format.h>

#include <regex>

#include "sim/error.hpp"

namespace aimcsim {

std::int64_t Workload::analog_weights() const {
  std::int64_t n = 0;
  for (const auto& op : ops) n += op.in * op.out;
  return n;
}

std::int64_t Workload::lora_params() const {
  std::int64_t n = 0;
  for (const auto& op : ops) n += op.rank * (op.in + op.out);
  return n;
}

void WorkloadParams::bind(ParamBinder<WorkloadParams>& b) {
  using P = WorkloadParams;
  b.text("workload.model", &P::model, "").require()
      .desc("model to run: mobilebert, or linear:<in>x<out> for one linear layer (e.g. linear:512x128)");
  b.integer("workload.seq_len", &P::seq_len, 0).require().range(1, 1 << 20).desc("tokens in the input sequence");
  b.integer("lora.rank", &P::rank, 8).range(1, 65536).desc("LoRA rank r of every adapter (AHWA-LoRA: 8)");
}

namespace {

constexpr const char* kModels = "mobilebert, linear:<in>x<out> (e.g. linear:512x128)";

// google/mobilebert-uncased (REFERENCE section 4): 24 layers, hidden 512, bottleneck 128,
// 4 FFNs of intermediate 512, trigram embedding 384 -> 512, QA head 512 -> 2.
Workload mobilebert(const WorkloadParams& p) {
  Workload w;
  w.model = "mobilebert";
  w.seq_len = p.seq_len;
  auto add = [&](const std::string& block, const std::string& name, std::int64_t in, std::int64_t out) {
    w.ops.push_back(LinearOp{block, name, in, out, p.seq_len, p.rank});
  };
  const std::int64_t hidden = 512, bottleneck = 128, inter = 512;
  w.blocks.push_back("embedding");
  add("embedding", "embedding_transformation", 3 * bottleneck, hidden);
  for (int layer = 0; layer < 24; ++layer) {
    const std::string b = fmt::format("layer.{}", layer);
    w.blocks.push_back(b);
    add(b, "bottleneck.input.dense", hidden, bottleneck);
    add(b, "bottleneck.attention.dense", hidden, bottleneck);
    add(b, "attention.self.query", bottleneck, bottleneck);
    add(b, "attention.self.key", bottleneck, bottleneck);
    add(b, "attention.self.value", hidden, bottleneck);
    add(b, "attention.output.dense", bottleneck, bottleneck);
    for (int f = 0; f < 3; ++f) {
      add(b, fmt::format("ffn.{}.intermediate.dense", f), bottleneck, inter);
      add(b, fmt::format("ffn.{}.output.dense", f), inter, bottleneck);
    }
    add(b, "intermediate.dense", bottleneck, inter);
    add(b, "output.dense", inter, bottleneck);
    add(b, "output.bottleneck.dense", bottleneck, hidden);
  }
  w.blocks.push_back("head");
  add("head", "qa_outputs", hidden, 2);
  return w;
}

}  // namespace

Workload build_workload(const WorkloadParams& p) {
  if (p.model == "mobilebert") return mobilebert(p);
  static const std::regex linear(R"(linear:([0-9]{1,9})x([0-9]{1,9}))");
  std::smatch m;
  if (std::regex_match(p.model, m, linear)) {
    const std::int64_t in = std::stoll(m[1]), out = std::stoll(m[2]);
    if (in < 1 || out < 1)
      throw InputError(fmt::format("workload.model: '{}' needs positive feature counts; accepted: {}", p.model, kModels));
    Workload w;
    w.model = p.model;
    w.seq_len = p.seq_len;
    w.blocks.push_back("linear");
    w.ops.push_back(LinearOp{"linear", fmt::format("linear_{}x{}", in, out), in, out, p.seq_len, p.rank});
    return w;
  }
  throw InputError(fmt::format("workload.model: unknown model '{}'; accepted: {}", p.model, kModels));
}

}  // namespace aimcsim
