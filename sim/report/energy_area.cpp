#include "sim/report/energy_area.hpp"

#include <fmt/format.h>

namespace aimcsim {

namespace {

// A design's energy as dynamic (every model's per-job energy) and static (leakage of the units
// over the run, gated stretches taken out, plus the wake-ups that gating costs).
struct EnergySplit {
  double leakage = 0, wake = 0, dynamic = 0;  // pJ
  double static_total() const { return leakage + wake; }
  double total() const { return static_total() + dynamic; }
  const char* dominant() const { return static_total() > dynamic ? "static" : "dynamic"; }
};

EnergySplit split_of(const EnergyBreakdown& e) {
  EnergySplit s;
  s.leakage = e.get("static");
  s.wake = e.get("wake");
  s.dynamic = e.total() - s.leakage - s.wake;
  return s;
}

double over(double a, double b) { return b > 0 ? a / b : 0.0; }

void report_split(const EnergySplit& s, const GatingFigures& g, StatGroup& d) {
  d.add("dynamic_nj", s.dynamic / 1e3, "nJ", "energy of the jobs: MVMs, transfers, kernels");
  d.add("static_nj", s.static_total() / 1e3, "nJ", "leakage plus gating wake-ups");
  d.add("leakage_nj", s.leakage / 1e3, "nJ", "leakage of every unit over the run, gated time out");
  d.add("wake_nj", s.wake / 1e3, "nJ", "wake-ups of gated units (power.*_e_wake)");
  d.add("static_share", over(s.static_total(), s.total()), "", "static / total energy");
  d.add("dominant", std::string(s.dominant()), "", "the larger of dynamic and static energy");
  d.add("leakage_ungated_nj", g.ungated_pj / 1e3, "nJ", "the leakage without gating");
  d.add("gated_fraction", g.gated_fraction, "", "leakage that gating saved / ungated leakage");
  d.add("wakes", g.wakes, "", "wake-ups of gated tiles, PMCAs and links");
}

// 2 ops per MAC of the linears' x W and the attention matmuls: the model's work, the same for
// both designs (the adapters' MACs are the hybrid design's overhead, not more work done).
double model_ops(const Workload& w) { return 2.0 * w.macs(); }

void report_area(const PlatformArea& a, StatGroup& d) {
  d.add("tiles_mm2", a.tiles, "mm2", "every physical tile");
  d.add("pmcas_mm2", a.pmcas, "mm2", "every PMCA");
  d.add("links_mm2", a.links, "mm2", "p2p links, or the bus, or a router per mesh node");
  d.add("total_mm2", a.total(), "mm2", "tiles + PMCAs + links");
}

void report_efficiency(double ops, double tokens, Picos latency, double energy_pj, double area_mm2,
                       StatGroup& d) {
  const double s = ps_to_ns(latency) * 1e-9;
  d.add("tops", s > 0 ? ops / s / 1e12 : 0.0, "TOPS", "the model's ops over the latency");
  d.add("tops_per_mm2", s > 0 ? over(ops / s / 1e12, area_mm2) : 0.0, "TOPS/mm2",
        "the model's ops over the latency and the area");
  d.add("tokens_per_s_per_mm2", s > 0 ? over(tokens / s, area_mm2) : 0.0, "1/(s mm2)",
        "tokens over the latency and the area");
  d.add("energy_per_token_nj", over(energy_pj, tokens) / 1e3, "nJ", "total energy per token");
  d.add("tops_per_w", over(ops, energy_pj * 1e-12) / 1e12, "TOPS/W",
        "the model's ops over the total energy");
}

}  // namespace

void report_energy_area(const RunResult& r, StatGroup& root) {
  const EnergySplit a = split_of(r.analog_only_energy), h = split_of(r.hybrid_energy);
  StatGroup& e = root.group("energy", "energy by design and component");
  StatGroup& split = e.group("split", "dynamic against static energy per design");
  report_split(a, r.analog_only_gating, split.group("analog_only"));
  report_split(h, r.hybrid_gating, split.group("hybrid"));
  split.add("dynamic_overhead", over(h.dynamic, a.dynamic), "", "hybrid / analog-only, dynamic");
  split.add("static_overhead", over(h.static_total(), a.static_total()), "",
            "hybrid / analog-only, static");
  split.add("gating", r.gating, "", "power.gating");
  split.add("assumed", std::string("tile.p_static, pmca.p_static, interconnect.p_static, power.*"),
            "",
            "the leakage and gating values no source fixes (models/README.md#energy-and-leakage)");

  StatGroup& ar = root.group("area", "area by unit and design (models/README.md#area)");
  StatGroup& tile = ar.group("tile", "one tile");
  tile.add("array_mm2", r.hybrid_area.tile.array, "mm2", "crossbar cells");
  tile.add("adc_mm2", r.hybrid_area.tile.adc, "mm2", "ADCs");
  tile.add("periphery_mm2", r.hybrid_area.tile.periphery, "mm2",
           "input drivers and post-processing");
  tile.add("total_mm2", r.hybrid_area.tile.total(), "mm2", "one tile");
  StatGroup& pmca = ar.group("pmca", "one PMCA");
  pmca.add("cores_mm2", r.hybrid_area.pmca.cores, "mm2", "compute cores and the DMA core");
  pmca.add("l1_mm2", r.hybrid_area.pmca.l1, "mm2", "L1 (TCDM)");
  pmca.add("dma_mm2", r.hybrid_area.pmca.dma, "mm2", "DMA, instruction cache, interconnect");
  pmca.add("engine_mm2", r.hybrid_area.pmca.engine, "mm2", "the GEMM engine (RedMulE)");
  pmca.add("total_mm2", r.hybrid_area.pmca.total(), "mm2", "one PMCA");
  ar.add("link_mm2", r.hybrid_area.link, "mm2", "one p2p link, mesh router or the bus");
  report_area(r.analog_only_area, ar.group("analog_only", "the analog-only design"));
  report_area(r.hybrid_area, ar.group("hybrid", "the hybrid design"));
  ar.add("overhead", over(r.hybrid_area.total(), r.analog_only_area.total()), "",
         "hybrid / analog-only area");
  r.sizing.report(ar.group("sizing", "the platform sized to platform.area_budget"));

  const double ops = model_ops(r.workload);
  const double tokens = static_cast<double>(r.workload.seq_len + r.workload.decode_tokens);
  StatGroup& ef = root.group("efficiency", "throughput and energy per area and per token");
  report_efficiency(ops, tokens, r.analog_only, r.analog_only_energy.total(),
                    r.analog_only_area.total(), ef.group("analog_only", "the analog-only design"));
  report_efficiency(ops, tokens, r.hybrid, r.hybrid_energy.total(), r.hybrid_area.total(),
                    ef.group("hybrid", "the hybrid design"));
}

std::string energy_area_header(const RunResult& r) {
  const EnergySplit a = split_of(r.analog_only_energy), h = split_of(r.hybrid_energy);
  const PlatformArea& ha = r.hybrid_area;
  std::string out = fmt::format(
      "area: {:.3f} mm2 hybrid ({} tiles x {:.4f} + {} PMCAs x {:.4f} + links {:.3f}), {:.3f} mm2 "
      "analog-only",
      ha.total(), r.tiles, ha.tile.total(), r.pmcas, ha.pmca.total(), ha.links,
      r.analog_only_area.total());
  if (r.sizing.budget_mm2 > 0) {
    const SizingReport::Candidate& c = r.sizing.candidates.at(r.sizing.chosen);
    std::string split = c.tiles_per_pmca > 0 ? std::to_string(c.tiles_per_pmca) : "auto";
    out += fmt::format("; budget {:g} mm2: the fastest of {} splits that fit, tiles_per_pmca {}",
                       r.sizing.budget_mm2, r.sizing.candidates.size(), split);
  }
  out += "\n";
  auto line = [](const char* name, const EnergySplit& s) {
    return fmt::format("{} {:.3f} uJ dynamic + {:.3f} uJ static ({} dominates, {:.1f} % static)",
                       name, s.dynamic / 1e6, s.static_total() / 1e6, s.dominant(),
                       100.0 * over(s.static_total(), s.total()));
  };
  out += fmt::format("energy: {}; {}; gating {}\n", line("hybrid", h), line("analog-only", a),
                     r.gating ? "on" : "off");
  return out;
}

}  // namespace aimcsim
