#include "base/stop.h"

#include <atomic>
#include <csignal>
#include <utility>

namespace offloadsim::base {

namespace {
// Written from a signal handler: a lock-free atomic is the one kind of state it may touch.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

ProgressListener& listener() {
  static ProgressListener l;
  return l;
}
}  // namespace

void request_stop() noexcept {
  g_stop.store(true, std::memory_order_relaxed);
}

bool stop_requested() noexcept {
  return g_stop.load(std::memory_order_relaxed);
}

void clear_stop() noexcept {
  g_stop.store(false, std::memory_order_relaxed);
}

void throw_if_stopped() {
  if (stop_requested()) throw Stopped();
}

void set_progress_listener(ProgressListener l) {
  listener() = std::move(l);
}

void report_progress(const std::string& what, std::size_t done, std::size_t total) {
  if (listener()) listener()(what, done, total);
}

}  // namespace offloadsim::base
