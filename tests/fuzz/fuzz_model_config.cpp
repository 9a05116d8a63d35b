// Fuzz target: a HuggingFace config.json, read by its family (read_model_config) and built into
// an operator graph with LoRA adapters, as `aimcsim run -p workload.model=config.json` does
// (build_workload, over a 16-token prompt and, for a generating decoder, 2 decode tokens, under
// a 64 MiB limits.memory). Input: the config.json text. Invariants: the text is read or throws
// InputError; a graph that builds lists producers before their consumers, gives every linear
// and attention matmul positive shapes, and its MACs, weights and KV cache are non-negative
// (computed without signed overflow, which UBSan reports).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/base/config.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "workloads/workload.hpp"

namespace {

// The file build_workload reads the input from, one per process; removed after each input.
const std::string& scratch_path() {
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    return std::string(tmp && *tmp ? tmp : "/tmp") + "/aimcsim-fuzz-" + std::to_string(::getpid()) +
           "-config.json";
  }();
  return path;
}

void check_graph(const aimcsim::Workload& w, const std::string& text) {
  using namespace aimcsim;
  auto fail = [&](const std::string& what) { fuzz::finding(what + "; config.json:\n" + text); };
  if (w.ops.empty()) fail("the graph has no operator");
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    for (std::size_t in : op.inputs)
      if (in >= i) fail(op.block + "/" + op.name + " reads an operator that comes after it");
    if (op.tokens < 1) fail(op.block + "/" + op.name + " runs no token");
    if (op.kind == OpKind::Linear && (op.in < 1 || op.out < 1 || op.rank < 0))
      fail(op.block + "/" + op.name + " is a linear without a positive shape");
    if (op.kind == OpKind::Matmul && (op.heads < 1 || op.head_dim < 1 || op.kv_tokens < 1))
      fail(op.block + "/" + op.name + " is a matmul without a positive shape");
    if (op.macs() < 0) fail(op.block + "/" + op.name + " has negative MACs");
  }
  if (w.analog_weights() < 1) fail("the graph holds no weight");
  if (w.lora_params() < 0) fail("negative LoRA parameters");
  if (w.kv_cache_values < 0) fail("a negative KV cache");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aimcsim;
  const std::string text = fuzz::text_of(data, size);
  ModelShape shape;
  if (!fuzz::accepted([&] { shape = read_model_config(text, "config.json"); })) return 0;
  const bool generates =
      shape.decoder && (shape.head == HeadKind::CausalLm || shape.head == HeadKind::Seq2SeqLm);
  {
    std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
    out << text;
  }
  Workload w;
  const bool built = fuzz::accepted([&] {
    const Config cfg =
        Config::load(fuzz::schema(), {},
                     {"workload.model=" + scratch_path(), "workload.seq_len=16",
                      std::string("workload.decode_tokens=") + (generates ? "2" : "0"),
                      "lora.targets=all+head", "limits.memory=64MiB"});
    w = build_workload(WorkloadParams::from(cfg));
  });
  std::filesystem::remove(scratch_path());
  if (built) check_graph(w, text);
  return 0;
}
