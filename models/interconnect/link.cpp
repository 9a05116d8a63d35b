#include "models/interconnect/link.hpp"

#include <algorithm>

namespace aimcsim {

Link::Link(const std::string& name, const LinkParams& params)
    : Resource(name, "transfer"), params_(params) {}

Resource::Timing Link::issue(Job& job, Picos now) {
  const Picos start = std::max(now, free_);
  const Picos ser = serialisation_ps(params_, job.bytes);
  free_ = start + ser;
  bytes_ += job.bytes;
  static const EnergyComponent kLinkEnergy = energy_component("link");
  job.energy.add(kLinkEnergy, params_.e_per_bit_pj * 8.0 * static_cast<double>(job.bytes));
  return {start, start + ns_to_ps(params_.latency_ns) + ser};
}

}  // namespace aimcsim
