#include "models/interconnect/link_model.hpp"

namespace aimcsim {

void LinkParams::declare(Schema& s) {
  s.add("interconnect.bandwidth").quantity(Dimension::Bandwidth, "32GB/s").range(1, 1e15)
      .desc("tile-to-PMCA link bandwidth (assumed: 256 bit at 1 GHz)");
  s.add("interconnect.latency").quantity(Dimension::Time, "10ns").range(0, 1e9)
      .desc("tile-to-PMCA link latency per transfer (assumed)");
  s.add("interconnect.energy_per_bit").quantity(Dimension::Energy, "0.1pJ").range(0, 1e6)
      .desc("link energy per bit moved (assumed)");
}

LinkParams LinkParams::from(const Config& c) {
  LinkParams p;
  p.bandwidth_Bps = c.quantity("interconnect.bandwidth");
  p.latency_ns = c.quantity("interconnect.latency");
  p.e_per_bit_pj = c.quantity("interconnect.energy_per_bit");
  return p;
}

Picos serialisation_ps(const LinkParams& p, std::int64_t bytes) {
  return ns_to_ps(static_cast<double>(bytes) * 1e9 / p.bandwidth_Bps);
}

}  // namespace aimcsim
