#pragma once
#include "workloads/workload.hpp"

namespace aimcsim {

// Sets each linear's LoRA rank from lora.targets (all: every linear but the task head and a
// ViT's patch embedding; all+head: every linear; qkv; ffn; or a comma list of names matched at
// the end of an operator name, plus the groups experts and router), lora.rank and
// lora.rank_overrides (name=rank). Linears not targeted get rank 0. A malformed list, or a listed
// name that matches no linear of the workload, throws InputError naming the key and the workload's
// linears.
void place_lora(Workload& w, const WorkloadParams& p);

}  // namespace aimcsim
