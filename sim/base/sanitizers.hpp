#pragma once
// AIMCSIM_ASAN is defined when the code is built with AddressSanitizer (which brings its own
// malloc): gcc says so with __SANITIZE_ADDRESS__, clang (14) only through
// __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define AIMCSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AIMCSIM_ASAN 1
#endif
#endif
