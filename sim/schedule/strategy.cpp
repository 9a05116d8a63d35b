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
  return t.tile_chunks(sizes, release);
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

std::vector<Picos> tile_only_analytic(const OpTiming& t, const ReleaseFn& release) {
  const auto sizes = chunk_sizes(t.tokens, t.chunk);
  return tile_chunk_ends(t, sizes, chunk_releases(sizes, release));
}

}  // namespace aimcsim
