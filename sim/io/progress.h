// Progress of a long run on stderr: a redrawn bar with ETA on a terminal, a plain line every
// 10% (or every 30 s) otherwise, so that logs of cluster jobs stay readable.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace offloadsim::sim {

class Progress {
 public:
  Progress(std::string label, std::size_t total, std::ostream& out, bool terminal);
  // Uses std::cerr and asks isatty() whether it is a terminal.
  Progress(std::string label, std::size_t total);
  ~Progress();

  void advance(std::size_t n = 1);
  // The work is complete: the last line says all of it, whatever the advances added up to (a
  // simulation's last second may not tick). Work that stopped early is not finished: don't call it.
  void finish();

 private:
  void draw(bool final_line);
  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::ostream& out_;
  bool terminal_;
  bool finished_ = false;
  int last_decile_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// Shows what long work deep below reports through base::report_progress (the exact oracle's DP,
// say): a line on stderr once a piece of work has run 2 s, then every 10 s, so no step stays silent
// for minutes.
void install_progress_listener();

// "1h02m", "3m07s", "12s"
std::string format_duration(double seconds);

}  // namespace offloadsim::sim
