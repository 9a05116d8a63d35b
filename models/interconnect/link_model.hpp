#pragma once
#include <cstdint>

#include "sim/config.hpp"
#include "sim/units.hpp"

namespace aimcsim {

// A point-to-point link (tile to PMCA). Simplification: a transfer occupies the link for
// bytes / bandwidth and arrives `latency` later; no packetisation or flow control.
struct LinkParams {
  double bandwidth_Bps = 32e9;  // 256 bit at 1 GHz (assumed)
  double latency_ns = 10;       // (assumed)
  double e_per_bit_pj = 0.1;    // (assumed)

  static void declare(Schema& schema);
  static LinkParams from(const Config& cfg);
};

Picos serialisation_ps(const LinkParams& p, std::int64_t bytes);
inline Picos transfer_ps(const LinkParams& p, std::int64_t bytes) {
  return ns_to_ps(p.latency_ns) + serialisation_ps(p, bytes);
}

}  // namespace aimcsim
