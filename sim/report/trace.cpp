#include "sim/report/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace aimcsim {
namespace {

std::string us(Picos ps) { return fmt::format("{}.{:06}", ps / 1000000, ps % 1000000); }
std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

// A lane (one resource of one design) with what it served, in order of first appearance.
struct Lane {
  int tid = 0;
  int pid = 0;
  std::string resource;
  std::vector<std::string> ops;
  std::int64_t tiles = 0;
};

// "hybrid_tile3 (8 tiles): layer.0.attn.c_attn", "hybrid_pmca0: embedding.embed_tokens + 5 more".
std::string lane_label(const Lane& l) {
  std::string label = l.resource;
  if (l.tiles > 0) label += fmt::format(" ({} tile{})", l.tiles, l.tiles == 1 ? "" : "s");
  if (!l.ops.empty()) label += ": " + l.ops.front();
  if (l.ops.size() > 1) label += fmt::format(" + {} more", l.ops.size() - 1);
  return label;
}

// The transfers of one design in flight over time (a Chrome trace counter): +1 at each transfer's
// start, -1 at its end.
void transfer_counter(const std::vector<TraceEvent>& events, bool hybrid, int pid,
                      std::string& out) {
  std::vector<std::pair<Picos, int>> steps;
  for (const TraceEvent& e : events)
    if (e.hybrid == hybrid && (e.category == "xw" || e.category == "input")) {
      steps.emplace_back(e.start, 1);
      steps.emplace_back(e.end, -1);
    }
  std::sort(steps.begin(), steps.end());
  int level = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    level += steps[i].second;
    if (i + 1 < steps.size() && steps[i + 1].first == steps[i].first) continue;
    out += fmt::format(
        ",\n{{\"name\":\"transfers in flight\",\"cat\":\"link\",\"ph\":\"C\",\"pid\":{},"
        "\"ts\":{},\"args\":{{\"transfers\":{}}}}}",
        pid, us(steps[i].first), level);
  }
}

}  // namespace

std::string trace_json(const RunResult& r) {
  // Lanes in order of first appearance, one per resource of each design.
  std::map<std::string, Lane> lanes;
  std::vector<const Lane*> order;
  for (const TraceEvent& e : r.trace) {
    auto [it, added] = lanes.try_emplace(e.lane);
    Lane& l = it->second;
    if (added) {
      l.tid = static_cast<int>(order.size()) + 1;
      l.pid = e.hybrid ? 1 : 2;
      l.resource = e.lane;
      l.tiles = e.lane_tiles;
      order.push_back(&l);
    }
    if (std::find(l.ops.begin(), l.ops.end(), e.op) == l.ops.end()) l.ops.push_back(e.op);
  }
  std::string out =
      "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
      R"({"name":"process_name","ph":"M","pid":1,"args":{"name":"hybrid"}})"
      ",\n"
      R"({"name":"process_name","ph":"M","pid":2,"args":{"name":"analog-only"}})";
  for (const Lane* l : order)
    out += fmt::format(
        ",\n{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":{}}}}"
        "}",
        l->pid, l->tid, quoted(lane_label(*l)));
  for (const TraceEvent& e : r.trace) {
    const Lane& l = lanes.at(e.lane);
    out += fmt::format(
        ",\n{{\"name\":{},\"cat\":{},\"ph\":\"X\",\"pid\":{},\"tid\":{},\"ts\":{},\"dur\":{},"
        "\"args\":{{\"op\":{},\"count\":{},\"bytes\":{},\"energy_nj\":{:.6f}}}}}",
        quoted(e.name), quoted(e.category), l.pid, l.tid, us(e.start), us(e.end - e.start),
        quoted(e.op), e.count, e.bytes, e.energy_pj / 1e3);
  }
  transfer_counter(r.trace, true, 1, out);
  transfer_counter(r.trace, false, 2, out);
  return out + "\n]}\n";
}

}  // namespace aimcsim
