#include "sim/serve/request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/base/csv.hpp"
#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/schema_registry.hpp"
#include "sim/serve/residency.hpp"
#include "sim/serve/scheduler.hpp"

namespace aimcsim {

void ServeParams::bind(ParamBinder<ServeParams>& b) {
  using P = ServeParams;
  b.integer("serve.adapters", &P::adapters, 8)
      .range(1, 1 << 20)
      .desc("tasks served, each with its own LoRA adapter (numbered 0 .. adapters-1)");
  b.text("serve.ranks", &P::ranks, "none")
      .desc(
          "each adapter's LoRA rank, comma-separated (one per adapter, e.g. 8,8,16,4); none: "
          "lora.rank for all (lora.targets and lora.rank_overrides apply to each)");
  b.text("serve.trace", &P::trace, "none")
      .desc(
          "request file: CSV with arrival_us,adapter,prompt_tokens,decode_tokens or JSON Lines "
          "(.jsonl) with the same fields; none: generated from the keys below (--requests sets "
          "it)");
  b.choice("serve.arrival", &P::arrival, {"poisson", "closed"}, "poisson")
      .desc(
          "poisson: open arrivals at serve.rate; closed: serve.clients clients, each sending "
          "its next request serve.think after its last answer");
  b.quantity("serve.rate", &P::rate_hz, Dimension::Frequency, "100Hz")
      .range(1e-9, 1e12)
      .desc("poisson: mean arrival rate, requests per second");
  b.integer("serve.clients", &P::clients, 4).range(1, 1 << 20).desc("closed: clients");
  b.quantity("serve.think", &P::think_ns, Dimension::Time, "0ns")
      .range(0, 1e15)
      .desc("closed: time from a client's answer to its next request");
  b.integer("serve.requests", &P::requests, 1000).range(1, 100000000).desc("requests generated");
  b.choice("serve.mix", &P::mix, {"uniform", "zipf", "weights"}, "uniform")
      .desc(
          "how requests spread over the adapters: uniform, zipf (serve.zipf_exponent) or "
          "serve.weights");
  b.real("serve.zipf_exponent", &P::zipf_exponent, 1.0)
      .range(0, 100)
      .desc("zipf: adapter i (from 0) is chosen with weight 1 / (i + 1)^exponent");
  b.text("serve.weights", &P::weights, "none")
      .desc("weights: one non-negative weight per adapter, comma-separated (e.g. 4,2,1,1)");
  b.integer("serve.prompt_tokens", &P::prompt_tokens, 128)
      .range(1, 1 << 20)
      .desc(
          "prompt tokens of a generated request (the minimum when serve.prompt_tokens_max "
          "is set)");
  b.integer("serve.prompt_tokens_max", &P::prompt_tokens_max, 0)
      .range(0, 1 << 20)
      .desc("0: every prompt has serve.prompt_tokens; else uniform between the two");
  b.integer("serve.decode_tokens", &P::decode_tokens, 0)
      .range(0, 1 << 20)
      .desc(
          "tokens a generated request decodes after its prompt (decoders; 0 for encoders); the "
          "minimum when serve.decode_tokens_max is set");
  b.integer("serve.decode_tokens_max", &P::decode_tokens_max, 0)
      .range(0, 1 << 20)
      .desc("0: every request decodes serve.decode_tokens; else uniform between the two");
  b.integer("serve.seed", &P::seed, 1).range(0, 1LL << 62).desc("seed of the generated stream");
  b.choice("serve.policy", &P::policy, SchedulerRegistry::instance().names(), "fcfs")
      .desc("how requests are scheduled on the platform (the hybrid and analog-only designs)");
  b.choice("serve.residency", &P::residency, ResidencyRegistry::instance().names(), "lru")
      .desc("which adapters stay resident in each memory level");
  b.declare([](Schema& s) { ResidencyRegistry::instance().declare_all(s, "serve.residency"); });
  b.integer("serve.max_batch", &P::max_batch, 8)
      .range(1, 4096)
      .desc("requests decoding together at most (batching policies)");
  b.integer("serve.reprogram_queue", &P::reprogram_queue, 4)
      .range(1, 1 << 30)
      .desc(
          "reprogramming design: once no request of the tiles' task waits or runs, the tiles "
          "switch to the task with the longest queue when it holds this many requests (or when "
          "no more are to arrive)");
  b.choice("serve.cost_grid", &P::cost_grid, {"pow2", "exact"}, "pow2")
      .desc(
          "pow2: prompt lengths and decode contexts are simulated at powers of two and "
          "interpolated linearly in between; exact: each length simulated");
}

AIMCSIM_REGISTER_PARAMS(90, "serve", ServeParams);

namespace {

// splitmix64 (Steele, Lea and Flood, OOPSLA 2014): a fixed, portable generator, so a stream
// is the same on every platform.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  double uniform() {  // [0, 1)
    state_ += 0x9e3779b97f4a7c15ULL;
    std::uint64_t x = state_;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<double>((x ^ (x >> 31)) >> 11) * 0x1.0p-53;
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {  // uniform in [lo, hi]
    const auto n = static_cast<double>(hi - lo + 1);
    return lo + std::min(hi - lo, static_cast<std::int64_t>(uniform() * n));
  }

 private:
  std::uint64_t state_;
};

std::vector<double> mix_weights(const ServeParams& p) {
  std::vector<double> w(static_cast<std::size_t>(p.adapters), 1.0);
  if (p.mix == "zipf") {
    for (std::size_t i = 0; i < w.size(); ++i)
      w[i] = 1.0 / std::pow(static_cast<double>(i + 1), p.zipf_exponent);
  } else if (p.mix == "weights") {
    w.clear();
    std::stringstream ss(p.weights);
    std::string item;
    while (std::getline(ss, item, ',')) {
      try {
        std::size_t used = 0;
        const double v = std::stod(item, &used);
        if (used != item.size() || !std::isfinite(v) || v < 0) throw std::invalid_argument("");
        w.push_back(v);
      } catch (const std::exception&) {
        throw InputError(fmt::format(
            "serve.weights: '{}' is not a non-negative number (accepted: one weight per adapter, "
            "comma-separated)",
            item));
      }
    }
    if (static_cast<std::int64_t>(w.size()) != p.adapters)
      throw InputError(
          fmt::format("serve.weights: {} weights for serve.adapters {} (accepted: "
                      "one weight per adapter, comma-separated)",
                      w.size(), p.adapters));
  }
  double sum = 0;
  for (double v : w) sum += v;
  if (sum <= 0) throw InputError("serve.weights: every weight is 0 (accepted: a positive sum)");
  for (double& v : w) v /= sum;
  return w;
}

std::int64_t pick(const std::vector<double>& cdf, double u) {
  const auto at = std::upper_bound(cdf.begin(), cdf.end(), u);
  return std::min<std::int64_t>(static_cast<std::int64_t>(at - cdf.begin()),
                                static_cast<std::int64_t>(cdf.size()) - 1);
}

struct Fields {
  double arrival_us = 0;
  double adapter = 0, prompt = 0, decode = 0;
};

Request checked(const std::string& where, const Fields& f, std::int64_t adapters, Picos previous) {
  const auto whole = [&](double v, const char* field) {
    if (v != std::floor(v) || v < 0 || v > 1e12)
      throw InputError(fmt::format("{}: {} {} is not a whole number >= 0", where, field, v));
    return static_cast<std::int64_t>(v);
  };
  if (!std::isfinite(f.arrival_us) || f.arrival_us < 0)
    throw InputError(fmt::format("{}: arrival_us {} is negative (accepted: microseconds >= 0)",
                                 where, f.arrival_us));
  Request r;
  r.arrival = ns_to_ps(f.arrival_us * 1e3);
  if (r.arrival < previous)
    throw InputError(
        fmt::format("{}: arrival_us {} is before the previous request's (accepted: "
                    "requests in arrival order)",
                    where, f.arrival_us));
  r.adapter = whole(f.adapter, "adapter");
  if (r.adapter >= adapters)
    throw InputError(fmt::format("{}: unknown adapter {} (accepted: 0 .. {}, serve.adapters is {})",
                                 where, r.adapter, adapters - 1, adapters));
  r.prompt_tokens = whole(f.prompt, "prompt_tokens");
  if (r.prompt_tokens < 1)
    throw InputError(fmt::format("{}: prompt_tokens is 0 (accepted: at least 1)", where));
  r.decode_tokens = whole(f.decode, "decode_tokens");
  return r;
}

}  // namespace

RequestStream parse_requests(const std::string& text, const std::string& name,
                             std::int64_t adapters) {
  RequestStream s;
  static const char* kFields[] = {"arrival_us", "adapter", "prompt_tokens", "decode_tokens"};
  const bool jsonl = name.size() >= 6 && name.compare(name.size() - 6, 6, ".jsonl") == 0;
  std::vector<std::pair<std::size_t, Fields>> rows;
  if (jsonl) {
    std::stringstream ss(text);
    std::string line;
    for (std::size_t n = 1; std::getline(ss, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string where = fmt::format("{}:{}", name, n);
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        throw InputError(
            fmt::format("{}: not a JSON object (accepted: one object a line with "
                        "arrival_us, adapter, prompt_tokens, decode_tokens)",
                        where));
      }
      if (!j.is_object()) throw InputError(fmt::format("{}: not a JSON object", where));
      double v[4];
      for (int i = 0; i < 4; ++i) {
        if (!j.contains(kFields[i]))
          throw InputError(
              fmt::format("{}: no field {} (accepted: arrival_us, adapter, "
                          "prompt_tokens, decode_tokens)",
                          where, kFields[i]));
        if (!j[kFields[i]].is_number())
          throw InputError(
              fmt::format("{}: {} {} is not a number", where, kFields[i], j[kFields[i]].dump()));
        v[i] = j[kFields[i]].get<double>();
      }
      rows.push_back({n, {v[0], v[1], v[2], v[3]}});
    }
  } else {
    const CsvTable t = CsvTable::parse(text, name);
    std::size_t col[4];
    for (int i = 0; i < 4; ++i) {
      const auto c = t.column(kFields[i]);
      if (!c)
        throw InputError(
            fmt::format("{}:{}: no column {} (accepted: a header arrival_us,adapter,prompt_tokens,"
                        "decode_tokens)",
                        name, t.header_line(), kFields[i]));
      col[i] = *c;
    }
    for (const CsvTable::Row& row : t.rows()) {
      double v[4];
      for (int i = 0; i < 4; ++i) {
        const std::string& field = row.fields[col[i]];
        std::size_t used = 0;
        try {
          v[i] = std::stod(field, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (field.empty() || used != field.size() || !std::isfinite(v[i]))
          throw InputError(fmt::format("{}: '{}' is not a number", t.where(row, col[i]), field));
      }
      rows.push_back({row.line, {v[0], v[1], v[2], v[3]}});
    }
  }
  Picos previous = 0;
  s.popularity.assign(static_cast<std::size_t>(adapters), 0.0);
  for (const auto& [line, f] : rows) {
    Request r = checked(fmt::format("{}:{}", name, line), f, adapters, previous);
    previous = r.arrival;
    r.id = static_cast<std::int64_t>(s.requests.size());
    s.popularity[static_cast<std::size_t>(r.adapter)] += 1;
    s.requests.push_back(r);
  }
  if (s.requests.empty()) throw InputError(fmt::format("{}: no requests", name));
  for (double& v : s.popularity) v /= static_cast<double>(s.requests.size());
  return s;
}

RequestStream read_requests(const std::string& path, std::int64_t adapters) {
  const auto text = read_file(path);
  if (!text) throw InputError(fmt::format("{}: cannot read the request file", path));
  return parse_requests(*text, path, adapters);
}

std::vector<std::int64_t> adapter_ranks(const ServeParams& p, std::int64_t lora_rank) {
  std::vector<std::int64_t> out;
  if (p.ranks == "none")
    return std::vector<std::int64_t>(static_cast<std::size_t>(p.adapters), lora_rank);
  std::stringstream ss(p.ranks);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || v < 1 || v > (1 << 20))
      throw InputError(fmt::format(
          "serve.ranks: '{}' is not a rank (accepted: one whole number >= 1 per adapter, "
          "comma-separated, or none)",
          item));
    out.push_back(v);
  }
  if (static_cast<std::int64_t>(out.size()) != p.adapters)
    throw InputError(
        fmt::format("serve.ranks: {} ranks for serve.adapters {} (accepted: one "
                    "rank per adapter, comma-separated, or none)",
                    out.size(), p.adapters));
  return out;
}

RequestStream generate_requests(const ServeParams& p) {
  const auto check_max = [](const char* key, std::int64_t max, std::int64_t min) {
    if (max != 0 && max < min)
      throw InputError(fmt::format(
          "serve.{}_max: {} is below serve.{} {} (accepted: 0 for a fixed length, or at least "
          "serve.{})",
          key, max, key, min, key));
  };
  check_max("prompt_tokens", p.prompt_tokens_max, p.prompt_tokens);
  check_max("decode_tokens", p.decode_tokens_max, p.decode_tokens);
  RequestStream s;
  s.popularity = mix_weights(p);
  std::vector<double> cdf;
  double acc = 0;
  for (double w : s.popularity) cdf.push_back(acc += w);
  s.closed = p.arrival == "closed";
  s.think = ns_to_ps(p.think_ns);
  Random rng(static_cast<std::uint64_t>(p.seed));
  double t_s = 0;
  for (std::int64_t i = 0; i < p.requests; ++i) {
    Request r;
    r.id = i;
    if (s.closed) {
      r.client = i % p.clients;
      r.arrival = 0;  // a client's first request at 0; the others follow its answers
    } else {
      t_s += -std::log(1.0 - rng.uniform()) / p.rate_hz;
      r.arrival = ns_to_ps(t_s * 1e9);
    }
    r.adapter = pick(cdf, rng.uniform());
    r.prompt_tokens = p.prompt_tokens_max > p.prompt_tokens
                          ? rng.between(p.prompt_tokens, p.prompt_tokens_max)
                          : p.prompt_tokens;
    r.decode_tokens = p.decode_tokens_max > p.decode_tokens
                          ? rng.between(p.decode_tokens, p.decode_tokens_max)
                          : p.decode_tokens;
    s.requests.push_back(r);
  }
  return s;
}

}  // namespace aimcsim
