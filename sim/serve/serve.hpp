#pragma once
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/base/units.hpp"
#include "sim/serve/request.hpp"

namespace aimcsim {

// One request as a design served it. Times from the start of the stream.
struct ServedRequest {
  Request request;        // its arrival as served (a closed loop's follow from earlier answers)
  Picos start = 0;        // its adapter load (or the tiles' reprogramming) or prefill began
  Picos first_token = 0;  // its prefill ended
  Picos finish = 0;       // its last decode step ended (the prefill's end without decode)
  std::string waited_for = "none";  // the level its adapter was loaded from, or "program"
  Picos wait = 0;                   // time it waited for that load or reprogramming
  double energy_pj = 0;  // dynamic: its prefill, its share of each step, its adapter load
};

// Memory traffic and hits of the adapters in one design.
struct AdapterTraffic {
  std::vector<std::string> levels;     // l1, l2, dram (those adapters can live in)
  std::vector<std::int64_t> capacity;  // adapters each holds
  std::vector<std::int64_t> found;     // accesses served from each level
  std::int64_t loads = 0;
  std::int64_t bytes_moved = 0;    // over every hop of every load
  std::int64_t preload_bytes = 0;  // placed before the stream (a pinned set)
  Picos load_time = 0;
};

// One interval of a design's timeline, for trace.json.
struct ServeEvent {
  std::string lane;      // platform (passes), memory (adapter loads), tiles (reprogramming)
  std::string name;      // "prefill 12", "step of 8", "load adapter 3 from dram", ...
  std::string category;  // prefill, step, load, program
  Picos start = 0, end = 0;
  std::int64_t adapter = -1, requests = 0;  // the adapter (or task); requests in the pass
};

// One design's serving of the stream: hybrid (adapters swapped on the PMCAs), reprogram (the
// tiles programmed with one task's merged weights at a time) or analog-only (no adapters, the
// lower bound).
struct DesignServed {
  std::string name;
  std::vector<ServedRequest> requests;  // by request id
  Picos first_arrival = 0, end = 0;     // the serving window
  AdapterTraffic traffic;               // hybrid only
  std::int64_t reprogrammings = 0;
  Picos reprogram_time = 0;
  double compute_pj = 0, load_pj = 0, program_pj = 0, leakage_pj = 0;
  Picos tile_busy = 0, pmca_busy = 0;  // mean busy time of a tile, of a PMCA
  std::int64_t prefills = 0, steps = 0, step_tokens = 0;
  std::vector<ServeEvent> events;  // with output.trace
};

struct ServeResult {
  std::string model, policy, residency;
  std::int64_t adapters = 0;
  std::vector<std::int64_t> ranks;                    // per adapter
  std::int64_t adapter_bytes = 0, adapter_share = 0;  // of the largest adapter
  std::int64_t simulations = 0;  // runs of the simulator behind the cached costs
  std::vector<DesignServed> designs;
};

// Serves `stream` on the three designs under `cfg` (the model's platform and the serve.* and
// memory.* keys). Throws InputError on a stream the model cannot serve (decode tokens on an
// encoder) or adapters the memories cannot hold.
// `progress`, when set, is called as each design starts and then about every 1 % of its
// requests (design name, requests finished, requests in all).
using ServeProgress = std::function<void(const std::string&, std::size_t, std::size_t)>;
ServeResult serve(const Config& cfg, const RequestStream& stream,
                  const ServeProgress& progress = {});
// The stream serve.* describes: serve.trace read, or generated.
RequestStream request_stream(const Config& cfg);

// requests.csv: one row per design and request.
std::string requests_csv(const ServeResult& r);
// serve.json: per design throughput, TTFT / TPOT / latency percentiles, hit rates, bytes moved,
// energy per request and token, utilisation.
std::string serve_json(const ServeResult& r);
// trace.json: Chrome trace events, one process per design, lanes platform / memory / tiles.
std::string serve_trace_json(const ServeResult& r);
// One row per design on `os`.
void print_serve_table(std::ostream& os, const ServeResult& r);
// requests.csv, serve.json, config.yaml and, with output.trace, trace.json into `dir`, as a set
// (written to temporary names, then renamed; an earlier trace.json is removed when this run
// writes none). Returns the names written.
std::vector<std::string> write_serve_outputs(const ServeResult& r, const Config& cfg,
                                             const std::string& dir);

}  // namespace aimcsim
