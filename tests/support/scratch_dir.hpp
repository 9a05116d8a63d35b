#pragma once
// Files for tests: a scratch folder per test, and the text of a file a run wrote.
#include <filesystem>
#include <string>

namespace aimcsim::test {

// A fresh, empty folder under the system's temporary folder, named after `tag`, the process and
// the running test (so tests in parallel processes do not collide); removed with everything in
// it when destroyed.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string.
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The whole file (sim/base/files.hpp read_file); a test failure and "" when it cannot be read.
std::string file_text(const std::filesystem::path& path);

}  // namespace aimcsim::test
