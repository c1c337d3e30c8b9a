#include "agents/policies/robot_heuristic_policy.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace offloadsim::agents {

RobotHeuristicPolicy::RobotHeuristicPolicy(double percentile, double threshold)
    : percentile_(percentile), threshold_(threshold) {}

std::string RobotHeuristicPolicy::name() const {
  if (std::isnan(percentile_)) return fmt::format("robot-heuristic-t{:g}", threshold_);
  return fmt::format("robot-heuristic-q{:g}", percentile_);
}

double RobotHeuristicPolicy::threshold_for(double percentile, const std::vector<Trace>& traces) {
  if (percentile < 0.0 || percentile > 100.0) throw std::invalid_argument("percentile outside [0, 100]");
  std::vector<double> conf;
  for (const Trace& t : traces) {
    for (const Frame& f : t.frames) conf.push_back(f.robot_confidence);
  }
  if (conf.empty()) throw std::invalid_argument("RobotHeuristicPolicy: no calibration frames");
  std::sort(conf.begin(), conf.end());
  const double pos = percentile / 100.0 * static_cast<double>(conf.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, conf.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  // q = 100 must offload every frame, so the threshold sits just above the largest confidence.
  if (percentile >= 100.0) return std::nextafter(conf.back(), 2.0);
  return conf[lo] + frac * (conf[hi] - conf[lo]);
}

}  // namespace offloadsim::agents
