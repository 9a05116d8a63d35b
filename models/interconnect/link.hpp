#pragma once
#include "models/interconnect/link_model.hpp"
#include "sim/engine/engine.hpp"

namespace aimcsim {

// SystemC model of a point-to-point link: a job is one transfer of `bytes`. The link is a
// resource with a busy-until time, so transfers queue behind each other.
class Link : public Resource {
 public:
  Link(const std::string& name, const LinkParams& params);
  Timing issue(Job& job, Picos now) override;
  std::int64_t bytes_moved() const { return bytes_; }

 private:
  LinkParams params_;
  Picos free_ = 0;
  std::int64_t bytes_ = 0;
};

}  // namespace aimcsim
