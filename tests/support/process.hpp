#pragma once
// Running the aimcsim executable as a user would, capturing what it prints and its exit status.
#include <string>

namespace aimcsim::test {

struct ProcessResult {
  int status = -1;  // exit status; -1 when the process did not exit normally
  std::string out, err;
  std::string output() const { return out + err; }  // stdout, then stderr
};

// Runs `command` through /bin/sh, stdin closed, and waits for it.
ProcessResult run_command(const std::string& command);

// The aimcsim executable of this build.
const std::string& aimcsim_exe();
// Runs `aimcsim <args>`; `args` is shell text (quote what needs quoting).
ProcessResult run_aimcsim(const std::string& args);

}  // namespace aimcsim::test
