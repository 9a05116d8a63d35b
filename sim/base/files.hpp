#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aimcsim {

// The largest file a reader takes: configs, config.json files, sweep files and traces are far
// smaller; a larger input (a device such as /dev/zero, a wrong path) stops with InputError.
inline constexpr std::size_t kMaxInputBytes = std::size_t{64} << 20;

// The whole file as bytes, or nullopt when it cannot be opened (or is a folder). Throws
// InputError naming the file when reading fails or it passes `max_bytes`.
std::optional<std::string> read_file(const std::string& path,
                                     std::size_t max_bytes = kMaxInputBytes);
// Writes `content` to a temporary name beside `path` and renames it into place, so an interrupted
// run never leaves a partial file. Throws InputError naming the file and the system's reason
// (e.g. "No space left on device") when it cannot, removing the temporary file.
void write_file_atomic(const std::string& path, const std::string& content);
// The same for a set of (path, content): every file is written to its temporary name first and
// only then are they renamed into place, so a failure (a full disk) leaves the earlier set whole
// rather than a mix of old and new files.
void write_files_atomic(const std::vector<std::pair<std::string, std::string>>& files);
// A command's outputs in folder `dir` (created if needed) as one set: `files` (name, content) are
// written by write_files_atomic, then what an earlier run into the folder left is removed (a
// file of `all_names` this run does not write, temporary files of a run killed while writing),
// so the folder never mixes runs. Returns the names written, in order. InputError naming the
// folder when it cannot be created.
std::vector<std::string> write_output_set(
    const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
    const std::vector<std::string>& all_names);

}  // namespace aimcsim
