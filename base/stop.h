// A stop requested from outside (Ctrl-C, SIGTERM) and the progress of long work, for code at any
// floor: the exact oracle's DP in agents/ must stop within a second and say how far it is, without
// knowing about signals or terminals. The CLI (sim/io/interrupt, sim/io/progress) sets the flag and
// the listener; code deep below only polls and reports.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>

namespace offloadsim::base {

// Thrown by throw_if_stopped(): the run stops at a clean point, writes nothing more and exits 130.
class Stopped : public std::runtime_error {
 public:
  Stopped() : std::runtime_error("interrupted") {}
};

// Async-signal-safe: a signal handler may call it.
void request_stop() noexcept;
bool stop_requested() noexcept;
// Forgets a pending stop request (tests; tools that run several scenarios in turn).
void clear_stop() noexcept;
void throw_if_stopped();

// Long work reports `done` of `total` units of `what` now and then (at least once a second of work,
// not more than a few thousand times in all); the listener decides what to show. None: nothing.
using ProgressListener = std::function<void(const std::string& what, std::size_t done, std::size_t total)>;
void set_progress_listener(ProgressListener listener);
void report_progress(const std::string& what, std::size_t done, std::size_t total);

}  // namespace offloadsim::base
