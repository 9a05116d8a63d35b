#include <algorithm>

#include "sim/schedule/strategy.hpp"

namespace aimcsim {
namespace {

// The tile runs the whole layer and its output moves to the PMCA in one transfer; the PMCA adds
// it chunk by chunk only then (no overlap of the add with the tile: the reference point for the
// pipelined strategies). With pipeline.adapter_start input the adapter work of every chunk runs
// while the tile works; with xw-first it too waits for the transfer. The whole layer's X W is in
// the PMCA at once, so pipeline.xw_buffer_chunks does not apply.
class Sequential final : public Strategy {
 public:
  Progress schedule(JobGraph& g, const OpResources& r, const ChunkInputs& in) const override {
    Job& mvm = add_tile_chunk(g, r.tile, r.op, r.tile_block, 0, r.tokens, in.tile);
    Job& move = add_xw_transfer(g, r, mvm, r.tokens);
    const auto sizes = chunk_sizes(r.tokens, r.chunk);
    std::vector<Job*> adapter;
    if (options_.adapter_start == AdapterStart::Input) {
      std::int64_t first = 0;
      for (std::int64_t n : sizes) {
        adapter.push_back(&g.add(r.pmca, r.op, n));
        adapter.back()->role = JobRole::LoraAdapter;
        depend_all(g, in.pmca(first, first + n), *adapter.back());
        first += n;
      }
    }
    Progress out;
    std::int64_t first = 0;
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      Job& lora =
          add_lora_chunk(g, r, move, sizes[c], adapter.empty() ? JobRole::Lora : JobRole::LoraAdd);
      if (!adapter.empty()) g.depend(*adapter[c], lora);
      first += sizes[c];
      out.push_back({first, &lora});
    }
    return out;
  }

  std::vector<Picos> analytic(const OpTiming& t, const ReleaseFn& release) const override {
    const Picos tile_end = tile_chunk_ends(t, {t.tokens}, {release(0, t.tokens)}).back();
    const Picos xw = tile_end + t.transfer(t.tokens * t.out_bytes_per_token);
    const auto sizes = chunk_sizes(t.tokens, t.chunk);
    std::vector<Picos> adapter_end;
    Picos pmca = 0;
    if (options_.adapter_start == AdapterStart::Input) {
      const auto x = x_arrivals(t, sizes, chunk_releases(sizes, release));
      for (std::size_t c = 0; c < sizes.size(); ++c)
        adapter_end.push_back(pmca = std::max(pmca, x[c]) + t.pmca(sizes[c], JobRole::LoraAdapter));
    }
    std::vector<Picos> out;
    pmca = std::max(pmca, xw);
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      pmca += adapter_end.empty() ? t.pmca(sizes[c], JobRole::Lora)
                                  : t.pmca(sizes[c], JobRole::LoraAdd);
      out.push_back(pmca);
    }
    return out;
  }
};

}  // namespace

AIMCSIM_REGISTER_STRATEGY("sequential",
                          "the PMCA adds the tile's output after the tile has finished the layer",
                          Sequential);

}  // namespace aimcsim
