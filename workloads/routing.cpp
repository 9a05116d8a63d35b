#include "workloads/routing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/base/csv.hpp"
#include "sim/base/error.hpp"
#include "workloads/parse.hpp"

namespace aimcsim {
namespace {

// splitmix64 (Steele, Lea and Flood, OOPSLA 2014): a fixed, portable mix of 64 bits.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A stream of uniform doubles in [0, 1) for one (seed, layer, token).
class Stream {
 public:
  Stream(std::uint64_t seed, std::int64_t layer, std::int64_t token)
      : state_(mix(mix(mix(seed) ^ static_cast<std::uint64_t>(layer)) ^
                   static_cast<std::uint64_t>(token))) {}
  double next() {
    state_ = mix(state_);
    return static_cast<double>(state_ >> 11) * 0x1.0p-53;
  }

 private:
  std::uint64_t state_;
};

}  // namespace

Routing Routing::uniform(std::uint64_t seed) {
  Routing r;
  r.seed_ = seed;
  return r;
}

Routing Routing::zipf(double exponent, std::uint64_t seed) {
  Routing r;
  r.mode_ = Mode::Zipf;
  r.exponent_ = exponent;
  r.seed_ = seed;
  return r;
}

Routing Routing::trace(const std::string& csv_text, const std::string& name) {
  const CsvTable t = CsvTable::parse(csv_text, name);
  const auto layer = t.column("layer"), token = t.column("token"), expert = t.column("expert");
  if (!layer || !token || !expert)
    throw InputError(fmt::format("{}:{}: a routing trace needs the columns layer,token,expert",
                                 name, t.header_line()));
  auto map = std::make_shared<
      std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::int64_t>>>();
  for (const CsvTable::Row& row : t.rows()) {
    std::int64_t v[3];
    const std::size_t cols[3] = {*layer, *token, *expert};
    for (int i = 0; i < 3; ++i) {
      v[i] = parse_digits(row.fields[cols[i]], 9);
      if (v[i] < 0) throw InputError(t.where(row, cols[i]) + ": not a non-negative integer");
    }
    std::vector<std::int64_t>& e = (*map)[{v[0], v[1]}];
    if (std::find(e.begin(), e.end(), v[2]) != e.end())
      throw InputError(
          t.where(row, cols[2]) +
          fmt::format(": expert {} listed twice for layer {} token {}", v[2], v[0], v[1]));
    e.push_back(v[2]);
  }
  for (auto& [key, e] : *map) std::sort(e.begin(), e.end());
  Routing r;
  r.mode_ = Mode::Trace;
  r.name_ = name;
  r.trace_ = std::move(map);
  return r;
}

std::vector<std::int64_t> Routing::experts_of(std::int64_t layer, std::int64_t token,
                                              std::int64_t experts, std::int64_t per_token) const {
  if (mode_ == Mode::Trace) {
    const auto it = trace_->find({layer, token});
    if (it == trace_->end())
      throw InputError(
          fmt::format("{}: the routing trace has no row for layer {} token {} "
                      "(every MoE layer's tokens need {} experts each)",
                      name_, layer, token, per_token));
    const std::vector<std::int64_t>& e = it->second;
    if (static_cast<std::int64_t>(e.size()) != per_token || e.back() >= experts)
      throw InputError(fmt::format(
          "{}: layer {} token {} activates {} expert(s) up to {}; the model takes {} of "
          "experts 0 to {}",
          name_, layer, token, e.size(), e.back(), per_token, experts - 1));
    return e;
  }
  // The weight of each expert: equal, or 1 / rank^s with the ranks shuffled per layer.
  std::vector<double> weight(static_cast<std::size_t>(experts), 1.0);
  if (mode_ == Mode::Zipf) {
    std::vector<std::int64_t> rank(weight.size());
    for (std::size_t i = 0; i < rank.size(); ++i) rank[i] = static_cast<std::int64_t>(i);
    Stream order(seed_, layer, -1);
    for (std::size_t i = rank.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(order.next() * static_cast<double>(i));
      std::swap(rank[i - 1], rank[j]);
    }
    for (std::size_t e = 0; e < weight.size(); ++e)
      weight[e] = std::pow(static_cast<double>(rank[e] + 1), -exponent_);
  }
  Stream draw(seed_, layer, token);
  std::vector<std::int64_t> chosen;
  for (std::int64_t k = 0; k < per_token; ++k) {
    double total = 0;
    for (double w : weight) total += w;
    double u = draw.next() * total;
    std::size_t pick = weight.size();
    for (std::size_t e = 0; e < weight.size(); ++e) {
      if (weight[e] <= 0) continue;
      pick = e;
      if (u < weight[e]) break;
      u -= weight[e];
    }
    chosen.push_back(static_cast<std::int64_t>(pick));
    weight[pick] = 0;
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

std::string Routing::describe() const {
  switch (mode_) {
    case Mode::Uniform:
      return "uniform";
    case Mode::Zipf:
      return fmt::format("zipf:{}", exponent_);
    case Mode::Trace:
      return "trace:" + name_;
  }
  return "";
}

}  // namespace aimcsim
