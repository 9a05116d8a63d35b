#include "sim/calibrate/fit_param.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <vector>

#include "sim/base/error.hpp"

namespace aimcsim {
namespace {

const char* kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::Boolean:
      return "a boolean";
    case ParamKind::Choice:
      return "a choice";
    case ParamKind::Text:
      return "a string";
    default:
      return "numeric";
  }
}

// The unit suffix of a quantity as written ("1GHz" -> "GHz").
std::string unit_of(const std::string& text) {
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  std::string unit = end ? end : "";
  const auto first = unit.find_first_not_of(' ');
  return first == std::string::npos ? "" : unit.substr(first);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

}  // namespace

std::string FitParam::exact_text(double value) const {
  if (integer) return fmt::format("{}", std::llround(value));
  if (kind == ParamKind::Quantity) return fmt::format("{:.17g}{}", value, canonical_unit(dim));
  return fmt::format("{:.17g}", value);
}

std::string FitParam::text(double value) const {
  if (integer) return fmt::format("{}", std::llround(value));
  if (kind == ParamKind::Quantity) return fmt::format("{:.6g}{}", value / unit_scale, unit);
  return fmt::format("{:.6g}", value);
}

FitParam parse_fit(const Schema& schema, const Config& base, const std::string& spec) {
  const auto fail = [&](const std::string& msg) -> InputError {
    return InputError(fmt::format("--fit {}: {}", spec, msg));
  };
  const std::string form =
      "; expected --fit KEY[=START][:LO:HI], e.g. --fit pmca.fpu_util=0.8:0.5:1";
  const auto eq = spec.find('=');
  const std::string key = spec.substr(0, std::min(eq, spec.find(':')));
  std::string rest = spec.substr(key.size());
  if (key.empty()) throw fail("no key" + form);
  const ParamSpec* ps = schema.find(key);
  if (!ps) throw fail(fmt::format("{}: {}", key, schema.unknown_key_message(key)));
  if (ps->kind == ParamKind::Boolean || ps->kind == ParamKind::Choice ||
      ps->kind == ParamKind::Text)
    throw fail(fmt::format("{} is {} key ({}); only integer, real and quantity keys can be fitted",
                           key, kind_name(ps->kind), ps->accepted()));

  FitParam p;
  p.key = key;
  p.kind = ps->kind;
  p.dim = ps->dim;
  p.integer = ps->kind == ParamKind::Integer || ps->kind == ParamKind::IntegerOrAuto;

  std::string start_text, lo_text, hi_text;
  if (!rest.empty() && rest[0] == '=') rest = rest.substr(1);  // else ":LO:HI" or nothing
  const std::vector<std::string> parts = split(rest, ':');
  if (parts.size() == 1) {
    start_text = parts[0];
  } else if (parts.size() == 3) {
    start_text = parts[0];
    lo_text = parts[1];
    hi_text = parts[2];
  } else {
    throw fail("give no bounds or both, LO:HI (either may be empty)" + form);
  }

  const auto value = [&](const std::string& text, const char* what) {
    const std::string expect = fmt::format("; {} accepts {}", key, ps->accepted());
    if (ps->kind == ParamKind::Quantity) {
      try {
        return parse_quantity(text, ps->dim);
      } catch (const std::invalid_argument& e) {
        throw fail(fmt::format("{} {}", what, e.what()));
      }
    }
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(text.c_str(), &end);
    if (text.empty() || !end || *end != '\0' || errno != 0 || !std::isfinite(x))
      throw fail(fmt::format("{} '{}' is not a number{}", what, text, expect));
    return x;
  };

  std::string unit_text;
  if (!start_text.empty()) {
    p.start = value(start_text, "START");
    unit_text = start_text;
  } else {
    unit_text = base.value_text(key);
    if (unit_text == "auto")
      throw fail(fmt::format("{} is auto in the base config; give a start value, --fit {}=START",
                             key, key));
    switch (ps->kind) {
      case ParamKind::Integer:
        p.start = static_cast<double>(base.integer(key));
        break;
      case ParamKind::IntegerOrAuto:
        p.start = static_cast<double>(*base.integer_or_auto(key));
        break;
      case ParamKind::Real:
        p.start = base.real(key);
        break;
      default:
        p.start = ps->allow_auto ? *base.quantity_or_auto(key) : base.quantity(key);
        break;
    }
  }
  if (ps->kind == ParamKind::Quantity) {
    p.unit = unit_of(unit_text);
    p.unit_scale = parse_quantity("1" + p.unit, ps->dim);
  }

  p.lo = lo_text.empty() ? ps->min : value(lo_text, "LO");
  p.hi = hi_text.empty() ? ps->max : value(hi_text, "HI");
  if (ps->kind == ParamKind::Quantity) p.lo = std::max(p.lo, 0.0);  // quantities are >= 0
  const auto shown = [&](double x) {
    if (std::isinf(x)) return std::string(x < 0 ? "-inf" : "inf");
    return ps->kind == ParamKind::Quantity ? fmt::format("{:g}{}", x / p.unit_scale, p.unit)
                                           : fmt::format("{:g}", x);
  };
  if (p.lo < ps->min || p.hi > ps->max)
    throw fail(fmt::format("the bounds [{}, {}] reach outside the key's range; {} accepts {}",
                           shown(p.lo), shown(p.hi), key, ps->accepted()));
  if (p.integer) {
    p.lo = std::ceil(p.lo);
    p.hi = std::floor(p.hi);
  }
  if (!(p.lo < p.hi))
    throw fail(fmt::format("the bounds [{}, {}] leave nothing to fit; LO must be below HI",
                           shown(p.lo), shown(p.hi)));
  if (p.start < p.lo || p.start > p.hi)
    throw fail(fmt::format("the start value {} is outside the bounds [{}, {}]", shown(p.start),
                           shown(p.lo), shown(p.hi)));
  p.bounds_text = fmt::format("[{}, {}]", shown(p.lo), shown(p.hi));
  return p;
}

}  // namespace aimcsim
