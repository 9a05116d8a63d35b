#include "sim/base/energy.hpp"

#include <algorithm>

namespace aimcsim {

void EnergyBreakdown::add(const std::string& component, double pj) {
  for (auto& [name, value] : items_) {
    if (name == component) {
      value += pj;
      return;
    }
  }
  if (items_.empty()) items_.reserve(4);  // a job's few components without regrowing
  items_.emplace_back(component, pj);
}

void EnergyBreakdown::add(const EnergyBreakdown& other) {
  for (const auto& [name, value] : other.items_) add(name, value);
}

void EnergyBreakdown::add_scaled(const EnergyBreakdown& other, double factor) {
  for (const auto& [name, value] : other.items_) add(name, value * factor);
}

EnergyBreakdown EnergyBreakdown::scaled(double factor) const {
  EnergyBreakdown e;
  e.add_scaled(*this, factor);
  return e;
}

double EnergyBreakdown::total() const {
  double sum = 0;
  for (const auto& item : items_) sum += item.second;
  return sum;
}

double EnergyBreakdown::get(const std::string& component) const {
  for (const auto& [name, value] : items_)
    if (name == component) return value;
  return 0;
}

void EnergyBreakdown::report(StatGroup& g) const {
  g.add("total_nj", total() / 1e3, "nJ", "energy summed over the components");
  StatGroup& parts = g.group("components", "energy by component");
  // "aimc.adc" -> aimc_adc_nj: a statistic's name holds no dot.
  for (const auto& [name, pj] : items_) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '.', '_');
    parts.add(key + "_nj", pj / 1e3, "nJ", name);
  }
}

}  // namespace aimcsim
