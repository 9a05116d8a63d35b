// The aimcsim executable: a thin shell over libaimcsim. libsystemc defines main() and calls
// sc_main() (declared extern "C" by <systemc>).
#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <systemc>

#include "sim/base/sanitizers.hpp"
#include "sim/cli/cli.hpp"

namespace {

// AddressSanitizer brings its own malloc, which these settings do not reach: the heap is left
// to it.
#if !defined(AIMCSIM_ASAN)

// huge_page_heap's block up to the first huge page (volatile: kept, never read).
void* volatile kept_below_huge_pages = nullptr;

// Whether the kernel gives huge pages to a range advised MADV_HUGEPAGE: transparent huge pages
// "always" or "madvise" (the bracketed word of the sysfs setting).
bool huge_pages_advisable() {
  const int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char text[128] = {};
  const ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  return n > 0 && (std::strstr(text, "[always]") || std::strstr(text, "[madvise]"));
}

// glibc's defaults for the two thresholds changed below (set, they no longer adapt).
void default_heap() {
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

// A run touches a few thousand fresh pages of memory (about 2,000 for the default run, 770 of
// them a 3 MiB buffer that SystemC's static initialisers zero), and on a virtual machine a page
// fault can cost 10-20 us: more than the run's instructions. So before any library's
// initialiser runs (.preinit_array), the executable asks for the first 24 MiB of its heap in
// 2 MiB transparent huge pages where the kernel gives them to advised ranges: the heap grows by
// 24 MiB at once, the huge pages in it are advised MADV_HUGEPAGE before anything touches them,
// blocks up to 4 MiB come from the heap (SystemC's buffer included) and up to 48 MiB of free heap
// is kept rather than returned. Outputs do not change; the page faults drop about sevenfold and
// resident memory rounds up to whole huge pages. Nothing is changed with AIMCSIM_HUGE_PAGES=0,
// where the kernel gives no huge pages, where glibc fills new blocks (MALLOC_PERTURB_, which
// would touch all 24 MiB), or without glibc's malloc (a sanitizer's).
void huge_page_heap(int, char**, char** envp) {
  for (char** e = envp; e && *e; ++e)
    if (std::strcmp(*e, "AIMCSIM_HUGE_PAGES=0") == 0 ||
        std::strncmp(*e, "MALLOC_PERTURB_=", 16) == 0 ||
        (std::strncmp(*e, "GLIBC_TUNABLES=", 15) == 0 && std::strstr(*e, "perturb")))
      return;
  if (!huge_pages_advisable()) return;
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20, kAhead = std::uintptr_t{24} << 20;
  // The largest threshold glibc takes (32 MiB), so the block below comes from the heap.
  if (mallopt(M_MMAP_THRESHOLD, 32 << 20) != 1) return;
  if (mallopt(M_TRIM_THRESHOLD, 2 * kAhead) != 1) return default_heap();
  // The heap grows by the block; malloc writes only just before it and just past its end, so
  // the huge pages within it are untouched when advised.
  void* block = std::malloc(kAhead);
  if (!block) return default_heap();
  const auto at = reinterpret_cast<std::uintptr_t>(block);
  const auto begin = (at + kHuge - 1) & ~(kHuge - 1);
  const auto end = (at + kAhead) & ~(kHuge - 1);
  const bool advised =
      end > begin && madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) == 0;
  std::free(block);
  if (!advised) return default_heap();
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  // The heap's free top starts where `block` did: a block up to the first huge page is kept, so
  // the next blocks (SystemC's buffer first) start on it. glibc's chunks carry an 8-byte size
  // before the 16-byte aligned data; the pages of the kept block are never touched.
  if (begin - at >= 64) kept_below_huge_pages = std::malloc(begin - at - 8);
}

[[gnu::used, gnu::section(".preinit_array")]] void (*const kHugePageHeap)(int, char**,
                                                                          char**) = huge_page_heap;
#endif

}  // namespace

int sc_main(int argc, char* argv[]) { return aimcsim::cli_main(argc, argv); }
