#include "workloads/lora.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "sim/base/error.hpp"
#include "workloads/parse.hpp"

namespace aimcsim {
namespace {

bool is_qkv(const std::string& name) {
  for (const char* suffix : {"query", "key", "value", "q_proj", "k_proj", "v_proj", "c_attn",
                             "qkv_proj", "query_key_value", "q_lin", "k_lin", "v_lin"}) {
    const std::string s(suffix);
    if (name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0)
      return true;
  }
  return false;
}

// Inside a transformer layer (not the embedding transformation or a head).
bool in_layer(const Operator& op) {
  const auto pos = op.block.find("layer.");
  return pos != std::string::npos && op.block.find('/', pos) == std::string::npos;
}

// The task head (LM head, QA or classifier) of any pass.
bool in_head(const Operator& op) {
  const std::string& b = op.block;
  return b == "head" || (b.size() > 5 && b.compare(b.size() - 5, 5, "/head") == 0);
}

// What `all` adapts: every linear but the task head and a vision transformer's patch embedding
// (a convolution in HF, which PEFT's all-linear does not take either).
bool in_all(const Operator& op) { return !in_head(op) && op.name != "patch_embeddings"; }

// `target` names `op`: its module name, or a group of a Mixture-of-Experts.
bool names(const Operator& op, const std::string& target);

// `target` is the whole name or its last dot-separated components.
bool ends_with_name(const std::string& name, const std::string& target) {
  if (name == target) return true;
  return name.size() > target.size() &&
         name.compare(name.size() - target.size(), target.size(), target) == 0 &&
         name[name.size() - target.size() - 1] == '.';
}

bool names(const Operator& op, const std::string& target) {
  if (target == "experts" && op.expert >= 0) return true;
  if (target == "router" && op.router) return true;
  return ends_with_name(op.name, target);
}

// The distinct linear names of `w` in order, "a, b", for messages.
std::string linear_names(const Workload& w) {
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
}

std::vector<std::pair<std::string, std::int64_t>> parse_overrides(const std::string& text) {
  std::vector<std::pair<std::string, std::int64_t>> overrides;
  if (text == "none") return overrides;
  for (const std::string& item : split_list(text)) {
    const auto eq = item.find('=');
    const std::string name = item.substr(0, eq);
    const std::int64_t rank = eq == std::string::npos ? -1 : parse_digits(item.substr(eq + 1), 6);
    const bool name_ok = !name.empty() && name.find_first_not_of(
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789_.") == std::string::npos;
    if (!name_ok || rank < 1)
      throw InputError(fmt::format(
          "lora.rank_overrides: '{}' is not name=rank with rank >= 1; accepted: none, or "
          "a comma list such as query=16,value=4",
          item));
    overrides.emplace_back(name, rank);
  }
  return overrides;
}

}  // namespace

void place_lora(Workload& w, const WorkloadParams& p) {
  std::vector<std::string> listed;
  if (p.targets != "all" && p.targets != "all+head" && p.targets != "qkv" && p.targets != "ffn") {
    listed = split_list(p.targets);
    if (listed.empty())
      throw InputError(
          "lora.targets: empty; accepted: all, all+head, qkv, ffn, or a comma list of operator "
          "names");
  }
  const auto overrides = parse_overrides(p.rank_overrides);
  auto check_matches = [&](const std::string& key, const std::string& target) {
    for (const std::vector<Operator>* ops : {&w.ops, &w.idle_linears})
      for (const auto& op : *ops)
        if (op.kind == OpKind::Linear && names(op, target)) return;
    throw InputError(fmt::format("{}: '{}' matches no linear of {}; its linears: {}{}", key, target,
                                 w.model, linear_names(w),
                                 w.experts > 0 ? " (groups: experts, router)" : ""));
  };
  for (const auto& t : listed) check_matches("lora.targets", t);
  for (const auto& [t, r] : overrides) check_matches("lora.rank_overrides", t);

  const auto place = [&](Operator& op) {
    if (op.kind != OpKind::Linear) return;
    bool adapted = false;
    if (p.targets == "all")
      adapted = in_all(op);
    else if (p.targets == "all+head")
      adapted = true;
    else if (p.targets == "qkv")
      adapted = is_qkv(op.name);
    else if (p.targets == "ffn")
      adapted = in_layer(op) && !is_qkv(op.name);
    else
      for (const auto& t : listed) adapted = adapted || names(op, t);
    op.rank = adapted ? p.rank : 0;
    if (adapted)
      for (const auto& [t, r] : overrides)
        if (names(op, t)) op.rank = r;
  };
  for (auto& op : w.ops) place(op);
  for (auto& op : w.idle_linears) place(op);
  // An adapter of rank r on an in x out linear has r (in + out) parameters; past max(in, out)
  // each of its two factors alone is larger than the layer: a mistake, most likely (a rank past
  // min(in, out) only, such as rank 8 on a 2-class head, is a choice some studies make).
  std::size_t wide = 0;
  const Operator* first = nullptr;
  for (const auto& op : w.ops)
    if (op.kind == OpKind::Linear && op.rank > std::max(op.in, op.out)) {
      if (!first) first = &op;
      ++wide;
    }
  if (first)
    w.notes.push_back(fmt::format(
        "lora: {} adapter(s) have a rank above both sides of their layer (first {}.{}: rank {} on "
        "{}x{}); each factor of such an adapter is larger than the layer it adapts",
        wide, first->block, first->name, first->rank, first->in, first->out));
}

}  // namespace aimcsim
