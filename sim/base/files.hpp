#pragma once
#include <optional>
#include <string>

namespace aimcsim {

// The whole file as bytes, or nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::string& path);

// Writes `content` to a temporary name beside `path` and renames it into place, so an interrupted
// run never leaves a partial file. Throws InputError naming the file when it cannot.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace aimcsim
