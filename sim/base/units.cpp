#include "sim/base/units.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace aimcsim {
namespace {

struct UnitScale {
  std::string_view suffix;
  double scale;  // multiply by this to get the canonical unit
};

// Suffix tables; the first entry of each is shown first in messages.
constexpr std::array<UnitScale, 5> kTime{
    {{"ps", 1e-3}, {"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}}};
constexpr std::array<UnitScale, 4> kFreq{{{"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}}};
constexpr std::array<UnitScale, 8> kBandwidth{{{"B/s", 1.0},
                                               {"kB/s", 1e3},
                                               {"MB/s", 1e6},
                                               {"GB/s", 1e9},
                                               {"bit/s", 1.0 / 8},
                                               {"kbit/s", 1e3 / 8},
                                               {"Mbit/s", 1e6 / 8},
                                               {"Gbit/s", 1e9 / 8}}};
constexpr std::array<UnitScale, 4> kSize{
    {{"B", 1.0}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}}};
constexpr std::array<UnitScale, 6> kEnergy{
    {{"fJ", 1e-3}, {"pJ", 1.0}, {"nJ", 1e3}, {"uJ", 1e6}, {"mJ", 1e9}, {"J", 1e12}}};
constexpr std::array<UnitScale, 3> kPower{{{"uW", 1e-3}, {"mW", 1.0}, {"W", 1e3}}};
constexpr std::array<UnitScale, 2> kArea{{{"um2", 1e-6}, {"mm2", 1.0}}};
constexpr std::array<UnitScale, 3> kLength{{{"nm", 1.0}, {"um", 1e3}, {"mm", 1e6}}};

template <std::size_t N>
std::pair<const UnitScale*, std::size_t> as_span(const std::array<UnitScale, N>& a) {
  return {a.data(), N};
}

std::pair<const UnitScale*, std::size_t> table(Dimension d) {
  switch (d) {
    case Dimension::Time:
      return as_span(kTime);
    case Dimension::Frequency:
      return as_span(kFreq);
    case Dimension::Bandwidth:
      return as_span(kBandwidth);
    case Dimension::Size:
      return as_span(kSize);
    case Dimension::Energy:
      return as_span(kEnergy);
    case Dimension::Power:
      return as_span(kPower);
    case Dimension::Area:
      return as_span(kArea);
    case Dimension::Length:
      return as_span(kLength);
  }
  throw std::logic_error("unknown dimension");
}

std::string example(Dimension d) {
  switch (d) {
    case Dimension::Time:
      return "128ns";
    case Dimension::Frequency:
      return "1GHz";
    case Dimension::Bandwidth:
      return "4GB/s";
    case Dimension::Size:
      return "128KiB";
    case Dimension::Energy:
      return "2.5pJ";
    case Dimension::Power:
      return "43.5mW";
    case Dimension::Area:
      return "0.07mm2";
    case Dimension::Length:
      return "22nm";
  }
  return "";
}

}  // namespace

std::string with_article(std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != noun.npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

std::string_view dimension_name(Dimension d) {
  switch (d) {
    case Dimension::Time:
      return "time";
    case Dimension::Frequency:
      return "frequency";
    case Dimension::Bandwidth:
      return "bandwidth";
    case Dimension::Size:
      return "size";
    case Dimension::Energy:
      return "energy";
    case Dimension::Power:
      return "power";
    case Dimension::Area:
      return "area";
    case Dimension::Length:
      return "length";
  }
  return "?";
}

std::string_view canonical_unit(Dimension d) {
  switch (d) {
    case Dimension::Time:
      return "ns";
    case Dimension::Frequency:
      return "Hz";
    case Dimension::Bandwidth:
      return "B/s";
    case Dimension::Size:
      return "B";
    case Dimension::Energy:
      return "pJ";
    case Dimension::Power:
      return "mW";
    case Dimension::Area:
      return "mm2";
    case Dimension::Length:
      return "nm";
  }
  return "?";
}

std::string units_accepted(Dimension d) {
  auto [units, n] = table(d);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ' ';
    out += units[i].suffix;
  }
  return out;
}

double parse_quantity(std::string_view text, Dimension d) {
  const std::string what = with_article(dimension_name(d)) + " with a unit, e.g. " + example(d) +
                           " (units: " + units_accepted(d) + ")";
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::size_t end = text.size();
  while (end > i && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  const std::string body(text.substr(i, end - i));
  if (body.empty()) throw std::invalid_argument("empty value; expected " + what);
  const char* begin = body.c_str();
  char* num_end = nullptr;
  const double value = std::strtod(begin, &num_end);
  if (num_end == begin)
    throw std::invalid_argument("'" + body + "' is not a number; expected " + what);
  std::string unit = body.substr(static_cast<std::size_t>(num_end - begin));  // NULs included
  std::size_t u = 0;
  while (u < unit.size() && std::isspace(static_cast<unsigned char>(unit[u]))) ++u;
  unit = unit.substr(u);
  if (unit.empty()) throw std::invalid_argument("'" + body + "' has no unit; expected " + what);
  if (!std::isfinite(value))
    throw std::invalid_argument("'" + body + "' is not finite; expected " + what);
  if (value < 0) throw std::invalid_argument("'" + body + "' is negative; expected " + what);
  auto [units, n] = table(d);
  for (std::size_t k = 0; k < n; ++k) {
    if (units[k].suffix == unit) return value * units[k].scale;
  }
  throw std::invalid_argument("'" + body + "' has unit '" + unit + "'; expected " + what);
}

Picos ns_to_ps(double ns) { return static_cast<Picos>(std::llround(ns * 1000.0)); }
double ps_to_ns(Picos ps) { return static_cast<double>(ps) / 1000.0; }

}  // namespace aimcsim
