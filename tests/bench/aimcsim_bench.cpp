// Google Benchmark microbenchmarks of the simulation kernel, run by scripts/bench.py:
//   raw_systemc_events  this machine's SystemC event rate: one method re-notified 1 ps later,
//                       with nothing else to do (the upper bound of any SystemC model here);
//   engine_chain        aimcsim's engine on a chain of jobs over four resources (each job one
//                       retirement, i.e. one kernel event, plus the issue bookkeeping);
//   engine_queue        many operators' jobs queued on one resource, all ready at once (the
//                       issue path: per-operator queues and the issue window);
//   run                 simulate() of the config given with --run KEY=VALUE (repeatable) over
//                       the embedded default, with its job count and jobs per second.
// Usage: aimcsim_bench [--run KEY=VALUE ...] [Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <systemc>
#include <vector>

#include "platform/embedded_config.hpp"
#include "sim/engine/engine.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {
namespace {

// A SystemC module whose one method notifies itself `count` times, 1 ps apart.
class Ticker : public sc_core::sc_module {
 public:
  Ticker(const sc_core::sc_module_name& name, std::int64_t count)
      : sc_core::sc_module(name), left_(count) {
    SC_HAS_PROCESS(Ticker);
    SC_METHOD(tick);
    sensitive << event_;
  }

 private:
  void tick() {
    if (left_-- > 0) event_.notify(sc_core::sc_time::from_value(1));
  }
  sc_core::sc_event event_;
  std::int64_t left_;
};

void raw_systemc_events(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  for (auto _ : state) {
    SimulationContext context;
    Ticker ticker("ticker", n);
    sc_core::sc_start();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(raw_systemc_events)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// A resource that runs one job at a time for a fixed time. Simplification: it models no
// hardware, only a busy-until time.
class FixedResource : public Resource {
 public:
  FixedResource(const std::string& name, Picos duration)
      : Resource(name, "bench"), duration_(duration) {}
  Timing issue(Job&, Picos now) override {
    const Picos start = std::max(now, free_);
    free_ = start + duration_;
    return {start, free_};
  }

 private:
  Picos duration_, free_ = 0;
};

void engine_chain(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  for (auto _ : state) {
    SimulationContext context;
    std::vector<std::unique_ptr<FixedResource>> res;
    for (int r = 0; r < 4; ++r)
      res.push_back(std::make_unique<FixedResource>("r" + std::to_string(r), 10 + r));
    JobGraph g;
    Job* prev = nullptr;
    for (std::int64_t i = 0; i < n; ++i) {
      Job& j = g.add(*res[static_cast<std::size_t>(i % 4)], static_cast<std::size_t>(i / 64), 1);
      if (prev) g.depend(*prev, j);
      prev = &j;
    }
    run_jobs(g);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(engine_chain)->Arg(1 << 18)->Unit(benchmark::kMillisecond);

void engine_queue(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  for (auto _ : state) {
    SimulationContext context;
    FixedResource res("r", 10);
    JobGraph g;
    // 16 operators interleaved, all ready at 0.
    for (std::int64_t i = 0; i < n; ++i) g.add(res, static_cast<std::size_t>(i % 16), 1);
    run_jobs(g);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(engine_queue)->Arg(1 << 14)->Arg(1 << 18)->Unit(benchmark::kMillisecond);

std::vector<std::string>& run_overrides() {
  static std::vector<std::string> overrides;
  return overrides;
}

void run(benchmark::State& state) {
  const Schema schema = build_schema();
  const Config cfg = Config::load(schema, {{"embedded default config", embedded_default_config()}},
                                  run_overrides());
  std::size_t jobs = 0;
  for (auto _ : state) jobs = simulate(cfg).jobs;
  state.counters["jobs"] = static_cast<double>(jobs);
  state.counters["jobs_per_s"] =
      benchmark::Counter(static_cast<double>(jobs) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(run)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace aimcsim

int sc_main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--run") == 0 && i + 1 < argc) {
      aimcsim::run_overrides().push_back(argv[++i]);
      continue;
    }
    rest.push_back(argv[i]);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
