// The receive-rate estimate `rostopic bw` prints: over the last `window` messages, their bytes
// divided by the time from the oldest of them to now (rospy's ROSTopicBandwidth). The paper's
// Fig. 2 numbers are medians of these estimates, printed once a second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace offloadsim::netmodels {

class BandwidthEstimator {
 public:
  explicit BandwidthEstimator(std::size_t window = 100) : window_(window) {}

  void add(double t_s, std::uint64_t bytes) {
    samples_.emplace_back(t_s, bytes);
    sum_ += bytes;
    if (samples_.size() > window_) {
      sum_ -= samples_.front().second;
      samples_.pop_front();
    }
  }

  // Bytes per second at time `now_s`; 0 before two messages or when no time has passed.
  double rate(double now_s) const {
    if (samples_.size() < 2) return 0.0;
    const double span = now_s - samples_.front().first;
    return span > 0 ? static_cast<double>(sum_) / span : 0.0;
  }

  std::size_t size() const { return samples_.size(); }

 private:
  std::size_t window_;
  std::deque<std::pair<double, std::uint64_t>> samples_;
  std::uint64_t sum_ = 0;
};

}  // namespace offloadsim::netmodels
