// `nsga2`: pagmo's NSGA-II, registered here and implemented in a module of its own
// (plugin_nsga2.cpp, built as libaimcsim_nsga2.so beside libaimcsim), loaded the first time a
// search asks for it. Linking pagmo costs every process about 35 MiB at start (its relocations
// and static registrations: a trivial program linked to libpagmo peaks at 37.6 MiB against
// 0.9 MiB), which a run or a sweep worker should not pay for a search it never makes.
#include <dlfcn.h>
#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "sim/explore/search.hpp"

namespace aimcsim {
namespace {

using CreateFn = SearchAlgorithm* (*)();

// libaimcsim_nsga2.so from the folder libaimcsim itself was loaded from (the build tree or the
// installed library folder), loaded once per process and kept.
CreateFn nsga2_factory() {
  static std::once_flag once;
  static CreateFn create = nullptr;
  static std::string error;
  std::call_once(once, [] {
    Dl_info self{};
    std::string dir;
    if (::dladdr(reinterpret_cast<void*>(&nsga2_factory), &self) != 0 && self.dli_fname) {
      dir = self.dli_fname;
      const auto slash = dir.rfind('/');
      dir = slash == std::string::npos ? std::string() : dir.substr(0, slash + 1);
    }
    const std::string path = dir + "libaimcsim_nsga2.so";
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      error = fmt::format("cannot load the nsga2 search ({}): {}", path, why ? why : "unknown");
      return;
    }
    create = reinterpret_cast<CreateFn>(::dlsym(handle, "aimcsim_nsga2_create"));
    if (!create) error = fmt::format("{}: no aimcsim_nsga2_create", path);
  });
  if (!create) throw std::runtime_error(error);
  return create;
}

}  // namespace

AIMCSIM_REGISTER(SearchRegistry,
                 {"nsga2",
                  "NSGA-II (pagmo): a multi-objective genetic algorithm; constraints as penalties",
                  [] { return std::unique_ptr<SearchAlgorithm>(nsga2_factory()()); }, nullptr});

}  // namespace aimcsim
