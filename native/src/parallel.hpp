// Splits a batch over the machine's cores with std::thread. The calling (JavaScript) thread works too and
// joins the others before returning, so a call is synchronous and JS memory stays valid throughout.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <system_error>
#include <thread>
#include <vector>

namespace por {

/** Worker count: POR_NATIVE_THREADS if set to 1..256, else the hardware concurrency (at least 1). */
inline unsigned thread_count() {
  static const unsigned n = [] {
    if (const char* env = std::getenv("POR_NATIVE_THREADS")) {
      const long v = std::strtol(env, nullptr, 10);
      if (v >= 1 && v <= 256) return static_cast<unsigned>(v);
    }
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1u : hw;
  }();
  return n;
}

/**
 * Calls fn(begin, end) over [0, n) in blocks handed out from a shared counter, on up to
 * n / min_per_thread threads (the calling thread is one of them). Threads that get more CPU take more
 * blocks, which matters on shared machines where a static split waits for the slowest core. Blocks are whole
 * multiples of `grain` items (except the last), for kernels that work on several items at once. fn must not
 * throw. If a helper thread cannot be started, the others (at least the calling thread) do its share.
 */
template <class Fn>
void parallel_for(size_t n, size_t min_per_thread, Fn fn, size_t grain = 1) {
  const size_t threads =
      std::min<size_t>(thread_count(), std::max<size_t>(1, n / std::max<size_t>(1, min_per_thread)));
  if (threads <= 1) {
    if (n > 0) fn(size_t{0}, n);
    return;
  }
  const size_t g = std::max<size_t>(1, grain);
  const size_t block = (std::max<size_t>(1, n / (threads * 64)) + g - 1) / g * g;
  std::atomic<size_t> next{0};
  auto work = [&next, &fn, n, block] {
    for (;;) {
      const size_t b = next.fetch_add(block, std::memory_order_relaxed);
      if (b >= n) return;
      fn(b, std::min(n, b + block));
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (size_t t = 1; t < threads; t++) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // fewer helpers; the blocks still all get done
    }
  }
  work();
  for (auto& h : helpers) h.join();
}

}  // namespace por
