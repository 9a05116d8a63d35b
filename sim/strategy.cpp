#include "sim/strategy.hpp"

#include <algorithm>
#include <stdexcept>

namespace aimcsim {

std::vector<std::int64_t> chunk_sizes(std::int64_t tokens, std::int64_t chunk) {
  std::vector<std::int64_t> out;
  for (std::int64_t done = 0; done < tokens; done += chunk) out.push_back(std::min(chunk, tokens - done));
  return out;
}

StrategyRegistry& StrategyRegistry::instance() {
  static StrategyRegistry registry;
  return registry;
}

bool StrategyRegistry::add(const std::string& name, const std::string& description, Factory factory) {
  for (const auto& e : entries_)
    if (e.name == name) throw std::logic_error("strategy registered twice: " + name);
  entries_.push_back({name, description, std::move(factory)});
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return true;
}

std::unique_ptr<Strategy> StrategyRegistry::create(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e.factory();
  throw std::logic_error("unknown strategy: " + name);
}

std::vector<std::string> StrategyRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.name);
  return out;
}

std::string StrategyRegistry::description(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e.description;
  return "";
}

Job& schedule_analog_only(JobGraph& graph, Resource& tile, std::size_t op, std::int64_t tokens, Job* after) {
  Job& job = graph.add(tile, op, tokens);
  if (after) graph.depend(*after, job);
  return job;
}

Picos mvm_run_end(const OpTiming& t, std::int64_t n) {
  return n <= 0 ? 0 : t.mvm_latency + (n - 1) * t.mvm_period;
}

Picos analog_only_analytic(const OpTiming& t) { return mvm_run_end(t, t.tokens); }

}  // namespace aimcsim
