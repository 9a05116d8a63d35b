#include "sim/schedule/strategy.hpp"

#include <algorithm>
#include <stdexcept>

namespace aimcsim {

std::vector<std::int64_t> chunk_sizes(std::int64_t tokens, std::int64_t chunk) {
  std::vector<std::int64_t> out;
  for (std::int64_t done = 0; done < tokens; done += chunk)
    out.push_back(std::min(chunk, tokens - done));
  return out;
}

void depend_all(JobGraph& graph, const std::vector<Job*>& before, Job& after) {
  for (Job* b : before) graph.depend(*b, after);
}

Progress schedule_tile_only(JobGraph& g, Resource& tile, std::size_t op, std::int64_t tokens,
                            std::int64_t chunk, const DepsFn& deps, int tile_block) {
  Progress out;
  std::int64_t first = 0;
  for (std::int64_t n : chunk_sizes(tokens, chunk)) {
    Job& mvm = add_tile_chunk(g, tile, op, tile_block, first, n, deps);
    first += n;
    out.push_back({first, &mvm});
  }
  return out;
}

std::vector<Picos> tile_chunk_ends(const OpTiming& t, const std::vector<std::int64_t>& sizes,
                                   const std::vector<Picos>& release) {
  const auto tile = t.tile_pipeline();
  std::vector<Picos> ends;
  for (std::size_t c = 0; c < sizes.size(); ++c) ends.push_back(tile(sizes[c], release[c]));
  return ends;
}

Job& add_tile_chunk(JobGraph& g, Resource& tile, std::size_t op, int tile_block, std::int64_t first,
                    std::int64_t n, const DepsFn& deps) {
  Job& mvm = g.add(tile, op, n);
  mvm.role = JobRole::Mvm;
  mvm.block = tile_block;
  depend_all(g, deps(first, first + n), mvm);
  return mvm;
}

Job& add_lora_chunk(JobGraph& g, const OpResources& r, Job& after, std::int64_t n, JobRole part) {
  Job& lora = g.add(r.pmca, r.op, n);
  lora.role = part;
  g.depend(after, lora);
  return lora;
}

Job& add_xw_transfer(JobGraph& g, const OpResources& r, Job& mvm, std::int64_t n) {
  Job& move = g.add(r.link, r.op, n, n * r.out_bytes_per_token);
  move.role = JobRole::Transfer;
  g.depend(mvm, move);
  return move;
}

std::vector<Picos> chunk_releases(const std::vector<std::int64_t>& sizes,
                                  const ReleaseFn& release) {
  std::vector<Picos> rel;
  std::int64_t first = 0;
  for (auto n : sizes) {
    rel.push_back(release(first, first + n));
    first += n;
  }
  return rel;
}

std::vector<Picos> link_arrivals(const OpTiming& t, const std::vector<std::int64_t>& sizes,
                                 const std::vector<Picos>& tile_end) {
  std::vector<Picos> arrived;
  Picos link_free = 0;
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    const std::int64_t bytes = sizes[c] * t.out_bytes_per_token;
    const Picos start = std::max(tile_end[c], link_free);
    link_free = start + t.serialisation(bytes);
    arrived.push_back(start + t.transfer(bytes));
  }
  return arrived;
}

std::vector<Picos> x_arrivals(const OpTiming& t, const std::vector<std::int64_t>& sizes,
                              const std::vector<Picos>& release) {
  if (!t.x_transfer) return release;
  std::vector<Picos> arrived;
  Picos link_free = 0;
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    const std::int64_t bytes = sizes[c] * t.in_bytes_per_token;
    const Picos start = std::max(release[c], link_free);
    link_free = start + t.x_serialisation(bytes);
    arrived.push_back(start + t.x_transfer(bytes));
  }
  return arrived;
}

std::vector<Picos> tile_only_analytic(const OpTiming& t, const ReleaseFn& release) {
  const auto sizes = chunk_sizes(t.tokens, t.chunk);
  return tile_chunk_ends(t, sizes, chunk_releases(sizes, release));
}

namespace {

// The PMCA parts of a chunk under `start`: {first, second}, or {Lora, Lora} for one job.
std::pair<JobRole, JobRole> parts_of(AdapterStart start, bool split_xw_first) {
  if (start == AdapterStart::Input) return {JobRole::LoraAdapter, JobRole::LoraAdd};
  if (split_xw_first) return {JobRole::LoraDown, JobRole::LoraUpAdd};
  return {JobRole::Lora, JobRole::Lora};
}

// The order the PMCA runs the parts of `n` chunks in: (chunk, second part?).
std::vector<std::pair<std::size_t, bool>> pmca_order(std::size_t n, bool split, bool lookahead) {
  std::vector<std::pair<std::size_t, bool>> order;
  if (!split) {
    for (std::size_t c = 0; c < n; ++c) order.push_back({c, true});
  } else if (lookahead) {
    order.push_back({0, false});
    for (std::size_t c = 0; c < n; ++c) {
      if (c + 1 < n) order.push_back({c + 1, false});
      order.push_back({c, true});
    }
  } else {
    for (std::size_t c = 0; c < n; ++c) {
      order.push_back({c, false});
      order.push_back({c, true});
    }
  }
  return order;
}

}  // namespace

Progress schedule_chunk_flow(JobGraph& g, const OpResources& r, const ChunkInputs& in,
                             const ScheduleOptions& options, bool lookahead, bool split_xw_first) {
  const auto sizes = chunk_sizes(r.tokens, r.chunk);
  const std::size_t n = sizes.size();
  const auto [first_part, second_part] = parts_of(options.adapter_start, split_xw_first);
  const bool split = first_part != second_part;
  std::vector<std::int64_t> first(n);
  std::vector<Job*> mvm(n), move(n), head(n), tail(n);
  std::int64_t f = 0;
  for (std::size_t c = 0; c < n; ++c) {
    first[c] = f;
    mvm[c] = &add_tile_chunk(g, r.tile, r.op, r.tile_block, f, sizes[c], in.tile);
    move[c] = &add_xw_transfer(g, r, *mvm[c], sizes[c]);
    f += sizes[c];
  }
  for (const auto& [c, second] : pmca_order(n, split, lookahead)) {
    if (!second) {
      head[c] = &g.add(r.pmca, r.op, sizes[c]);
      head[c]->role = first_part;
      depend_all(g, in.pmca(first[c], first[c] + sizes[c]), *head[c]);
      continue;
    }
    tail[c] = &add_lora_chunk(g, r, *move[c], sizes[c], second_part);
    if (split) g.depend(*head[c], *tail[c]);
  }
  // Back-pressure: the PMCA holds xw_buffer chunks of X W; the tile's chunk c waits for the PMCA
  // to consume chunk c - xw_buffer.
  const std::size_t b = static_cast<std::size_t>(options.xw_buffer);
  if (b > 0)
    for (std::size_t c = b; c < n; ++c) g.depend(*tail[c - b], *mvm[c]);
  Progress out;
  for (std::size_t c = 0; c < n; ++c) out.push_back({first[c] + sizes[c], tail[c]});
  return out;
}

std::vector<Picos> chunk_flow_analytic(const OpTiming& t, const ReleaseFn& release,
                                       const ScheduleOptions& options, bool lookahead,
                                       bool split_xw_first) {
  const auto sizes = chunk_sizes(t.tokens, t.chunk);
  const std::size_t n = sizes.size();
  const auto [first_part, second_part] = parts_of(options.adapter_start, split_xw_first);
  const bool split = first_part != second_part;
  const std::vector<Picos> rel = chunk_releases(sizes, release);
  const std::vector<Picos> x_at_pmca = x_arrivals(t, sizes, rel);
  const std::size_t b = static_cast<std::size_t>(options.xw_buffer);
  // The tile and the X W link run ahead of the PMCA as far as the buffer lets them; chunks are
  // tiled when the PMCA first needs their X W.
  const auto tile = t.tile_pipeline();
  std::vector<Picos> xw(n), head_end(n), tail_end(n);
  std::size_t tiled = 0;
  Picos link_free = 0, pmca = 0;
  auto xw_at_pmca = [&](std::size_t c) {
    for (; tiled <= c; ++tiled) {
      Picos ready = rel[tiled];
      if (b > 0 && tiled >= b) ready = std::max(ready, tail_end[tiled - b]);
      const Picos tile_end = tile(sizes[tiled], ready);
      const std::int64_t bytes = sizes[tiled] * t.out_bytes_per_token;
      const Picos start = std::max(tile_end, link_free);
      link_free = start + t.serialisation(bytes);
      xw[tiled] = start + t.transfer(bytes);
    }
    return xw[c];
  };
  for (const auto& [c, second] : pmca_order(n, split, lookahead)) {
    if (!second) {
      pmca = head_end[c] = std::max(pmca, x_at_pmca[c]) + t.pmca(sizes[c], first_part);
      continue;
    }
    Picos ready = std::max(pmca, xw_at_pmca(c));
    if (split) ready = std::max(ready, head_end[c]);
    pmca = tail_end[c] = ready + t.pmca(sizes[c], second_part);
  }
  return tail_end;
}

}  // namespace aimcsim
