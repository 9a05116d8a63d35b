#pragma once
#include <stdexcept>
#include <string>

namespace aimcsim {

// Bad input from the user (config, model file, command line). The CLI prints the message on one
// line and exits with status 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace aimcsim
