#include "sim/map/mapper.hpp"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <map>
#include <memory>

#include "models/interconnect/topology.hpp"
#include "models/riscv/pmca.hpp"
#include "sim/base/error.hpp"

namespace aimcsim {

namespace {

// Sets the costs of moving a layer's outputs to its PMCA: over the group's own link, or over the
// shared topology's hops between the layer's last tile and its PMCA.
void set_link_costs(const PlatformParams& p, std::int64_t clusters, OpTiming& t) {
  const LinkParams link = group_link(p.link, clusters);
  t.transfer = [link](std::int64_t bytes) { return transfer_ps(link, bytes); };
  t.serialisation = [link](std::int64_t bytes) { return serialisation_ps(link, bytes); };
  if (p.net.topo().shared()) {
    // The topology's hops between a layer's last tile and its PMCA.
    const Picos hops = ns_to_ps(p.net.hop_latency_ns) * p.net.topo().twin_hops();
    const double bw = p.net.bandwidth_Bps();
    t.serialisation = [bw](std::int64_t bytes) {
      return ns_to_ps(static_cast<double>(bytes) * 1e9 / bw);
    };
    t.transfer = [bw, hops](std::int64_t bytes) {
      return hops + ns_to_ps(static_cast<double>(bytes) * 1e9 / bw);
    };
  }
}

// The PMCA's cost of one chunk: the reduction of `sums` partial sums (none for LoraDown) and the
// adapter's part.
std::function<Picos(std::int64_t, JobRole)> pmca_costs(const PmcaParams& pmca, const Operator& op,
                                                       std::int64_t sums, std::int64_t clusters) {
  const std::int64_t in = op.in, out = op.out, rank = op.rank;
  // Chunks of a sequence come in at most two sizes: remember their costs.
  auto cache = std::make_shared<std::map<std::pair<std::int64_t, JobRole>, Picos>>();
  return [pmca, in, out, rank, sums, clusters, cache](std::int64_t n, JobRole part) {
    auto it = cache->find({n, part});
    if (it != cache->end()) return it->second;
    const Picos reduce = lora_part_needs_xw(part) ? pmca_reduce_ps(pmca, n, out, sums) : 0;
    const Picos d =
        reduce + lora_part_duration(pmca, lora_group_cost(pmca, clusters, n, in, out, rank), part);
    cache->emplace(std::make_pair(n, part), d);
    return d;
  };
}

}  // namespace

const LoraChunkCost& OpMapping::chunk_cost() const {
  static const LoraChunkCost kNone;
  return cost ? *cost : kNone;
}

OpTiming op_timing(const PlatformParams& p, const Operator& op, std::int64_t chunk,
                   std::int64_t clusters) {
  // As Platform builds the hybrid design: partial sums go to the PMCA only where it runs an
  // adapter; otherwise the tiles add them.
  const bool pmca_reduces = op.rank > 0 && p.tile.reduction == "pmca";
  TileParams tp = p.tile;
  if (!pmca_reduces) tp.reduction = "tile";
  const TileSplit split = split_layer(tp, op.in, op.out);
  OpTiming t;
  const MvmStages stages = layer_stages(tp, split);
  const bool pipelined = p.tile.pipelined();
  t.tile_pipeline = [stages, pipelined]() {
    auto pipe = std::make_shared<TilePipeline>(pipelined);
    return
        [pipe, stages](std::int64_t n, Picos release) { return pipe->run(release, n, stages).end; };
  };
  set_link_costs(p, clusters, t);
  if (!p.net.topo().shared() && op.rank > 0) {
    // Point to point, X reaches the PMCA over a link of its own (the tile has it in place).
    const LinkParams link = group_link(p.link, clusters);
    t.x_transfer = [link](std::int64_t bytes) { return transfer_ps(link, bytes); };
    t.x_serialisation = [link](std::int64_t bytes) { return serialisation_ps(link, bytes); };
    t.in_bytes_per_token = output_bytes(p.tile, op.in);
  }
  const std::int64_t sums = pmca_reduces ? split.row_blocks() : 1;
  t.pmca = pmca_costs(p.pmca, op, sums, clusters);
  t.tokens = op.tokens;
  t.chunk = chunk;
  t.out_bytes_per_token = sums * output_bytes(p.tile, op.out);
  return t;
}

std::vector<std::int64_t> chunk_candidates(std::int64_t tokens) {
  std::vector<std::int64_t> out;
  for (std::int64_t t = 1; t < tokens; t *= 2) out.push_back(t);
  out.push_back(tokens);
  return out;
}

namespace {

std::int64_t pick_chunk(const Operator& op, const PlatformParams& p,
                        std::optional<std::int64_t> chunk, const Strategy& strategy,
                        std::int64_t clusters) {
  if (op.rank == 0) return chunk ? std::min(*chunk, op.tokens) : op.tokens;
  if (chunk) return std::min(*chunk, op.tokens);
  std::int64_t best_chunk = 0;
  Picos best = -1;
  bool best_fits = false;
  const auto at_zero = [](std::int64_t, std::int64_t) { return Picos{0}; };
  for (std::int64_t t : chunk_candidates(op.tokens)) {
    const LoraChunkCost c = lora_group_cost(p.pmca, clusters, t, op.in, op.out, op.rank);
    if (!c.feasible) continue;
    const bool fits = !c.spilled;
    const Picos lat = strategy.analytic(op_timing(p, op, t, clusters), at_zero).back();
    if (best < 0 || lat < best || (lat == best && fits && !best_fits)) {
      best = lat;
      best_fits = fits;
      best_chunk = t;
    }
  }
  return best_chunk;
}

// The slot of a linear's weights: decode steps reuse the prompt's slot of the same layer; a new
// layer gets a slot of its own, with one PMCA per `tiles_per_pmca` of its tiles (0: one PMCA).
std::size_t slot_for(const Operator& op, const TileSplit& split, std::int64_t tiles_per_pmca,
                     std::map<std::pair<std::string, std::string>, std::size_t>& slot_of,
                     Mapping& m) {
  const auto key = std::make_pair(base_block(op.block), op.name);
  auto it = slot_of.find(key);
  if (it == slot_of.end()) {
    it = slot_of.emplace(key, m.slots.size()).first;
    const std::int64_t clusters =
        tiles_per_pmca > 0 ? (split.tiles() + tiles_per_pmca - 1) / tiles_per_pmca : 1;
    m.slots.push_back(LayerSlot{op.in, op.out, op.in, op.out, op.rank, clusters});
  }
  return it->second;
}

// The chunk of a linear and the PMCA's cost of one full chunk; throws InputError when the
// adapter cannot fit L1 even at one token.
std::pair<std::int64_t, LoraChunkCost> chunk_for(const Operator& op, const PlatformParams& p,
                                                 std::optional<std::int64_t> chunk,
                                                 const Strategy& strategy, std::int64_t clusters) {
  const std::int64_t t = pick_chunk(op, p, chunk, strategy, clusters);
  LoraChunkCost cost;
  if (op.rank > 0) {
    cost = t > 0 ? lora_group_cost(p.pmca, clusters, t, op.in, op.out, op.rank) : LoraChunkCost{};
    if (t == 0 || !cost.feasible)
      throw InputError(
          fmt::format("{}: pmca.l1_size ({} bytes) cannot hold even one row of the rank-{} "
                      "adapter A, one column of B "
                      "and two one-token buffers of a {}x{} layer; raise pmca.l1_size",
                      op.block + "." + op.name, p.pmca.l1_bytes, op.rank, op.in, op.out));
  }
  return {t, cost};
}

// Places the linears on slots and picks their chunks.
void place_linears(const Workload& w, const PlatformParams& p, std::optional<std::int64_t> chunk,
                   const Strategy& strategy, std::int64_t tiles_per_pmca, Mapping& m) {
  std::map<std::pair<std::string, std::string>, std::size_t> slot_of;
  std::map<std::pair<std::string, std::string>,
           std::pair<std::int64_t, std::shared_ptr<const LoraChunkCost>>>
      chunk_of;
  // Linears that run no token here (experts no token reached) still hold their tiles; they get
  // their slots after the last linear of their block's prompt pass, beside their layer.
  std::map<std::string, std::vector<const Operator*>> idle;
  for (const Operator& op : w.idle_linears) idle[op.block].push_back(&op);
  const auto place_idle = [&](const std::string& block) {
    const auto it = idle.find(block);
    if (it == idle.end()) return;
    for (const Operator* op : it->second)
      slot_for(*op, split_layer(p.tile, op->in, op->out), tiles_per_pmca, slot_of, m);
    idle.erase(it);
  };
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    if (i > 0 && w.ops[i - 1].block != op.block) place_idle(w.ops[i - 1].block);
    if (op.kind != OpKind::Linear) continue;
    const TileSplit split = split_layer(p.tile, op.in, op.out);
    OpMapping& om = m.ops[i];
    om.slot = slot_for(op, split, tiles_per_pmca, slot_of, m);
    om.split = split;
    const std::int64_t clusters = m.slots[om.slot].clusters;
    // Layers of the same shape get the same chunk: it is picked once per shape and token count.
    const auto ckey = std::make_pair(fmt::format("{}x{}r{}c{}", op.in, op.out, op.rank, clusters),
                                     std::to_string(op.tokens));
    auto c = chunk_of.find(ckey);
    if (c == chunk_of.end()) {
      auto [t, cost] = chunk_for(op, p, chunk, strategy, clusters);
      c = chunk_of
              .emplace(ckey,
                       std::make_pair(t, std::make_shared<const LoraChunkCost>(std::move(cost))))
              .first;
    }
    om.chunk = c->second.first;
    om.cost = c->second.second;
  }
  if (!w.ops.empty()) place_idle(w.ops.back().block);
  for (const auto& [block, ops] : idle)
    for (const Operator* op : ops)
      slot_for(*op, split_layer(p.tile, op->in, op->out), tiles_per_pmca, slot_of, m);
}

// Packs the slots that fit one tile densely: each goes, in order, to the first shared tile whose
// unused rows and columns can hold it, else opens a new one.
void pack_dense(const PlatformParams& p, std::vector<LayerSlot>& slots) {
  struct Open {
    std::size_t host;       // the slot that owns the tile
    std::int64_t row, col;  // first unused row and column
  };
  std::vector<Open> open;
  for (std::size_t s = 0; s < slots.size(); ++s) {
    LayerSlot& slot = slots[s];
    if (split_layer(p.tile, slot.rows_used, slot.cols_used).tiles() != 1) continue;
    bool placed = false;
    for (Open& t : open) {
      if (t.row + slot.rows_used <= p.tile.rows && t.col + slot.cols_used <= p.tile.cols) {
        slot.shares_tile_of = static_cast<std::int64_t>(t.host);
        t.row += slot.rows_used;
        t.col += slot.cols_used;
        placed = true;
        break;
      }
    }
    if (!placed) open.push_back({s, slot.rows_used, slot.cols_used});
  }
}

// Hosts each digital operator on the PMCA of its first producer, or of the next linear when it
// has none.
void host_digital(const Workload& w, Mapping& m) {
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    if (op.kind == OpKind::Linear) continue;
    std::size_t slot = 0;
    if (!op.inputs.empty()) {
      slot = m.ops[op.inputs.front()].slot;
    } else {
      for (std::size_t j = i + 1; j < w.ops.size(); ++j)
        if (w.ops[j].kind == OpKind::Linear) {
          slot = m.ops[j].slot;
          break;
        }
    }
    m.ops[i].slot = slot;
    m.slot_runs_digital[slot] = true;
  }
}

// With memory.kv_cache auto, the attention of a layer whose K and V at the final length exceed
// the L2 of the PMCAs running it reads them from DRAM.
void place_kv_cache(const Workload& w, const PlatformParams& p, Mapping& m) {
  if (p.memory.kv_cache != "auto") return;
  for (std::size_t i = 0; i < w.ops.size(); ++i) {
    const Operator& op = w.ops[i];
    if (!reads_kv_cache(op)) continue;
    m.ops[i].kv_in_dram =
        kv_cache_bytes(w, op, p.pmca) > p.pmca.l2_bytes * m.slots[m.ops[i].slot].clusters;
  }
}

}  // namespace

Mapping map_workload(const Workload& w, const PlatformParams& p, std::optional<std::int64_t> chunk,
                     const Strategy& strategy, std::int64_t tiles_per_pmca, bool dense) {
  Mapping m;
  m.ops.resize(w.ops.size());
  place_linears(w, p, chunk, strategy, tiles_per_pmca, m);
  if (dense) pack_dense(p, m.slots);
  m.slot_runs_digital.assign(m.slots.size(), false);
  if (m.slots.empty()) return m;
  host_digital(w, m);
  place_kv_cache(w, p, m);
  return m;
}

std::int64_t kv_cache_positions(const Workload& w, const Operator& op) {
  // A decode step's keys are the prompt's, the steps before it and its own.
  const std::int64_t prompt = op.decode ? op.kv_tokens - op.step - 1 : op.kv_tokens;
  const std::int64_t positions = prompt + w.decode_tokens;
  return op.window > 0 ? std::min(op.window, positions) : positions;
}

std::int64_t kv_cache_bytes(const Workload& w, const Operator& op, const PmcaParams& pmca) {
  return 2 * op.kv_heads * op.head_dim * kv_cache_positions(w, op) * pmca.elem_bytes;
}

DigitalCost op_digital_cost(const PlatformParams& p, const Mapping& mapping, std::size_t i,
                            const Operator& op, std::int64_t first, std::int64_t end) {
  const OpMapping& m = mapping.ops[i];
  DigitalCost c = digital_group_cost(p.pmca, mapping.slots[m.slot].clusters, op, first, end);
  if (!m.kv_in_dram) return c;
  // The keys (or values) the chunk's last row attends, read from DRAM while the PMCAs compute.
  static const EnergyComponent kDram = energy_component("dram");
  const MemoryLevel dram = dram_level(p.memory);
  const std::int64_t keys = attended_keys(op, end - 1, end);
  const std::int64_t bytes = op.kv_heads * op.head_dim * keys * p.pmca.elem_bytes;
  c.duration = std::max(c.duration, dram.transfer(bytes));
  c.energy.add(kDram, dram.energy_pj(bytes));
  return c;
}

Placement place_workload(const Mapping& mapping, const PlatformParams& p, bool with_pmcas) {
  return snake_placement(p, mapping.slots, with_pmcas);
}

}  // namespace aimcsim
