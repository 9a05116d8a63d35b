#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/params.hpp"
#include "sim/base/units.hpp"

namespace aimcsim {

// How `aimcsim serve` makes and serves a request stream (the serve.* keys).
struct ServeParams : Params<ServeParams> {
  std::int64_t adapters;           // tasks, each with its own LoRA adapter: 0 .. adapters-1
  std::string ranks;               // one LoRA rank per adapter, comma-separated; none: lora.rank
  std::string trace;               // a request file (CSV or JSON Lines), or none: generated
  std::string arrival;             // poisson, closed
  double rate_hz;                  // poisson: requests per second
  std::int64_t clients;            // closed: clients, each with one request in flight
  double think_ns;                 // closed: time from a client's answer to its next request
  std::int64_t requests;           // generated requests
  std::string mix;                 // uniform, zipf, weights
  double zipf_exponent;            // zipf: adapter i (0-based) has weight 1 / (i + 1)^exponent
  std::string weights;             // weights: one weight per adapter, comma-separated
  std::int64_t prompt_tokens;      // generated prompt length (the minimum when a maximum is given)
  std::int64_t prompt_tokens_max;  // 0: fixed; else uniform in [prompt_tokens, max]
  std::int64_t decode_tokens;
  std::int64_t decode_tokens_max;
  std::int64_t seed;
  std::string policy;            // a SchedulerRegistry name
  std::string residency;         // a ResidencyRegistry name
  std::int64_t max_batch;        // requests decoding together (batching policies)
  std::int64_t reprogram_queue;  // reprogramming design: switch task when its queue reaches this
  std::string cost_grid;         // exact, pow2

  static void bind(ParamBinder<ServeParams>& b);
};

// One request of the stream. Arrival is fixed for an open stream (a trace or Poisson); in a
// closed loop a client's next request arrives `think` after its previous one finished, so only
// each client's first request has an arrival before serving starts.
struct Request {
  std::int64_t id = 0;
  Picos arrival = 0;
  std::int64_t adapter = 0;
  std::int64_t prompt_tokens = 0, decode_tokens = 0;
  std::int64_t client = -1;  // closed loop: the client that sends it; -1: open stream
};

struct RequestStream {
  std::vector<Request> requests;  // by id; an open stream in arrival order
  bool closed = false;
  Picos think = 0;  // closed loop
  // Expected share of each adapter (the mix's weights, or a trace's counts), for the pinned set.
  std::vector<double> popularity;
};

// Reads a request file: CSV with the header arrival_us,adapter,prompt_tokens,decode_tokens (in
// any order, more columns ignored) or, for a name ending in .jsonl, one JSON object a line with
// the same fields. Adapters are 0 .. `adapters`-1. A missing column, a field that is not a
// number, a negative or decreasing time, an unknown adapter or a prompt below one token throws
// InputError naming the file and line.
RequestStream read_requests(const std::string& path, std::int64_t adapters);
// The same from text (`name` in messages).
RequestStream parse_requests(const std::string& text, const std::string& name,
                             std::int64_t adapters);
// Each adapter's LoRA rank from serve.ranks (lora.rank for every adapter when none); InputError
// naming the key on a list of the wrong length or a rank that is not a whole number >= 1.
std::vector<std::int64_t> adapter_ranks(const ServeParams& p, std::int64_t lora_rank);
// The stream the serve.* keys describe, deterministic under serve.seed.
RequestStream generate_requests(const ServeParams& p);

}  // namespace aimcsim
