#pragma once
#include <functional>
#include <string>
#include <vector>

#include "sim/base/config.hpp"

namespace aimcsim {

// The sections of the config schema: each component's params struct registers the function
// that declares its keys (AIMCSIM_REGISTER_PARAMS, beside its bind()), with a rank that fixes
// where its keys appear in `aimcsim params` and in a written config.yaml. The whole schema is
// every section in rank order, so no list of sections is kept by hand.
class SchemaRegistry {
 public:
  struct Section {
    int rank;
    std::string name;
    std::function<void(Schema&)> declare;
  };
  static SchemaRegistry& instance();
  // Contract: one section per name; two sections with the same name or rank are a programming
  // error (std::logic_error). Returns true, for the registration constant.
  bool add(Section section);
  const std::vector<Section>& sections() const { return sections_; }
  // Every registered section's keys, in rank order.
  Schema build() const;

 private:
  std::vector<Section> sections_;
};

#define AIMCSIM_PARAMS_CAT2(a, b) a##b
#define AIMCSIM_PARAMS_CAT(a, b) AIMCSIM_PARAMS_CAT2(a, b)
// AIMCSIM_REGISTER_PARAMS(40, "interconnect", NetworkParams): the struct's keys at rank 40.
#define AIMCSIM_REGISTER_PARAMS(RANK, NAME, TYPE)                                    \
  static const bool AIMCSIM_PARAMS_CAT(aimcsim_params_, __LINE__) [[maybe_unused]] = \
      ::aimcsim::SchemaRegistry::instance().add(                                     \
          {RANK, NAME, [](::aimcsim::Schema& s) { TYPE::declare(s); }})

}  // namespace aimcsim
