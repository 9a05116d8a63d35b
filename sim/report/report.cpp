#include "sim/report/report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/math.hpp"
#include "sim/base/version.hpp"
#include "sim/report/energy_area.hpp"
#include "sim/report/trace.hpp"

namespace aimcsim {

namespace {

double ns_value(Picos ps) { return ps_to_ns(ps); }
double ratio(Picos a, Picos b) {
  return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b);
}

// Appends `ps` in ns with three decimals and a comma: the digits of the integer picoseconds, the
// same text as "{:.3f}" of ps_to_ns(ps) (exact below 2^53 ps), without formatting a double.
void append_ns(std::string& out, Picos ps) {
  char buf[32];
  char* end = buf;
  if (ps < 0) {
    *end++ = '-';
    ps = -ps;
  }
  end = std::to_chars(end, buf + sizeof buf, ps / 1000).ptr;
  const Picos frac = ps % 1000;
  end[0] = '.';
  end[1] = static_cast<char>('0' + frac / 100);
  end[2] = static_cast<char>('0' + frac / 10 % 10);
  end[3] = static_cast<char>('0' + frac % 10);
  end[4] = ',';
  out.append(buf, end + 5);
}

// Appends `v` with `precision` decimals (the text of fmt's "{:.Nf}": both round the exact binary
// value correctly) and `sep`.
void append_fixed(std::string& out, double v, int precision, char sep = ',') {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, precision);
  out.append(buf, r.ptr);
  out += sep;
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  out += ',';
}

void append_text(std::string& out, const std::string& text) {
  out += text;
  out += ',';
}

}  // namespace

// The timing columns of one operator, per design: ready, start, end and span.
std::string timing_header() {
  std::string out;
  for (const char* d : {"analog_only", "hybrid"})
    for (const char* f : {"ready", "start", "end", "span"}) out += fmt::format("{}_{}_ns,", d, f);
  return out;
}

namespace {

void append_timing_fields(std::string& out, const OpResult& o) {
  for (Picos t : {o.analog_only_ready, o.analog_only_start, o.analog_only_end, o.analog_only,
                  o.hybrid_ready, o.hybrid_start, o.hybrid_end, o.hybrid})
    append_ns(out, t);
}

}  // namespace

std::string layers_csv(const RunResult& r) {
  std::string out =
      "block,op,in_features,out_features,tokens,rank,chunk_tokens," + timing_header() +
      "overhead,hybrid_analytic_span_ns,twin_differs,hybrid_tile_busy_ns,hybrid_transfer_busy_ns,"
      "hybrid_pmca_busy_ns,bottleneck,pmca_chunk_ns,pmca_util,pmca_l1_needed_bytes,pmca_l1_spill,"
      "tiles,row_blocks,col_blocks,input_transfer_ns,analog_only_input_transfer_ns,"
      "analog_only_energy_nj,hybrid_energy_nj,hybrid_aimc_energy_nj,"
      "hybrid_transfer_energy_nj,hybrid_pmca_energy_nj,hybrid_static_energy_nj\n";
  for (const OpResult& o : r.ops) {
    if (o.op.kind != OpKind::Linear) continue;
    append_text(out, o.op.block);
    append_text(out, o.op.name);
    for (std::int64_t v : {o.op.in, o.op.out, o.op.tokens, o.op.rank, o.chunk}) append_int(out, v);
    append_timing_fields(out, o);
    append_fixed(out, o.overhead(), 6);
    append_ns(out, o.hybrid_analytic);
    out += o.twin_differs() ? "true," : "false,";
    for (Picos t : {o.tile_busy, o.link_busy, o.pmca_busy}) append_ns(out, t);
    append_text(out, o.bottleneck);
    append_ns(out, o.chunk_cost.duration);
    append_fixed(out, o.chunk_cost.utilisation, 4);
    append_int(out, o.chunk_cost.l1_bytes);
    out += o.chunk_cost.spilled ? "true," : "false,";
    for (std::int64_t v : {o.tiles, o.row_blocks, o.col_blocks}) append_int(out, v);
    append_ns(out, o.input_transfer);
    append_ns(out, o.analog_only_input_transfer);
    append_fixed(out, o.analog_only_energy.total() / 1e3, 6);
    append_fixed(out, o.hybrid_energy.total() / 1e3, 6);
    append_fixed(out, o.hybrid_energy.total_with_prefix("aimc.") / 1e3, 6);
    append_fixed(out, o.hybrid_energy.total_with_prefix("link") / 1e3, 6);
    append_fixed(out, o.hybrid_energy.total_with_prefix("pmca.") / 1e3, 6);
    append_fixed(out, o.hybrid_energy.total_with_prefix("static") / 1e3, 6, '\n');
  }
  return out;
}

std::string ops_csv(const RunResult& r) {
  std::string out = "block,op,kind,variant,tokens,pmca_slot," + timing_header() +
                    "overhead,hybrid_analytic_span_ns,hybrid_tile_busy_ns,hybrid_transfer_busy_ns,"
                    "hybrid_pmca_busy_ns,analog_only_energy_nj,hybrid_energy_nj\n";
  for (const OpResult& o : r.ops) {
    append_text(out, o.op.block);
    append_text(out, o.op.name);
    append_text(out, op_kind_name(o.op.kind));
    append_text(out, o.op.variant);
    append_int(out, o.op.tokens);
    append_int(out, static_cast<std::int64_t>(o.slot));
    append_timing_fields(out, o);
    append_fixed(out, o.overhead(), 6);
    for (Picos t : {o.hybrid_analytic, o.tile_busy, o.link_busy, o.pmca_busy}) append_ns(out, t);
    append_fixed(out, o.analog_only_energy.total() / 1e3, 6);
    append_fixed(out, o.hybrid_energy.total() / 1e3, 6, '\n');
  }
  return out;
}

std::string experts_csv(const Workload& w) {
  std::string out = "block,expert,prompt_tokens,decode_tokens\n";
  for (const auto& l : w.expert_load)
    out += fmt::format("{},{},{},{}\n", l.block, l.expert, l.prompt_tokens, l.decode_tokens);
  return out;
}

namespace {

// Each expert's tokens over every MoE layer, and how unevenly they spread.
void report_moe(const Workload& w, StatGroup& g) {
  g.add("experts", w.experts, "", "experts per MoE layer (all mapped to tiles)");
  g.add("experts_per_token", w.experts_per_token, "", "experts each token activates");
  g.add("routing", w.routing, "", "moe.routing");
  std::int64_t weights = 0;
  for (const Operator* op : w.weights())
    if (op->expert >= 0) weights += op->in * op->out;
  g.add("expert_weights", weights, "", "analog weights of every expert of every layer");
  std::vector<std::int64_t> prompt(static_cast<std::size_t>(w.experts), 0), decode = prompt;
  std::int64_t max_layer = 0, total = 0, entries = 0;
  for (const auto& l : w.expert_load) {
    prompt[static_cast<std::size_t>(l.expert)] += l.prompt_tokens;
    decode[static_cast<std::size_t>(l.expert)] += l.decode_tokens;
    max_layer = std::max(max_layer, l.prompt_tokens + l.decode_tokens);
    total += l.prompt_tokens + l.decode_tokens;
    ++entries;
  }
  g.add("load_max_over_mean",
        total > 0 ? static_cast<double>(max_layer) * static_cast<double>(entries) /
                        static_cast<double>(total)
                  : 0.0,
        "", "the busiest expert of any layer against the mean expert (1: even)");
  StatGroup& list = g.list("expert_load", "tokens each expert ran, summed over the MoE layers");
  for (std::size_t e = 0; e < prompt.size(); ++e) {
    StatGroup& item = list.item();
    item.add("expert", static_cast<std::int64_t>(e), "", "expert index");
    item.add("prompt_tokens", prompt[e], "", "prompt tokens routed to it");
    item.add("decode_tokens", decode[e], "", "decode tokens routed to it");
  }
}

// The chunk sizes the prompt's linears with an adapter ran with: the most common (ties to the
// smaller), the smallest and the largest; all 0 when no linear has an adapter.
struct ChosenChunks {
  std::int64_t mode = 0, min = 0, max = 0;
};

ChosenChunks chosen_chunks(const RunResult& r) {
  std::map<std::int64_t, std::int64_t> count;
  for (const OpResult& o : r.ops)
    if (o.op.kind == OpKind::Linear && !o.op.decode && o.op.rank > 0) ++count[o.chunk];
  ChosenChunks c;
  if (count.empty()) return c;
  c.min = count.begin()->first;
  c.max = count.rbegin()->first;
  std::int64_t most = 0;
  for (const auto& [chunk, n] : count)
    if (n > most) {
      most = n;
      c.mode = chunk;
    }
  return c;
}

}  // namespace

std::vector<std::string> capacity_violations(const RunResult& r) {
  std::vector<std::string> out;
  const MappingReport& m = r.mapping;
  // A decoder's K and V of every position stay beside its attention (prompt and decode alike),
  // or in the DRAM when they do not fit there (memory.kv_cache auto).
  if (m.kv_cache_dram_layers > 0 && m.kv_cache_bytes > m.dram_capacity_bytes)
    out.push_back(fmt::format(
        "kv_cache: every layer's K and V ({} B at {} tokens; {} layers in DRAM, as their PMCAs' "
        "L2 holds {} B) exceed memory.dram.size ({} B); raise memory.dram.size",
        m.kv_cache_bytes, r.workload.seq_len + r.workload.decode_tokens, m.kv_cache_dram_layers,
        m.kv_cache_capacity_bytes, m.dram_capacity_bytes));
  if (m.kv_cache_dram_layers == 0 && m.kv_cache_layer_bytes > 0 &&
      m.kv_cache_layer_bytes > m.kv_cache_capacity_bytes)
    out.push_back(fmt::format(
        "kv_cache: a layer's K and V ({} B at {} tokens) exceed the L2 of the PMCAs running its "
        "attention ({} B); raise pmca.l2_size or platform.tiles_per_pmca, or set "
        "memory.kv_cache=auto to keep it in DRAM",
        m.kv_cache_layer_bytes, r.workload.seq_len + r.workload.decode_tokens,
        m.kv_cache_capacity_bytes));
  return out;
}

void require_capacity(const RunResult& r) {
  std::string all;
  for (const std::string& v : capacity_violations(r)) all += (all.empty() ? "" : "; ") + v;
  if (!all.empty())
    throw InputError(fmt::format("{} is over capacity (strict: output.strict or --strict): {}",
                                 r.workload.model, all));
}

void report_run(const RunResult& r, const Config& cfg, StatGroup& j) {
  const std::optional<std::int64_t> chunk = cfg.integer_or_auto("pipeline.chunk_tokens");
  const std::vector<std::string> violations = capacity_violations(r);
  j.add("aimcsim_version", std::string(kVersion), "", "the simulator's version");
  j.add("status", std::string(violations.empty() ? "ok" : "over_capacity"), "",
        "ok, or over_capacity when the run needs more memory than the platform has (the figures "
        "assume it fits; see capacity_violations)");
  j.add("capacity_violations", violations, "", "what does not fit, and how to make it fit");
  j.add("model", r.workload.model, "", "workload.model");
  j.add("family", r.workload.family, "", "the model's family");
  j.add("seq_len", r.workload.seq_len, "", "prompt tokens");
  j.add("decode_tokens", r.workload.decode_tokens, "", "tokens generated after the prompt");
  j.add("strategy", r.strategy, "", "pipeline.strategy");
  if (chunk)
    j.add("chunk_tokens", *chunk, "", "pipeline.chunk_tokens");
  else
    j.add("chunk_tokens", std::string("auto"), "", "pipeline.chunk_tokens");
  const ChosenChunks chosen = chosen_chunks(r);
  StatGroup& c = j.group("chunk", "the chunk sizes the prompt's adapted linears ran with");
  c.add("chosen_tokens", chosen.mode, "", "the most common (0: no linear has an adapter)");
  c.add("min_tokens", chosen.min, "", "the smallest");
  c.add("max_tokens", chosen.max, "", "the largest");
  j.add("notes", r.notes, "", "what the user should know about how the run applied");
  j.add("analog_only_ns", ns_value(r.analog_only), "ns", "end-to-end latency, analog-only");
  j.add("hybrid_ns", ns_value(r.hybrid), "ns", "end-to-end latency, hybrid");
  j.add("overhead", ratio(r.hybrid, r.analog_only), "", "hybrid / analog-only, end to end");
  // The static linears alone: what the adapters cost, apart from attention and the other
  // digital operators that both designs run on the PMCAs.
  StatGroup& lora =
      j.group("linears_summed",
              "the static linears' spans summed, without attention and the other digital operators "
              "(their ratio is the adapters' overhead on the linears); spans that overlap in a "
              "pipeline count once per linear");
  lora.add("analog_only_ns", ns_value(r.linear_analog_only), "ns", "linears, analog-only");
  lora.add("hybrid_ns", ns_value(r.linear_hybrid), "ns", "linears, hybrid");
  lora.add("overhead", ratio(r.linear_hybrid, r.linear_analog_only), "", "hybrid / analog-only");
  if (r.workload.decode_tokens > 0) {
    StatGroup& d = j.group("decode", "the decode phase of a decoder");
    const double steps = static_cast<double>(r.workload.decode_tokens);
    d.add("prefill_analog_only_ns", ns_value(r.prefill_analog_only), "ns", "end of the prompt");
    d.add("prefill_hybrid_ns", ns_value(r.prefill_hybrid), "ns", "end of the prompt");
    d.add("per_token_analog_only_ns", ns_value(r.analog_only - r.prefill_analog_only) / steps, "ns",
          "per generated token");
    d.add("per_token_hybrid_ns", ns_value(r.hybrid - r.prefill_hybrid) / steps, "ns",
          "per generated token");
    d.add("kv_cache_bytes", r.mapping.kv_cache_bytes, "B", "K and V of every layer at the end");
    d.add("kv_cache_layer_bytes", r.mapping.kv_cache_layer_bytes, "B", "the largest layer's");
    d.add("kv_cache_capacity_bytes", r.mapping.kv_cache_capacity_bytes, "B",
          "L2 of the PMCAs running a layer's attention (the smallest)");
    d.add("kv_cache_fits", r.mapping.kv_cache_layer_bytes <= r.mapping.kv_cache_capacity_bytes, "",
          "whether every layer's KV cache fits there");
    d.add("kv_cache_dram_layers", r.mapping.kv_cache_dram_layers, "",
          "layers whose KV cache does not fit there and is read from DRAM (memory.kv_cache)");
  }
  // A decode operator's row counts once per step.
  std::map<std::string, std::int64_t> bottlenecks;
  std::int64_t differs = 0;
  for (const auto& o : r.ops) {
    if (o.op.kind == OpKind::Linear) bottlenecks[o.bottleneck] += o.steps;
    differs += o.twin_differs() ? o.steps : 0;
  }
  StatGroup& b = j.group("bottleneck_counts", "linears by their busiest resource");
  for (const auto& [name, n] : bottlenecks) b.add(name, n, "", "linears bound by it");
  j.group("analytic_twin", "the strategies' closed-form twins against the simulation")
      .add("ops_differing_over_5pct", differs, "", "operators where they differ by over 5 %");
  StatGroup& e = j.group("energy", "energy by design and component");
  r.analog_only_energy.report(e.group("analog_only"));
  r.hybrid_energy.report(e.group("hybrid"));
  e.add("overhead",
        r.analog_only_energy.total() > 0 ? r.hybrid_energy.total() / r.analog_only_energy.total()
                                         : 0.0,
        "", "hybrid / analog-only energy");
  const double tokens = static_cast<double>(r.workload.seq_len + r.workload.decode_tokens);
  auto per_s = [&](Picos t) { return t > 0 ? tokens / (ps_to_ns(t) * 1e-9) : 0.0; };
  auto per_j = [&](const EnergyBreakdown& en) {
    return en.total() > 0 ? tokens / (en.total() * 1e-12) : 0.0;
  };
  StatGroup& t = j.group("throughput", "tokens processed per second and per joule");
  t.add("analog_only_tokens_per_s", per_s(r.analog_only), "1/s", "analog-only");
  t.add("hybrid_tokens_per_s", per_s(r.hybrid), "1/s", "hybrid");
  t.add("analog_only_tokens_per_j", per_j(r.analog_only_energy), "1/J", "analog-only");
  t.add("hybrid_tokens_per_j", per_j(r.hybrid_energy), "1/J", "hybrid");
  StatGroup& pf = j.group("platform", "the size of the platform");
  pf.add("tiles", r.tiles, "", "physical tiles");
  pf.add("pmcas", r.pmcas, "", "PMCAs of the hybrid design");
  pf.add("links", r.links, "",
         "p2p: the tile-PMCA links built; bus and mesh: the links that carried traffic");
  pf.add("analog_only_pmcas", r.analog_only_pmcas, "", "PMCAs the analog-only design keeps");
  StatGroup& w = j.group("workload", "the size of the workload");
  w.add("ops", r.workload.unrolled_ops(), "", "operators of the graph, every decode step's");
  w.add("linear_ops", r.workload.linear_count(), "", "static linears");
  w.add("analog_weights", r.workload.analog_weights(), "", "weights on the tiles");
  w.add("lora_params", r.workload.lora_params(), "", "LoRA parameters");
  if (r.workload.experts > 0)
    report_moe(r.workload, j.group("moe", "the Mixture-of-Experts layers"));
  r.pmca.report(j.group("pmca", "the hybrid design's PMCAs, summed"));
  StatGroup& blocks = j.list("blocks", "per transformer block");
  for (const BlockResult& block : r.blocks) block.report(blocks.item());
  std::int64_t max_tiles = 0;
  for (const auto& o : r.ops) max_tiles = std::max(max_tiles, o.tiles);
  pf.add("max_tiles_per_layer", max_tiles, "", "tiles of the largest layer");
  pf.add("topology", r.topology, "", "interconnect.topology");
  r.tile_stats.report(j.group("tile_stats", "the hybrid design's tiles"));
  StatGroup& ic = j.group("interconnect", "the hybrid design's interconnect");
  ic.add("topology", r.topology, "", "interconnect.topology");
  ic.add("links_used", r.links, "", "links that carried traffic");
  StatGroup& links = ic.list("busiest_links", "the five busiest links");
  for (const LinkReport& l : r.busiest_links) l.report(links.item());
  r.mapping.report(j.group("mapping", "how the workload was laid out on the platform"));
  r.programming.report(
      j.group("programming", "programming the analog weights against loading adapters"));
  report_energy_area(r, j);
}

namespace {

nlohmann::ordered_json json_of(const StatGroup& g) {
  nlohmann::ordered_json j =
      g.is_list() ? nlohmann::ordered_json::array() : nlohmann::ordered_json::object();
  for (const StatGroup::Entry& e : g.entries()) {
    if (e.group) {
      if (g.is_list())
        j.push_back(json_of(*e.group));
      else
        j[e.group->name()] = json_of(*e.group);
      continue;
    }
    std::visit(
        [&](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, double>)
            j[e.stat->name] = printed_figure(v);
          else
            j[e.stat->name] = v;
        },
        e.stat->value);
  }
  return j;
}

std::string text_of(const StatGroup::Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>)
          return v;
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::string out;
          for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
          return out;
        } else if constexpr (std::is_same_v<T, double>)
          return nlohmann::json(printed_figure(v)).dump();
        else
          return std::to_string(v);  // an integer, as JSON prints it
      },
      value);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void csv_rows(const StatGroup& g, const std::string& prefix, std::string& out) {
  for (const StatGroup::Entry& e : g.entries()) {
    if (e.group) {
      csv_rows(*e.group, prefix + e.group->name() + ".", out);
      continue;
    }
    out += csv_field(prefix + e.stat->name);
    out += ',';
    out += csv_field(text_of(e.stat->value));
    out += ',';
    out += e.stat->unit;
    out += ',';
    out += csv_field(e.stat->description);
    out += '\n';
  }
}

// summary.json and stats.csv of a run's statistics (report_run).
std::string summary_json_of(const StatGroup& root) { return json_of(root).dump(2) + "\n"; }

std::string stats_csv_of(const StatGroup& root) {
  std::string out = "stat,value,unit,description\n";
  csv_rows(root, "", out);
  return out;
}

}  // namespace

std::string summary_json(const RunResult& r, const Config& cfg) {
  StatGroup root;
  report_run(r, cfg, root);
  return summary_json_of(root);
}

std::string stats_csv(const RunResult& r, const Config& cfg) {
  StatGroup root;
  report_run(r, cfg, root);
  return stats_csv_of(root);
}

void print_table(std::ostream& os, const RunResult& r) {
  os << fmt::format(
      "aimcsim {}: {} (seq_len {}{}), strategy {}, {} operators ({} linear) on {} tiles + {} "
      "PMCAs\n",
      kVersion, r.workload.model, r.workload.seq_len,
      r.workload.decode_tokens ? fmt::format(", {} decode tokens", r.workload.decode_tokens) : "",
      r.strategy, r.workload.unrolled_ops(), r.workload.linear_count(), r.tiles, r.pmcas);
  os << fmt::format("PMCA: {} at {:g} MHz\n", r.pmca_engine, r.pmca_freq_hz / 1e6);
  os << energy_area_header(r);
  // Spans (README, "Reading the outputs"): a block's from its first operator ready to its last
  // operator's end, with its share of the end-to-end latency; the total row is end to end.
  os << fmt::format("{:<18} {:>5} {:>15} {:>6} {:>14} {:>6} {:>9} {:>15} {:>13}\n", "block", "ops",
                    "analog-only us", "share", "hybrid us", "share", "overhead", "analog-only uJ",
                    "hybrid uJ");
  auto row = [&](const std::string& name, std::size_t ops, Picos a, Picos h, double ea, double eh) {
    os << fmt::format(
        "{:<18} {:>5} {:>15.3f} {:>5.1f}% {:>14.3f} {:>5.1f}% {:>8.3f}x {:>15.3f} "
        "{:>13.3f}\n",
        name, ops, ps_to_ns(a) / 1e3, 100.0 * ratio(a, r.analog_only), ps_to_ns(h) / 1e3,
        100.0 * ratio(h, r.hybrid), ratio(h, a), ea / 1e6, eh / 1e6);
  };
  // Decode steps repeat every block; the table folds them into one row per block.
  std::size_t shown = 0;
  for (const BlockResult& b : r.blocks) {
    if (++shown > 40 && &b != &r.blocks.back()) {
      if (shown == 41) os << fmt::format("{:<18} (more blocks in summary.json)\n", "...");
      continue;
    }
    row(b.name, b.ops, b.analog_only, b.hybrid, b.analog_only_energy.total(),
        b.hybrid_energy.total());
  }
  row("end to end", r.workload.unrolled_ops(), r.analog_only, r.hybrid,
      r.analog_only_energy.total(), r.hybrid_energy.total());
  std::size_t linear_ops = 0;
  for (const OpResult& o : r.ops)
    if (o.op.kind == OpKind::Linear) linear_ops += static_cast<std::size_t>(o.steps);
  os << fmt::format(
      "{:<18} {:>5} {:>15.3f} {:>6} {:>14.3f} {:>6} {:>8.3f}x   (the linears' spans summed, "
      "without attention and the other digital operators; pipelined spans overlap)\n",
      "linears summed", linear_ops, ps_to_ns(r.linear_analog_only) / 1e3, "",
      ps_to_ns(r.linear_hybrid) / 1e3, "", ratio(r.linear_hybrid, r.linear_analog_only));
  for (const std::string& v : capacity_violations(r))
    os << "OVER CAPACITY (the figures assume it fits): " << v << "\n";
}

std::vector<std::string> write_outputs(const RunResult& r, const Config& cfg,
                                       const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("layers.csv", layers_csv(r));
  files.emplace_back("ops.csv", ops_csv(r));
  if (r.workload.experts > 0) files.emplace_back("experts.csv", experts_csv(r.workload));
  if (!r.trace.empty()) files.emplace_back("trace.json", trace_json(r));
  StatGroup stats;  // both files print the same statistics: gather them once
  report_run(r, cfg, stats);
  files.emplace_back("summary.json", summary_json_of(stats));
  files.emplace_back("stats.csv", stats_csv_of(stats));
  files.emplace_back(
      "config.yaml",
      fmt::format(
          "# Effective aimcsim {} config; `aimcsim run config.yaml` reproduces this run.\n{}",
          kVersion, cfg.to_yaml()));
  return write_output_set(dir, files,
                          {"layers.csv", "ops.csv", "experts.csv", "trace.json", "summary.json",
                           "stats.csv", "config.yaml"});
}

FolderRun run_to_folder(const Config& cfg, const std::string& dir, bool strict) {
  FolderRun out{simulate(cfg), {}};
  if (strict || OutputParams::from(cfg).strict) require_capacity(out.result);
  out.files = write_outputs(out.result, cfg, dir);
  for (const std::string& note : out.result.notes) std::cerr << "aimcsim: " << note << "\n";
  for (const std::string& v : capacity_violations(out.result))
    std::cerr << "aimcsim: over capacity: " << v << "\n";
  return out;
}

}  // namespace aimcsim
