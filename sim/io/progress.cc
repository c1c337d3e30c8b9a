#include "sim/io/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

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
