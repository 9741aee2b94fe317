// Splits a batch over the machine's cores with std::thread. The calling (JavaScript) thread takes one
// share itself and joins the others, so a call is synchronous and JS memory stays valid throughout.
#pragma once

#include <algorithm>
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
 * Calls fn(begin, end) over [0, n) in contiguous chunks, one per thread, using no more threads than
 * n / min_per_thread. fn must not throw. If a thread cannot be started, its chunk runs on this thread.
 */
template <class Fn>
void parallel_for(size_t n, size_t min_per_thread, Fn fn) {
  size_t threads = std::min<size_t>(thread_count(), std::max<size_t>(1, n / std::max<size_t>(1, min_per_thread)));
  if (threads <= 1) {
    if (n > 0) fn(size_t{0}, n);
    return;
  }
  const size_t chunk = (n + threads - 1) / threads;
  std::vector<std::thread> workers;
  std::vector<std::pair<size_t, size_t>> inline_chunks;
  for (size_t t = 1; t < threads; t++) {
    const size_t b = t * chunk;
    const size_t e = std::min(n, b + chunk);
    if (b >= e) break;
    try {
      workers.emplace_back([=] { fn(b, e); });
    } catch (const std::system_error&) {
      inline_chunks.emplace_back(b, e);
    }
  }
  fn(size_t{0}, std::min(n, chunk));
  for (auto& c : inline_chunks) fn(c.first, c.second);
  for (auto& w : workers) w.join();
}

}  // namespace por
