#pragma once
#include <string>
#include <utility>
#include <vector>

#include "sim/base/stats.hpp"

namespace aimcsim {

// Energy split by component name ("aimc.adc", "pmca.compute", ...), in pJ. Insertion order is
// kept so reports list components in the order the models define them.
class EnergyBreakdown {
 public:
  void add(const std::string& component, double pj);
  void add(const EnergyBreakdown& other);
  // Adds `other` with every component multiplied by `factor` (several MVMs, a share of a job).
  void add_scaled(const EnergyBreakdown& other, double factor);
  EnergyBreakdown scaled(double factor) const;
  double total() const;
  double get(const std::string& component) const;
  const std::vector<std::pair<std::string, double>>& items() const { return items_; }
  // total_nj and components.<name>_nj into `g`.
  void report(StatGroup& g) const;

 private:
  std::vector<std::pair<std::string, double>> items_;
};

}  // namespace aimcsim
