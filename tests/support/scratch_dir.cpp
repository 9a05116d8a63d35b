#include "tests/support/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "sim/base/files.hpp"

namespace aimcsim::test {

ScratchDir::ScratchDir(const std::string& tag) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  path_ = std::filesystem::temp_directory_path() /
          ("aimcsim_" + tag + "_" + std::to_string(::getpid()) + "_" +
           (info ? std::string(info->name()) : std::string("none")));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string file_text(const std::filesystem::path& path) {
  const std::optional<std::string> text = read_file(path.string());
  if (!text) {
    ADD_FAILURE() << "cannot read " << path.string();
    return "";
  }
  return *text;
}

}  // namespace aimcsim::test
