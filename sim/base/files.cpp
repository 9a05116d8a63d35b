#include "sim/base/files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "sim/base/error.hpp"

namespace aimcsim {

std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      if (err == EISDIR) return std::nullopt;
      throw InputError(fmt::format("{}: cannot read: {}", path, std::strerror(err)));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      throw InputError(fmt::format(
          "{}: larger than {} MiB, more than any config, model or trace file aimcsim reads; is "
          "it the right file?",
          path, max_bytes >> 20));
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

namespace {

// Writes `content` to `tmp` (created or truncated), throwing InputError with the system's reason.
void write_whole(const std::string& tmp, const std::string& content) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw InputError(fmt::format("{}: cannot write: {} (check the output folder, -o)", tmp,
                                 std::strerror(errno)));
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      std::remove(tmp.c_str());
      throw InputError(fmt::format("{}: write failed: {}", tmp, std::strerror(err)));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw InputError(fmt::format("{}: write failed: {}", tmp, std::strerror(err)));
  }
}

std::string temporary_name(const std::string& path) {
  return fmt::format("{}.tmp.{}", path, ::getpid());
}

void rename_into_place(const std::string& tmp, const std::string& path) {
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw InputError(fmt::format("{}: cannot rename into place: {}", path, ec.message()));
  }
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = temporary_name(path);
  write_whole(tmp, content);
  rename_into_place(tmp, path);
}

void write_files_atomic(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> written;
  try {
    for (const auto& [path, content] : files) {
      write_whole(temporary_name(path), content);
      written.push_back(temporary_name(path));
    }
  } catch (...) {
    for (const std::string& tmp : written) std::remove(tmp.c_str());
    throw;
  }
  for (const auto& [path, content] : files) rename_into_place(temporary_name(path), path);
}

std::vector<std::string> write_output_set(
    const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
    const std::vector<std::string>& all_names) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create output folder: {}", dir, ec.message()));
  std::vector<std::pair<std::string, std::string>> paths;
  std::vector<std::string> written;
  for (const auto& [name, text] : files) {
    paths.emplace_back(dir + "/" + name, text);
    written.push_back(name);
  }
  write_files_atomic(paths);
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    for (const std::string& out : all_names) {
      const bool stale =
          name == out && std::find(written.begin(), written.end(), out) == written.end();
      if (stale || name.rfind(out + ".tmp.", 0) == 0) {
        std::error_code ignored;
        std::filesystem::remove(entry.path(), ignored);
      }
    }
  }
  return written;
}

}  // namespace aimcsim
