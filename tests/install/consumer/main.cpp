// Embeds aimcsim: a config from YAML text, one simulation, the end-to-end latencies. libsystemc
// defines main() and calls sc_main(), so a program linking SystemC provides sc_main.
#include <exception>
#include <iostream>
#include <systemc>

#include "sim/base/version.hpp"
#include "sim/run/run.hpp"
#include "sim/schedule/strategy.hpp"

int sc_main(int, char*[]) {
  try {
    const aimcsim::Schema schema = aimcsim::build_schema();
    // One linear layer with a LoRA adapter; keys not given take their schema defaults.
    const char* yaml = R"(
workload:
  model: linear:512x128
  seq_len: 64
pipeline:
  chunk_tokens: 8
)";
    const aimcsim::Config cfg = aimcsim::Config::load(schema, {{"consumer.yaml", yaml}}, {});
    const aimcsim::RunResult r = aimcsim::simulate(cfg);
    const auto strategies = aimcsim::StrategyRegistry::instance().names();

    std::cout << "aimcsim " << aimcsim::kVersion << ", strategies:";
    for (const auto& name : strategies) std::cout << ' ' << name;
    std::cout << "\nstrategy " << r.strategy << ", " << r.ops.size() << " operators\n"
              << "analog-only " << aimcsim::ps_to_ns(r.analog_only) << " ns\n"
              << "hybrid " << aimcsim::ps_to_ns(r.hybrid) << " ns\n"
              << "overhead " << static_cast<double>(r.hybrid) / static_cast<double>(r.analog_only)
              << "\n";

    if (strategies.empty() || r.ops.empty() || r.analog_only <= 0 || r.hybrid < r.analog_only) {
      std::cerr << "consumer: implausible result\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "consumer: " << e.what() << '\n';
    return 1;
  }
}
