#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/base/stats.hpp"

namespace aimcsim {

// A component name ("aimc.adc", "pmca.compute", ...) interned once per process: breakdowns store
// and compare these small ids instead of strings. Thread-safe.
using EnergyComponent = std::uint16_t;
EnergyComponent energy_component(const std::string& name);
const std::string& energy_component_name(EnergyComponent id);

// Energy split by component, in pJ. Insertion order is kept so reports list components in the
// order the models define them. The first kInline components live inside the object (a job's
// energy costs no allocation); more go to a vector.
class EnergyBreakdown {
 public:
  static constexpr std::size_t kInline = 6;

  void add(EnergyComponent component, double pj);
  void add(const std::string& component, double pj) { add(energy_component(component), pj); }
  void add(const EnergyBreakdown& other);
  // Adds `other` with every component multiplied by `factor` (several MVMs, a share of a job).
  void add_scaled(const EnergyBreakdown& other, double factor);
  EnergyBreakdown scaled(double factor) const;
  double total() const;
  double get(const std::string& component) const;
  // The energy of the components whose names start with `prefix` ("aimc.", "pmca.").
  double total_with_prefix(const std::string& prefix) const;
  std::size_t size() const { return n_ + more_.size(); }
  // The i-th component in insertion order, i < size().
  std::pair<EnergyComponent, double> at(std::size_t i) const {
    return i < n_ ? std::pair<EnergyComponent, double>{ids_[i], pj_[i]} : more_[i - n_];
  }
  // (name, pJ) in insertion order.
  std::vector<std::pair<std::string, double>> items() const;
  // total_nj and components.<name>_nj into `g`.
  void report(StatGroup& g) const;

 private:
  double* find(EnergyComponent id);
  std::array<EnergyComponent, kInline> ids_{};
  std::array<double, kInline> pj_{};
  std::uint8_t n_ = 0;
  std::vector<std::pair<EnergyComponent, double>> more_;
};

}  // namespace aimcsim
