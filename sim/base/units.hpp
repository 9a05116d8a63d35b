#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace aimcsim {

// Physical dimensions a config value can carry. Each has one canonical unit used everywhere
// inside the simulator: time in ns, frequency in Hz, bandwidth in bytes/s, size in bytes,
// energy in pJ, power in mW.
enum class Dimension { Time, Frequency, Bandwidth, Size, Energy, Power, Area, Length };

std::string_view dimension_name(Dimension d);
// "a time", "an energy", "an area": the noun with its indefinite article.
std::string with_article(std::string_view noun);
// The accepted unit suffixes, for error messages ("ps ns us ms s").
std::string units_accepted(Dimension d);
std::string_view canonical_unit(Dimension d);

// Parses "128ns", "1 GHz", "4GB/s", "128KiB" into the canonical unit of `d`. A bare number, an
// unknown or wrong-dimension unit, a non-finite or negative number throws std::invalid_argument
// with a message saying what is accepted.
double parse_quantity(std::string_view text, Dimension d);

// Time in integer picoseconds, the simulator's time base (SystemC's default resolution).
using Picos = std::int64_t;
Picos ns_to_ps(double ns);
double ps_to_ns(Picos ps);

// Duration of `cycles` cycles at `freq_hz`, in ns.
inline double cycles_to_ns(double cycles, double freq_hz) { return cycles * 1e9 / freq_hz; }

}  // namespace aimcsim
