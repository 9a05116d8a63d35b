#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace aimcsim {

// How a Mixture-of-Experts layer spreads its tokens over its experts: each token activates
// `per_token` distinct experts, drawn without replacement from a distribution over the experts
// (uniform; or Zipf, where the expert of popularity rank r has weight 1 / r^exponent and the
// popularity order is shuffled per layer), or read from a routing trace. Draws are a pure
// function of (seed, layer, token) through splitmix64, not std:: distributions, so the routing
// is the same on every platform and a token's experts do not depend on the sequence length.
// Simplification: tokens are routed independently of their content.
class Routing {
 public:
  // uniform
  Routing() = default;
  static Routing uniform(std::uint64_t seed);
  static Routing zipf(double exponent, std::uint64_t seed);
  // A CSV with the header layer,token,expert: one row per token and activated expert; tokens
  // count from 0 over the prompt, then the decode steps. `name` is used in messages. Throws
  // InputError naming name:line for a malformed row.
  static Routing trace(const std::string& csv_text, const std::string& name);

  // The experts (ascending) token `token` activates in MoE layer `layer` of `experts` experts,
  // `per_token` each. A trace that lacks the token, names an expert out of range, or gives it
  // another count throws InputError naming the trace, the layer and the token.
  std::vector<std::int64_t> experts_of(std::int64_t layer, std::int64_t token, std::int64_t experts,
                                       std::int64_t per_token) const;
  // "uniform", "zipf:<exponent>", "trace:<name>".
  std::string describe() const;

 private:
  enum class Mode { Uniform, Zipf, Trace } mode_ = Mode::Uniform;
  double exponent_ = 0;
  std::uint64_t seed_ = 1;
  std::string name_;
  std::shared_ptr<const std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::int64_t>>>
      trace_;
};

}  // namespace aimcsim
