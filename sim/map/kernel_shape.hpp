#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/riscv/kernels.hpp"
#include "models/riscv/pmca_model.hpp"

namespace aimcsim {

// One PMCA kernel as `aimcsim kernel` names it (lora, gemm, softmax, ...) with the shape options
// it was given, by option name without dashes (tokens, m, q_tokens, ...). The costs below are the
// ones the run charges for the same shape; `aimcsim kernel` prints them and `aimcsim calibrate`
// fits to them.
struct KernelShape {
  std::string kernel;
  std::map<std::string, std::int64_t> options;
};

// A shape option: its name (a CSV column of `aimcsim calibrate`) and help text.
struct KernelShapeOption {
  std::string name;
  std::string help;
};
// Every shape option, in the order `aimcsim kernel --help` lists them.
const std::vector<KernelShapeOption>& kernel_shape_options();
// The option as written on the command line: "-m" for one letter, else "--q-tokens".
std::string kernel_option_flag(const std::string& name);

// The kernels in order, and as one comma-separated line for messages.
const std::vector<std::string>& kernel_names();
std::string kernel_names_text();
// The shape options `kernel` needs, in order, or nullptr for an unknown kernel.
const std::vector<std::string>* kernel_options(const std::string& kernel);

// The cost of `s` (any kernel but lora) as the run charges it; `description` (when given) gets
// the shape in words. Throws InputError for an unknown kernel or a missing or non-positive
// option, naming the kernel and the option's flag.
KernelCost kernel_cost(const PmcaParams& p, const KernelShape& s,
                       std::string* description = nullptr);
// One LoRA chunk (kernel lora: tokens, in, out, rank), as the run charges it.
LoraChunkCost lora_kernel_cost(const PmcaParams& p, const KernelShape& s);
// The cycles `aimcsim kernel` prints for `s`: the LoRA chunk's, or the kernel's. Throws
// InputError as kernel_cost does, and when the kernel does not fit pmca.l1_size.
std::int64_t kernel_cycles(const PmcaParams& p, const KernelShape& s);

// Why a kernel cannot run, for messages: the lora chunk's or another kernel's L1 overflow.
std::string lora_misfit_message(const PmcaParams& p, const KernelShape& s);
std::string kernel_misfit_message(const PmcaParams& p, const std::string& kernel,
                                  const KernelCost& c);

}  // namespace aimcsim
