#include "sim/report/trace.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

namespace aimcsim {
namespace {
std::string us(Picos ps) { return fmt::format("{}.{:06}", ps / 1000000, ps % 1000000); }
}  // namespace

std::string trace_json(const RunResult& r) {
  std::map<std::string, int> lanes;  // resource name -> tid, in order of first appearance
  std::string events;
  auto append = [&](const std::string& e) {
    if (!events.empty()) events += ",\n";
    events += e;
  };
  append(R"({"name":"process_name","ph":"M","pid":1,"args":{"name":"hybrid"}})");
  append(R"({"name":"process_name","ph":"M","pid":2,"args":{"name":"analog-only"}})");
  for (const TraceEvent& e : r.trace) {
    auto it = lanes.find(e.lane);
    if (it == lanes.end()) {
      it = lanes.emplace(e.lane, static_cast<int>(lanes.size()) + 1).first;
      append(
          fmt::format(R"({{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":{}}}}})",
                      e.hybrid ? 1 : 2, it->second, nlohmann::json(e.lane).dump()));
    }
    append(fmt::format(R"({{"name":{},"ph":"X","pid":{},"tid":{},"ts":{},"dur":{}}})",
                       nlohmann::json(e.name).dump(), e.hybrid ? 1 : 2, it->second, us(e.start),
                       us(e.end - e.start)));
  }
  return "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n" + events + "\n]}\n";
}

}  // namespace aimcsim
