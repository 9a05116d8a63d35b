#pragma once
#include <functional>
#include <stdexcept>
#include <string>

namespace aimcsim {

// Bad input from the user (config, model file, command line). The CLI prints the message on one
// line and exits with status 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

// Runs `action` and returns its exit status; an InputError is printed on stderr as
// "aimcsim: error: ..." and gives 2, any other exception "aimcsim: internal error: ..." and 1.
// The command line and a sweep's in-process workers answer alike through it.
int exit_status_of(const std::function<int()>& action);

}  // namespace aimcsim
