#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/params.hpp"

namespace aimcsim {

// One static linear operator y = x W, whose weights sit on AIMC tiles, with an optional LoRA
// adapter y += (x A) B of rank `rank` (0: none) run digitally.
struct LinearOp {
  std::string block;  // transformer block it belongs to: "embedding", "layer.3", "head"
  std::string name;   // operator name inside the block, HuggingFace style
  std::int64_t in = 0;
  std::int64_t out = 0;
  std::int64_t tokens = 0;  // tokens it processes (one MVM each)
  std::int64_t rank = 0;
};

// A transformer as the ordered list of its static linear operators, grouped in blocks.
// Simplification: attention's dynamic matmuls, norms and activations are not yet part of the
// graph; only the linears that AIMC tiles hold are.
struct Workload {
  std::string model;
  std::int64_t seq_len = 0;
  std::vector<std::string> blocks;  // in execution order
  std::vector<LinearOp> ops;        // in execution order

  std::int64_t analog_weights() const;
  std::int64_t lora_params() const;
};

struct WorkloadParams : Params<WorkloadParams> {
  std::string model;
  std::int64_t seq_len;
  std::int64_t rank;

  static void bind(ParamBinder<WorkloadParams>& b);
};

// Builds the operator graph of a named model ("mobilebert", "linear:<in>x<out>"). An unknown
// name or a malformed shape throws InputError naming workload.model and what is accepted.
Workload build_workload(const WorkloadParams& params);

}  // namespace aimcsim
