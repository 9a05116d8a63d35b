#include "models/interconnect/link_model.hpp"

#include "sim/base/schema_registry.hpp"

namespace aimcsim {

void LinkParams::bind(ParamBinder<LinkParams>& b) {
  using P = LinkParams;
  b.quantity("interconnect.bandwidth", &P::bandwidth_Bps, Dimension::Bandwidth, "32GB/s")
      .active_when("interconnect.topology", {"p2p"})
      .range(1, 1e15)
      .desc("tile-to-PMCA link bandwidth (assumed: 256 bit at 1 GHz)");
  b.quantity("interconnect.latency", &P::latency_ns, Dimension::Time, "10ns")
      .active_when("interconnect.topology", {"p2p"})
      .range(0, 1e9)
      .desc("tile-to-PMCA link latency per transfer (assumed)");
  b.quantity("interconnect.energy_per_bit", &P::e_per_bit_pj, Dimension::Energy, "0.1pJ")
      .range(0, 1e6)
      .desc("link energy per bit moved, on every link a transfer reserves (assumed)");
  b.quantity("interconnect.p_static", &P::p_static_mw, Dimension::Power, "0mW")
      .range(0, 1e9)
      .desc(
          "leakage per p2p link, per mesh router or of the bus (assumed: 0, not counted; no "
          "source fixes it)");
  b.quantity("interconnect.area", &P::area_mm2, Dimension::Area, "0.01mm2")
      .range(0, 1e6)
      .desc(
          "area per p2p link, per mesh router or of the bus, at the PMCA's node (assumed: "
          "0.01 mm2, a 256-bit port with its buffers)");
}

Picos serialisation_ps(const LinkParams& p, std::int64_t bytes) {
  return ns_to_ps(static_cast<double>(bytes) * 1e9 / p.bandwidth_Bps);
}

AIMCSIM_REGISTER_PARAMS(30, "interconnect link", LinkParams);

}  // namespace aimcsim
