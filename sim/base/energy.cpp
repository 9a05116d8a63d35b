#include "sim/base/energy.hpp"

#include <algorithm>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace aimcsim {
namespace {

struct ComponentTable {
  std::mutex mutex;
  std::deque<std::string> names;  // by id; a deque keeps references valid as it grows
  std::unordered_map<std::string, EnergyComponent> ids;
};

ComponentTable& table() {
  static ComponentTable t;
  return t;
}

}  // namespace

EnergyComponent energy_component(const std::string& name) {
  ComponentTable& t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  const auto it = t.ids.find(name);
  if (it != t.ids.end()) return it->second;
  if (t.names.size() >= 0xffff) throw std::length_error("more than 65535 energy components");
  const auto id = static_cast<EnergyComponent>(t.names.size());
  t.names.push_back(name);
  t.ids.emplace(name, id);
  return id;
}

const std::string& energy_component_name(EnergyComponent id) {
  ComponentTable& t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  return t.names.at(id);
}

double* EnergyBreakdown::find(EnergyComponent id) {
  for (std::uint8_t i = 0; i < n_; ++i)
    if (ids_[i] == id) return &pj_[i];
  for (auto& [other, pj] : more_)
    if (other == id) return &pj;
  return nullptr;
}

void EnergyBreakdown::add(EnergyComponent component, double pj) {
  if (double* value = find(component)) {
    *value += pj;
  } else if (n_ < kInline) {
    ids_[n_] = component;
    pj_[n_] = pj;
    ++n_;
  } else {
    more_.emplace_back(component, pj);
  }
}

void EnergyBreakdown::add(const EnergyBreakdown& other) {
  for (std::size_t i = 0; i < other.size(); ++i) {
    const auto [id, pj] = other.at(i);
    add(id, pj);
  }
}

void EnergyBreakdown::add_scaled(const EnergyBreakdown& other, double factor) {
  for (std::size_t i = 0; i < other.size(); ++i) {
    const auto [id, pj] = other.at(i);
    add(id, pj * factor);
  }
}

EnergyBreakdown EnergyBreakdown::scaled(double factor) const {
  EnergyBreakdown e;
  e.add_scaled(*this, factor);
  return e;
}

double EnergyBreakdown::total() const {
  double sum = 0;
  for (std::size_t i = 0; i < size(); ++i) sum += at(i).second;
  return sum;
}

double EnergyBreakdown::get(const std::string& component) const {
  const EnergyComponent id = energy_component(component);
  for (std::size_t i = 0; i < size(); ++i)
    if (at(i).first == id) return at(i).second;
  return 0;
}

double EnergyBreakdown::total_with_prefix(const std::string& prefix) const {
  ComponentTable& t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  double sum = 0;
  for (std::size_t i = 0; i < size(); ++i) {
    const auto [id, pj] = at(i);
    if (t.names[id].compare(0, prefix.size(), prefix) == 0) sum += pj;
  }
  return sum;
}

std::vector<std::pair<std::string, double>> EnergyBreakdown::items() const {
  std::vector<std::pair<std::string, double>> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i)
    out.emplace_back(energy_component_name(at(i).first), at(i).second);
  return out;
}

void EnergyBreakdown::report(StatGroup& g) const {
  g.add("total_nj", total() / 1e3, "nJ", "energy summed over the components");
  StatGroup& parts = g.group("components", "energy by component");
  // "aimc.adc" -> aimc_adc_nj: a statistic's name holds no dot.
  for (const auto& [name, pj] : items()) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '.', '_');
    parts.add(key + "_nj", pj / 1e3, "nJ", name);
  }
}

}  // namespace aimcsim
