#include "sim/base/error.hpp"

#include <iostream>

namespace aimcsim {

int exit_status_of(const std::function<int()>& action) {
  try {
    return action();
  } catch (const InputError& e) {
    std::cerr << "aimcsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "aimcsim: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace aimcsim
