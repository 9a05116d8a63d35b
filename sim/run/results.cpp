// The statistics each part of a run's result registers into the summary tree.
#include "sim/run/run.hpp"

namespace aimcsim {

void BlockResult::report(StatGroup& g) const {
  g.add("block", name, "", "transformer block");
  g.add("ops", ops, "", "operators in the block");
  g.add("linear_ops", linear_ops, "", "static linears in the block");
  g.add("analog_only_span_ns", ps_to_ns(analog_only), "ns",
        "analog-only: first operator ready to last operator's end (decode steps summed)");
  g.add("hybrid_span_ns", ps_to_ns(hybrid), "ns",
        "hybrid: first operator ready to last operator's end (decode steps summed)");
  g.add("analog_only_share", analog_only_share, "",
        "the analog-only span over the analog-only end-to-end latency");
  g.add("hybrid_share", hybrid_share, "", "the hybrid span over the hybrid end-to-end latency");
  g.add("overhead",
        analog_only > 0 ? static_cast<double>(hybrid) / static_cast<double>(analog_only) : 0.0, "",
        "hybrid / analog-only");
  g.add("analog_only_energy_nj", analog_only_energy.total() / 1e3, "nJ",
        "analog-only energy of the block");
  g.add("hybrid_energy_nj", hybrid_energy.total() / 1e3, "nJ", "hybrid energy of the block");
}

void LinkReport::report(StatGroup& g) const {
  g.add("link", name, "", "link name");
  g.add("bytes", bytes, "B", "bytes carried");
  g.add("busy_ns", ps_to_ns(busy), "ns", "time the link was occupied");
  g.add("utilisation", utilisation, "", "busy time over the hybrid run");
  g.add("energy_nj", energy_pj / 1e3, "nJ", "link energy");
}

void TileReport::report(StatGroup& g) const {
  g.add("tiles", tiles, "", "physical tiles of the hybrid design");
  g.add("mvms", mvms, "", "MVMs summed over the physical tiles");
  g.add("utilisation_mean", utilisation_mean, "", "busy time over the run, mean over tiles");
  g.add("utilisation_max", utilisation_max, "", "busy time over the run, busiest tile");
  energy.report(g.group("energy", "dynamic tile energy by component"));
}

void ProgrammingReport::report(StatGroup& g) const {
  const double link = static_cast<double>(lora_over_link);
  g.add("one_tile_ns", ps_to_ns(one_tile), "ns", "programming one full tile by program-and-verify");
  g.add("all_tiles_sequential_ns", ps_to_ns(all_tiles_sequential), "ns",
        "programming every used cell, one tile at a time");
  g.add("all_tiles_parallel_ns", ps_to_ns(all_tiles_parallel), "ns",
        "programming every tile at once (the slowest tile)");
  g.add("all_tiles_energy_nj", energy_pj / 1e3, "nJ", "energy of programming every used cell");
  g.add("lora_bytes", lora_bytes, "B", "A and B of every adapter");
  g.add("lora_load_link_ns", ps_to_ns(lora_over_link), "ns",
        "loading every adapter through one link");
  g.add("lora_load_dma_parallel_ns", ps_to_ns(lora_by_dma), "ns",
        "loading the adapters by every PMCA's DMA at once (the largest adapter)");
  g.add("lora_load_energy_nj", lora_energy_pj / 1e3, "nJ", "energy of loading the adapters");
  g.add("reprogram_over_lora_load", link > 0 ? static_cast<double>(all_tiles_parallel) / link : 0.0,
        "", "reprogramming the tiles over loading one set of adapters");
}

void MappingReport::report(StatGroup& g) const {
  if (tile_budget > 0)
    g.add("tile_budget", tile_budget, "", "platform.tiles");
  else
    g.add("tile_budget", std::string("auto"), "", "platform.tiles");
  g.add("tiles_used", tiles_needed, "", "tiles the mapping needs");
  g.add("array_utilisation", array_utilisation, "", "mapped weights over the cells of those tiles");
  g.add("pmcas_used", pmcas_used, "", "PMCAs of the hybrid design");
  g.add("pmca_l1_needed_max_bytes", l1_peak_bytes, "B",
        "the largest LoRA chunk footprint on a PMCA");
  g.add("pmca_l1_spilled_linears", spilled_layers, "", "layers whose chunk does not fit L1");
}

void SizingReport::report(StatGroup& g) const {
  g.add("budget_mm2", budget_mm2, "mm2", "platform.area_budget (0: none)");
  if (candidates.empty()) return;
  const Candidate& c = candidates.at(chosen);
  g.add("tiles_per_pmca", c.tiles_per_pmca, "", "the split chosen (0: auto, one PMCA per layer)");
  g.add("area_mm2", c.area_mm2, "mm2", "the chosen hybrid platform's area");
  StatGroup& list = g.list("candidates", "every split tried");
  for (const Candidate& k : candidates) {
    StatGroup& item = list.item();
    item.add("tiles_per_pmca", k.tiles_per_pmca, "", "0: auto");
    item.add("tiles", k.tiles, "", "physical tiles");
    item.add("pmcas", k.pmcas, "", "PMCAs");
    item.add("area_mm2", k.area_mm2, "mm2", "hybrid platform");
    item.add("hybrid_ns", ps_to_ns(k.hybrid), "ns", "end-to-end latency, hybrid");
    item.add("fits", k.fits, "", "area within the budget");
  }
}

}  // namespace aimcsim
