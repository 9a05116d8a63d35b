#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "workloads/workload.hpp"

namespace aimcsim {

// How far each operator's output has come: (rows ready, what made them ready) in increasing
// order, ending with all its rows. `Item` is a Job* (the simulation) or a completion time (the
// analytic twin), so the two follow the same dataflow.
template <class Item>
using Done = std::vector<std::pair<std::int64_t, Item>>;

// The first entry of `progress` that covers rows [0, end).
template <class Item>
Item covering(const Done<Item>& progress, std::int64_t end) {
  for (const auto& [rows, item] : progress)
    if (rows >= end) return item;
  return progress.back().second;
}

// Whether operator `op` may consume input `k` (producer `in`) chunk by chunk: the same rows, and
// for attention's keys and values only under a causal mask.
inline bool row_separable(const Operator& op, std::size_t k, const Operator& in) {
  if (op.tokens != in.tokens) return false;
  if (op.kind == OpKind::Matmul && k == 1) return op.causal;
  return true;
}

// What rows [first, end) of operator `i` wait for: with a wavefront, the chunk of each input that
// covers them (where the input is row-separable); otherwise each input whole.
template <class Item>
std::vector<Item> needed(const Workload& w, std::size_t i, bool wavefront,
                         const std::vector<Done<Item>>& done, std::int64_t /*first*/,
                         std::int64_t end) {
  const Operator& op = w.ops[i];
  std::vector<Item> out;
  for (std::size_t k = 0; k < op.inputs.size(); ++k) {
    const std::size_t in = op.inputs[k];
    if (wavefront && row_separable(op, k, w.ops[in]))
      out.push_back(covering(done[in], end));
    else
      out.push_back(done[in].back().second);
  }
  return out;
}

// Chunk sizes of a digital operator: its first input's, when it may follow them; else one chunk.
template <class Item>
std::vector<std::int64_t> digital_chunks(const Workload& w, std::size_t i, bool wavefront,
                                         const std::vector<Done<Item>>& done) {
  const Operator& op = w.ops[i];
  if (wavefront && !op.inputs.empty() && row_separable(op, 0, w.ops[op.inputs[0]])) {
    std::vector<std::int64_t> sizes;
    std::int64_t prev = 0;
    for (const auto& entry : done[op.inputs[0]]) {
      sizes.push_back(entry.first - prev);
      prev = entry.first;
    }
    return sizes;
  }
  return {op.tokens};
}

}  // namespace aimcsim
