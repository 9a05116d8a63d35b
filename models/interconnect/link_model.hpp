#pragma once
#include <cstdint>

#include "sim/base/params.hpp"
#include "sim/base/units.hpp"

namespace aimcsim {

// A point-to-point link (tile to PMCA). Simplification: a transfer occupies the link for
// bytes / bandwidth and arrives `latency` later; no packetisation or flow control.
struct LinkParams : Params<LinkParams> {
  double bandwidth_Bps;
  double latency_ns;
  double e_per_bit_pj;
  double p_static_mw;  // leakage per link (per router on a mesh, the bus on a bus)
  double area_mm2;     // per link (per router on a mesh, the bus on a bus)

  static void bind(ParamBinder<LinkParams>& b);
};

Picos serialisation_ps(const LinkParams& p, std::int64_t bytes);
inline Picos transfer_ps(const LinkParams& p, std::int64_t bytes) {
  return ns_to_ps(p.latency_ns) + serialisation_ps(p, bytes);
}

}  // namespace aimcsim
