#include "sim/io/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>

#include "base/stop.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace offloadsim::sim {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

void install_progress_listener() {
  struct State {
    std::mutex mutex;
    std::string what;
    std::chrono::steady_clock::time_point start, last;
  };
  auto state = std::make_shared<State>();
  base::set_progress_listener([state](const std::string& what, std::size_t done, std::size_t total) {
    const std::lock_guard<std::mutex> lock(state->mutex);
    const auto now = std::chrono::steady_clock::now();
    if (what != state->what) {
      state->what = what;
      state->start = state->last = now;
      return;
    }
    const double running = std::chrono::duration<double>(now - state->start).count();
    const double since = std::chrono::duration<double>(now - state->last).count();
    if (running < 2.0 || (state->last != state->start && since < 10.0)) return;
    state->last = now;
    const double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    const double eta = frac > 0 ? running / frac * (1 - frac) : NAN;
    fmt::print(std::cerr, "{}: {:3.0f}%, elapsed {}, ETA {}\n", what, 100 * frac, format_duration(running),
               format_duration(eta));
    std::cerr.flush();
  });
}

Progress::Progress(std::string label, std::size_t total, std::ostream& out, bool terminal)
    : label_(std::move(label)),
      total_(total),
      out_(out),
      terminal_(terminal),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::Progress(std::string label, std::size_t total)
    : Progress(std::move(label), total, std::cerr, ::isatty(STDERR_FILENO) != 0) {}

Progress::~Progress() {
  if (terminal_ && !finished_ && done_ > 0) out_ << '\n';
}

void Progress::advance(std::size_t n) {
  done_ += n;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (terminal_) {
    if (since >= 0.1 || done_ >= total_) draw(false);
  } else {
    const int decile = total_ ? static_cast<int>(10 * done_ / total_) : 10;
    if ((decile > last_decile_ && done_ < total_) || since >= 30.0) {
      last_decile_ = decile;
      draw(false);
    }
  }
}

void Progress::finish() {
  if (finished_) return;
  done_ = std::max(done_, total_);  // the work is done, whatever its units added up to
  draw(true);
  finished_ = true;
}

void Progress::draw(bool final_line) {
  const auto now = std::chrono::steady_clock::now();
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double frac = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  const double eta =
      done_ ? elapsed / static_cast<double>(done_) * static_cast<double>(total_ - std::min(done_, total_)) : NAN;
  std::string tail = final_line ? fmt::format("done in {}", format_duration(elapsed))
                                : fmt::format("elapsed {}, ETA {}", format_duration(elapsed), format_duration(eta));
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    fmt::print(out_, "\r{} [{}{}] {:3.0f}% {}/{} {}\x1b[K", label_, std::string(static_cast<size_t>(filled), '#'),
               std::string(static_cast<size_t>(kWidth - filled), '.'), 100 * frac, done_, total_, tail);
    if (final_line) out_ << '\n';
  } else {
    fmt::print(out_, "{}: {:3.0f}% ({}/{}), {}\n", label_, 100 * frac, done_, total_, tail);
  }
  out_.flush();
}

}  // namespace offloadsim::sim
