#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine.hpp"

namespace aimcsim {

// The resources one linear operator uses in the hybrid design and the sizes a strategy needs.
struct OpResources {
  Resource& tile;
  Resource& link;
  Resource& pmca;
  std::size_t op = 0;
  std::int64_t tokens = 0;
  std::int64_t chunk = 0;               // tokens per chunk
  std::int64_t out_bytes_per_token = 0; // X W bytes the tile sends to the PMCA per token
};

// Durations of one operator's pieces on idle resources, for the analytic twin.
struct OpTiming {
  Picos mvm_latency = 0;  // one MVM on an idle tile
  Picos mvm_period = 0;   // between MVM completions when the tile streams
  std::function<Picos(std::int64_t bytes)> transfer;       // latency + serialisation
  std::function<Picos(std::int64_t bytes)> serialisation;  // link occupancy
  std::function<Picos(std::int64_t tokens)> pmca_chunk;    // one PMCA chunk
  std::int64_t tokens = 0;
  std::int64_t chunk = 0;
  std::int64_t out_bytes_per_token = 0;
};

// Chunk sizes of a sequence: tokens split into chunks of `chunk`, the last one shorter.
std::vector<std::int64_t> chunk_sizes(std::int64_t tokens, std::int64_t chunk);

// A pipelining strategy: turns one operator into jobs on the tile, the link and the PMCA.
class Strategy {
 public:
  virtual ~Strategy() = default;
  // Contract: appends the hybrid jobs of one operator to `graph`. Every job that has no
  // predecessor inside the operator depends on `after` when given (the previous operator's
  // last job). Returns the job that completes the operator.
  virtual Job& schedule(JobGraph& graph, const OpResources& r, Job* after) const = 0;
  // Contract: the latency of the same schedule computed without simulation, on idle resources
  // and without contention; it equals the simulated latency when nothing else competes.
  virtual Picos analytic(const OpTiming& t) const = 0;
};

// Strategies register themselves by name (see AIMCSIM_REGISTER_STRATEGY) and are chosen with
// `pipeline.strategy`.
class StrategyRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Strategy>()>;
  static StrategyRegistry& instance();
  bool add(const std::string& name, const std::string& description, Factory factory);
  std::unique_ptr<Strategy> create(const std::string& name) const;
  std::vector<std::string> names() const;
  std::string description(const std::string& name) const;

 private:
  struct Entry {
    std::string name, description;
    Factory factory;
  };
  std::vector<Entry> entries_;
};

#define AIMCSIM_REGISTER_STRATEGY(NAME, DESCRIPTION, TYPE)                                       \
  static const bool aimcsim_registered_##TYPE = ::aimcsim::StrategyRegistry::instance().add(      \
      NAME, DESCRIPTION, [] { return std::unique_ptr<::aimcsim::Strategy>(new TYPE()); })

// The analog-only baseline of one operator: the tile runs all tokens, no adapter.
Job& schedule_analog_only(JobGraph& graph, Resource& tile, std::size_t op, std::int64_t tokens, Job* after);
Picos analog_only_analytic(const OpTiming& t);

// End of `n` MVMs issued back to back on an idle tile.
Picos mvm_run_end(const OpTiming& t, std::int64_t n);

}  // namespace aimcsim
