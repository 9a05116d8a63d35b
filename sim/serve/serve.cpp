#include "sim/serve/serve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <queue>
#include <stdexcept>

#include "models/memory/memory.hpp"
#include "models/riscv/pmca_model.hpp"
#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/math.hpp"
#include "sim/base/version.hpp"
#include "sim/run/run.hpp"
#include "sim/serve/cost_model.hpp"
#include "sim/serve/residency.hpp"
#include "sim/serve/scheduler.hpp"

namespace aimcsim {
namespace {

enum class Served { Hybrid, Reprogram, AnalogOnly };

// Where adapters live for the hybrid design: the levels from the one an adapter runs from down
// to DRAM, with their capacities in adapters.
struct AdapterMemory {
  std::vector<MemoryLevel> levels;  // the working level first
  std::vector<std::int64_t> capacity;
};

// Capacities count the largest adapter's bytes (the largest share per PMCA level), so adapters
// of lower ranks take a whole slot too.
AdapterMemory adapter_levels(const Config& cfg, CostModel& cost,
                             const std::vector<std::int64_t>& ranks) {
  const auto adapters = static_cast<std::int64_t>(ranks.size());
  const std::vector<MemoryLevel> all =
      adapter_memory(PmcaParams::from(cfg), MemoryParams::from(cfg));
  std::int64_t share = 1, whole = 1;
  for (std::int64_t r : ranks) {
    share = std::max(share, cost.adapter_share(r));
    whole = std::max(whole, cost.adapter_bytes(r));
  }
  AdapterMemory m;
  for (const MemoryLevel& l : all) {
    const std::int64_t cap = l.capacity / (l.per_pmca ? share : whole);
    if (m.levels.empty() && cap < 1 && l.per_pmca) continue;  // not even one adapter: skip
    m.levels.push_back(l);
    m.capacity.push_back(cap);
  }
  if (m.levels.size() < 2)
    throw InputError(fmt::format(
        "memory.l1_adapters ({} B) and memory.l2_adapters ({} B) each hold less than one "
        "adapter's share of a PMCA ({} B, the largest LoRA of {}); accepted: at least that much "
        "in one of them (or fewer lora.targets, a lower lora.rank)",
        all[0].capacity, all[1].capacity, share, cost.model()));
  if (m.capacity.back() < adapters)
    throw InputError(
        fmt::format("memory.dram.size ({} B) holds {} adapters of {} B; serve.adapters is {}",
                    m.levels.back().capacity, m.capacity.back(), whole, adapters));
  return m;
}

class Loop {
 public:
  Loop(Served design, const Config& cfg, const ServeParams& sp, CostModel& cost,
       const RequestStream& stream, const std::vector<std::int64_t>& ranks)
      : design_(design), sp_(sp), cost_(cost), stream_(stream), ranks_(ranks) {
    out_.name = design == Served::Hybrid      ? "hybrid"
                : design == Served::Reprogram ? "reprogram"
                                              : "analog_only";
    scheduler_ = design == Served::Reprogram ? reprogram_scheduler()
                                             : SchedulerRegistry::instance().create(sp.policy);
    view_.requests = &requests_;
    view_.max_batch = design == Served::Reprogram && sp.policy == "fcfs" ? 1 : sp.max_batch;
    view_.reprogram_queue = sp.reprogram_queue;
    trace_ = OutputParams::from(cfg).trace;
    if (design == Served::Hybrid) {
      memory_ = adapter_levels(cfg, cost, ranks);
      residency_ = ResidencyRegistry::instance().create(sp.residency, cfg);
      const auto preload = residency_->setup({memory_.capacity, sp.adapters, stream.popularity});
      view_.adapter_slots = memory_.capacity[0];
      AdapterTraffic& t = out_.traffic;
      for (const MemoryLevel& l : memory_.levels) t.levels.push_back(l.name);
      t.capacity = memory_.capacity;
      t.found.assign(memory_.levels.size(), 0);
      for (const std::vector<std::int64_t>& level : preload)
        for (std::int64_t a : level) t.preload_bytes += cost.adapter_bytes(rank(a));
    }
  }

  DesignServed run(const ServeProgress& progress) {
    requests_ = stream_.requests;
    view_.waiting.reset(sp_.adapters);
    const std::size_t n = requests_.size();
    served_.assign(n, ServedRequest{});
    produced_.assign(n, 0);
    if (stream_.closed) {
      for (const Request& r : requests_)
        if (r.client >= 0 && r.id == r.client) arrive_at(r.id, 0);
    } else {
      for (const Request& r : requests_) arrive_at(r.id, r.arrival);
    }
    out_.first_arrival = pending_.empty() ? 0 : pending_.top().first;
    std::size_t done = 0, shown = 0;
    const std::size_t every = std::max<std::size_t>(1, n / 100);
    if (progress) progress(out_.name, 0, n);
    while (done < n) {
      if (progress && done >= shown + every) progress(out_.name, shown = done, n);
      while (!pending_.empty() && pending_.top().first <= now_) {
        view_.waiting.push(requests_[static_cast<std::size_t>(pending_.top().second)]);
        pending_.pop();
      }
      view_.more_arrivals = !pending_.empty();
      const Decision d = scheduler_->next(view_);
      switch (d.kind) {
        case Decision::Kind::Wait:
          if (pending_.empty())
            throw std::logic_error("serve: the scheduler waits with nothing to come");
          if (!view_.active.empty())
            throw std::logic_error("serve: the scheduler waits while requests are active");
          now_ = std::max(now_, pending_.top().first);
          break;
        case Decision::Kind::Prefill:
          done += prefill(d.request);
          break;
        case Decision::Kind::Step:
          done += step(d.batch);
          break;
        case Decision::Kind::Reprogram:
          reprogram(d.request);
          break;
      }
    }
    out_.end = now_;
    const double mw = cost_.leakage_mw(design_ == Served::Hybrid);
    out_.leakage_pj = mw * static_cast<double>(out_.end - out_.first_arrival) * 1e-3;
    out_.requests = std::move(served_);
    return std::move(out_);
  }

 private:
  void arrive_at(std::int64_t id, Picos t) {
    requests_[static_cast<std::size_t>(id)].arrival = t;
    pending_.push({t, id});
  }

  std::int64_t rank(std::int64_t adapter) const {
    return ranks_[static_cast<std::size_t>(adapter)];
  }

  PassCost pick(const DesignCosts& c) const {
    return design_ == Served::Hybrid ? c.hybrid : c.analog_only;
  }

  void event(const char* lane, std::string name, const char* category, Picos start,
             std::int64_t adapter, std::int64_t requests) {
    if (trace_)
      out_.events.push_back({lane, std::move(name), category, start, now_, adapter, requests});
  }

  void charge(const PassCost& c) {
    now_ += c.latency;
    out_.compute_pj += c.energy_pj;
    out_.tile_busy += c.tile_busy;
    out_.pmca_busy += c.pmca_busy;
  }

  // Loads adapter `a` into the working level when it is not there; returns the time it took.
  // -1 when every slot of the working level holds an adapter in use or pinned.
  Picos load_adapter(std::int64_t a, ServedRequest& s) {
    std::vector<std::int64_t> busy;
    for (std::int64_t id : view_.active)
      busy.push_back(requests_[static_cast<std::size_t>(id)].adapter);
    const int found = residency_->access(a, busy);
    if (found < 0) return -1;
    AdapterTraffic& t = out_.traffic;
    ++t.found[static_cast<std::size_t>(found)];
    if (found == 0) return 0;
    // Hop by hop towards the working level: DRAM feeds every PMCA's share over its one channel
    // (the whole adapter), an L2 its own PMCA's share by DMA, all PMCAs at once.
    Picos time = 0;
    const std::int64_t bytes = cost_.adapter_bytes(rank(a)), share = cost_.adapter_share(rank(a));
    for (int h = found; h > 0; --h) {
      const MemoryLevel& src = memory_.levels[static_cast<std::size_t>(h)];
      time += src.transfer(src.per_pmca ? share : bytes);
      const double pj = src.energy_pj(bytes);
      out_.load_pj += pj;
      s.energy_pj += pj;
      t.bytes_moved += bytes;
    }
    ++t.loads;
    t.load_time += time;
    s.waited_for = t.levels[static_cast<std::size_t>(found)];
    return time;
  }

  std::size_t prefill(std::int64_t id) {
    const Request& r = requests_[static_cast<std::size_t>(id)];
    ServedRequest& s = served_[static_cast<std::size_t>(id)];
    const Picos begin = now_;
    if (design_ == Served::Hybrid) {
      const Picos load = load_adapter(r.adapter, s);
      if (load < 0) {
        // Its adapter has no slot while the batch's adapters (and the pinned ones) hold them
        // all: the batch steps on and the request stays first in line.
        if (view_.active.empty())
          throw std::logic_error("serve: no adapter slot on an idle platform");
        return step(std::vector<std::int64_t>(view_.active));
      }
      s.wait += load;
      now_ += load;
      if (load > 0)
        event("memory", fmt::format("load adapter {} from {}", r.adapter, s.waited_for), "load",
              now_ - load, r.adapter, 1);
    }
    view_.waiting.erase(r);
    if (s.waited_for == "none" || design_ == Served::Hybrid) s.start = begin;
    // The analog designs run no adapter: their costs do not depend on its rank.
    const PassCost c =
        pick(cost_.prefill(r.prompt_tokens, design_ == Served::Hybrid ? rank(r.adapter) : 0));
    charge(c);
    event("platform", fmt::format("prefill {}", id), "prefill", now_ - c.latency, r.adapter, 1);
    s.energy_pj += c.energy_pj;
    s.first_token = now_;
    ++out_.prefills;
    if (r.decode_tokens == 0) return finish(id);
    view_.active.push_back(id);
    return 0;
  }

  std::size_t step(const std::vector<std::int64_t>& batch) {
    std::vector<std::int64_t> adapters;
    std::int64_t context = 0, top_rank = 0;
    for (std::int64_t id : batch) {
      const Request& r = requests_[static_cast<std::size_t>(id)];
      context += r.prompt_tokens + produced_[static_cast<std::size_t>(id)];
      top_rank = std::max(top_rank, rank(r.adapter));
      if (std::find(adapters.begin(), adapters.end(), r.adapter) == adapters.end())
        adapters.push_back(r.adapter);
    }
    const auto b = static_cast<std::int64_t>(batch.size());
    const std::int64_t groups =
        design_ == Served::Hybrid ? static_cast<std::int64_t>(adapters.size()) : 1;
    // A mixed batch runs every adapter at the batch's highest rank (simplification).
    const PassCost c = pick(
        cost_.step(b, groups, (context + b / 2) / b, design_ == Served::Hybrid ? top_rank : 0));
    charge(c);
    event("platform",
          fmt::format("step of {} ({} adapter{})", b, adapters.size(),
                      adapters.size() == 1 ? "" : "s"),
          "step", now_ - c.latency, adapters.size() == 1 ? adapters.front() : -1, b);
    ++out_.steps;
    out_.step_tokens += b;
    std::size_t finished = 0;
    for (std::int64_t id : batch) {
      const auto i = static_cast<std::size_t>(id);
      served_[i].energy_pj += c.energy_pj / static_cast<double>(b);
      if (++produced_[i] == requests_[i].decode_tokens) {
        view_.active.erase(std::find(view_.active.begin(), view_.active.end(), id));
        finished += finish(id);
      }
    }
    return finished;
  }

  std::size_t finish(std::int64_t id) {
    ServedRequest& s = served_[static_cast<std::size_t>(id)];
    s.request = requests_[static_cast<std::size_t>(id)];
    s.finish = now_;
    if (stream_.closed) {
      const std::int64_t next = id + sp_.clients;
      if (next < static_cast<std::int64_t>(requests_.size())) arrive_at(next, now_ + stream_.think);
    }
    return 1;
  }

  void reprogram(std::int64_t task) {
    const Picos t = cost_.program_time();
    for (std::int64_t id : view_.waiting.of(task)) {
      ServedRequest& s = served_[static_cast<std::size_t>(id)];
      if (s.waited_for == "none") s.start = now_;
      s.waited_for = "program";
      s.wait += t;
    }
    now_ += t;
    event("tiles", fmt::format("program task {}", task), "program", now_ - t, task, 0);
    out_.program_pj += cost_.program_energy_pj();
    ++out_.reprogrammings;
    out_.reprogram_time += t;
    view_.tiles_task = task;
  }

  Served design_;
  const ServeParams& sp_;
  CostModel& cost_;
  const RequestStream& stream_;
  std::vector<std::int64_t> ranks_;  // per adapter
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Residency> residency_;
  AdapterMemory memory_;
  ServeView view_;
  std::vector<Request> requests_;
  std::vector<ServedRequest> served_;
  std::vector<std::int64_t> produced_;
  using Arrival = std::pair<Picos, std::int64_t>;
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<Arrival>> pending_;
  Picos now_ = 0;
  bool trace_ = false;
  DesignServed out_;
};

double us(Picos ps) { return static_cast<double>(ps) / 1e6; }

std::string number(double v) { return fmt::format("{}", printed_figure(v)); }

// The nearest-rank percentile: the smallest value with at least p of the values at or below it.
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size(), std::max<std::size_t>(rank, 1)) - 1];
}

}  // namespace

RequestStream request_stream(const Config& cfg) {
  const ServeParams sp = ServeParams::from(cfg);
  if (sp.trace != "none") return read_requests(sp.trace, sp.adapters);
  return generate_requests(sp);
}

ServeResult serve(const Config& cfg, const RequestStream& stream, const ServeProgress& progress) {
  const ServeParams sp = ServeParams::from(cfg);
  CostModel cost(cfg, sp.cost_grid);
  if (!cost.decoder()) {
    for (const Request& r : stream.requests)
      if (r.decode_tokens > 0)
        throw InputError(fmt::format(
            "request {} decodes {} tokens, but {} is an encoder (no decode phase); accepted: "
            "decode_tokens 0 (serve.decode_tokens, or the trace's column)",
            r.id, r.decode_tokens, cost.model()));
  }
  const std::vector<std::int64_t> ranks = adapter_ranks(sp, cost.rank());
  ServeResult out;
  out.model = cost.model();
  out.ranks = ranks;
  out.policy = sp.policy;
  out.residency = sp.residency;
  out.adapters = sp.adapters;
  for (std::int64_t r : ranks) {
    out.adapter_bytes = std::max(out.adapter_bytes, cost.adapter_bytes(r));
    out.adapter_share = std::max(out.adapter_share, cost.adapter_share(r));
  }
  for (Served d : {Served::Hybrid, Served::Reprogram, Served::AnalogOnly})
    out.designs.push_back(Loop(d, cfg, sp, cost, stream, ranks).run(progress));
  out.simulations = cost.simulations();
  return out;
}

std::string requests_csv(const ServeResult& r) {
  std::string out =
      "design,id,adapter,prompt_tokens,decode_tokens,arrival_us,start_us,first_token_us,"
      "finish_us,ttft_us,tpot_us,latency_us,waited_for,wait_us,energy_uj\n";
  for (const DesignServed& d : r.designs) {
    for (const ServedRequest& s : d.requests) {
      const Request& q = s.request;
      const double tpot = q.decode_tokens > 0
                              ? us(s.finish - s.first_token) / static_cast<double>(q.decode_tokens)
                              : 0;
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", d.name, q.id, q.adapter,
                         q.prompt_tokens, q.decode_tokens, number(us(q.arrival)),
                         number(us(s.start)), number(us(s.first_token)), number(us(s.finish)),
                         number(us(s.first_token - q.arrival)),
                         q.decode_tokens > 0 ? number(tpot) : "", number(us(s.finish - q.arrival)),
                         s.waited_for, number(us(s.wait)), number(s.energy_pj / 1e6));
    }
  }
  return out;
}

std::string serve_json(const ServeResult& r) {
  using json = nlohmann::ordered_json;
  json j;
  j["model"] = r.model;
  j["policy"] = r.policy;
  j["residency"] = r.residency;
  j["adapters"] = r.adapters;
  j["adapter_ranks"] = r.ranks;
  j["adapter_bytes"] = r.adapter_bytes;
  j["adapter_share_bytes"] = r.adapter_share;
  j["simulations"] = r.simulations;
  j["designs"] = json::object();
  const auto pcts = [](const std::vector<double>& v) {
    json p;
    double sum = 0;
    for (double x : v) sum += x;
    p["mean"] = printed_figure(v.empty() ? 0 : sum / static_cast<double>(v.size()));
    p["p50"] = printed_figure(percentile(v, 0.5));
    p["p90"] = printed_figure(percentile(v, 0.9));
    p["p99"] = printed_figure(percentile(v, 0.99));
    return p;
  };
  for (const DesignServed& d : r.designs) {
    json g;
    std::vector<double> ttft, tpot, latency;
    std::int64_t prompt = 0, decode = 0, waited = 0;
    for (const ServedRequest& s : d.requests) {
      ttft.push_back(us(s.first_token - s.request.arrival));
      latency.push_back(us(s.finish - s.request.arrival));
      if (s.request.decode_tokens > 0)
        tpot.push_back(us(s.finish - s.first_token) / static_cast<double>(s.request.decode_tokens));
      prompt += s.request.prompt_tokens;
      decode += s.request.decode_tokens;
      waited += s.wait > 0;
    }
    const double window_s = static_cast<double>(d.end - d.first_arrival) / 1e12;
    const double n = static_cast<double>(d.requests.size());
    const auto per_s = [&](double x) { return printed_figure(window_s > 0 ? x / window_s : 0); };
    g["requests"] = d.requests.size();
    g["window_s"] = printed_figure(window_s);
    g["throughput_rps"] = per_s(n);
    g["prompt_tokens_per_s"] = per_s(static_cast<double>(prompt));
    g["decode_tokens_per_s"] = per_s(static_cast<double>(decode));
    g["ttft_us"] = pcts(ttft);
    if (!tpot.empty()) g["tpot_us"] = pcts(tpot);
    g["latency_us"] = pcts(latency);
    double in_system = 0;
    for (double l : latency) in_system += l;
    g["mean_in_system"] = printed_figure(window_s > 0 ? in_system / (window_s * 1e6) : 0);
    g["waited_requests"] = waited;
    if (d.name == "hybrid") {
      const AdapterTraffic& t = d.traffic;
      json m;
      std::int64_t accesses = 0;
      for (std::int64_t f : t.found) accesses += f;
      m["accesses"] = accesses;
      for (std::size_t i = 0; i < t.levels.size(); ++i) {
        json l;
        l["capacity_adapters"] = t.capacity[i];
        l["found"] = t.found[i];
        l["rate"] = printed_figure(
            accesses > 0 ? static_cast<double>(t.found[i]) / static_cast<double>(accesses) : 0);
        m["levels"][t.levels[i]] = l;
      }
      m["hit_rate"] = printed_figure(
          accesses > 0 ? static_cast<double>(t.found[0]) / static_cast<double>(accesses) : 0);
      m["loads"] = t.loads;
      m["bytes_moved"] = t.bytes_moved;
      m["preload_bytes"] = t.preload_bytes;
      m["load_time_us"] = printed_figure(us(t.load_time));
      g["adapters"] = m;
    }
    if (d.name == "reprogram") {
      g["reprogrammings"] = d.reprogrammings;
      g["reprogram_time_us"] = printed_figure(us(d.reprogram_time));
    }
    json e;
    const double total = d.compute_pj + d.load_pj + d.program_pj + d.leakage_pj;
    e["total_uj"] = printed_figure(total / 1e6);
    e["compute_uj"] = printed_figure(d.compute_pj / 1e6);
    e["adapter_loads_uj"] = printed_figure(d.load_pj / 1e6);
    e["programming_uj"] = printed_figure(d.program_pj / 1e6);
    e["leakage_uj"] = printed_figure(d.leakage_pj / 1e6);
    e["per_request_uj"] = printed_figure(n > 0 ? total / 1e6 / n : 0);
    const double tokens = static_cast<double>(prompt + decode);
    e["per_token_uj"] = printed_figure(tokens > 0 ? total / 1e6 / tokens : 0);
    g["energy"] = e;
    const double span = static_cast<double>(d.end - d.first_arrival);
    g["utilisation"]["tiles"] =
        printed_figure(span > 0 ? static_cast<double>(d.tile_busy) / span : 0);
    g["utilisation"]["pmcas"] =
        printed_figure(span > 0 ? static_cast<double>(d.pmca_busy) / span : 0);
    g["passes"]["prefills"] = d.prefills;
    g["passes"]["steps"] = d.steps;
    g["passes"]["mean_batch"] = printed_figure(
        d.steps > 0 ? static_cast<double>(d.step_tokens) / static_cast<double>(d.steps) : 0);
    j["designs"][d.name] = g;
  }
  return j.dump(2) + "\n";
}

void print_serve_table(std::ostream& os, const ServeResult& r) {
  os << fmt::format("{} adapters on {}, policy {}, residency {} ({} simulations cached)\n",
                    r.adapters, r.model, r.policy, r.residency, r.simulations);
  const nlohmann::json j = nlohmann::json::parse(serve_json(r));
  os << fmt::format("{:<12} {:>10} {:>12} {:>12} {:>12} {:>9} {:>12}\n", "design", "req/s",
                    "TTFT p50 us", "TTFT p99 us", "lat p99 us", "hit rate", "uJ/request");
  for (const DesignServed& d : r.designs) {
    const nlohmann::json& g = j["designs"][d.name];
    os << fmt::format("{:<12} {:>10.4g} {:>12.4g} {:>12.4g} {:>12.4g} {:>9} {:>12.4g}\n", d.name,
                      g["throughput_rps"].get<double>(), g["ttft_us"]["p50"].get<double>(),
                      g["ttft_us"]["p99"].get<double>(), g["latency_us"]["p99"].get<double>(),
                      g.contains("adapters")
                          ? fmt::format("{:.3f}", g["adapters"]["hit_rate"].get<double>())
                          : "-",
                      g["energy"]["per_request_uj"].get<double>());
  }
}

std::string serve_trace_json(const ServeResult& r) {
  using json = nlohmann::ordered_json;
  const auto us_text = [](Picos ps) {
    return json::parse(fmt::format("{}.{:06}", ps / 1000000, ps % 1000000));
  };
  json events = json::array();
  static const char* kLanes[] = {"platform", "memory", "tiles"};
  for (std::size_t pid = 0; pid < r.designs.size(); ++pid) {
    const DesignServed& d = r.designs[pid];
    events.push_back(
        {{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", d.name}}}});
    for (int tid = 0; tid < 3; ++tid)
      events.push_back({{"name", "thread_name"},
                        {"ph", "M"},
                        {"pid", pid},
                        {"tid", tid},
                        {"args", {{"name", kLanes[tid]}}}});
    for (const ServeEvent& e : d.events) {
      int tid = 0;
      while (tid < 2 && e.lane != kLanes[tid]) ++tid;
      json args = {{"requests", e.requests}};
      if (e.adapter >= 0) args["adapter"] = e.adapter;
      events.push_back({{"name", e.name},
                        {"cat", e.category},
                        {"ph", "X"},
                        {"pid", pid},
                        {"tid", tid},
                        {"ts", us_text(e.start)},
                        {"dur", us_text(e.end - e.start)},
                        {"args", args}});
    }
  }
  json j;
  j["traceEvents"] = events;
  j["displayTimeUnit"] = "ns";
  return j.dump() + "\n";
}

std::vector<std::string> write_serve_outputs(const ServeResult& r, const Config& cfg,
                                             const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"requests.csv", requests_csv(r)},
      {"serve.json", serve_json(r)},
      {"config.yaml",
       fmt::format("# Effective aimcsim {} config; `aimcsim serve config.yaml` reproduces this "
                   "serving run.\n{}",
                   kVersion, cfg.to_yaml())}};
  if (OutputParams::from(cfg).trace) files.emplace_back("trace.json", serve_trace_json(r));
  return write_output_set(dir, files, {"requests.csv", "serve.json", "config.yaml", "trace.json"});
}

}  // namespace aimcsim
