// Robot-uncertainty sampling (paper §IV, baseline 4): offload the q-th percentile least confident
// frames. The confidence threshold is the q-th percentile of the robot's confidence over
// calibration (training) frames; a frame below it goes to the cloud while budget remains, every
// other frame runs the robot model. Quirks::heuristic_lag: the paper code's rule, which compares
// the confidence of the prediction used at the previous step instead, and asks for the cloud
// below the threshold whatever the budget (docs/mdp.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "agents/mdp/trace.h"
#include "agents/policies/policy.h"

namespace offloadsim::agents {

class RobotHeuristicPolicy final : public Policy {
 public:
  // `percentile` NaN: a threshold given directly (named robot-heuristic-t<threshold>).
  RobotHeuristicPolicy(double percentile, double threshold);

  // Threshold for percentile q ∈ [0, 100] over every frame's robot confidence in `traces`
  // (linear interpolation between order statistics).
  static double threshold_for(double percentile, const std::vector<Trace>& traces);

  std::string name() const override;
  void begin_episode(const EpisodeContext& ctx) override {
    lag_ = ctx.params != nullptr && ctx.params->quirks.heuristic_lag;
    first_step_ = true;
  }
  int act(const Observation& obs) override {
    if (lag_) {
      // The paper's code plans its first step as a robot query, before any prediction exists.
      const bool first = std::exchange(first_step_, false);
      return !first && obs.last_used.confidence < threshold_ ? kCloud : kRobot;
    }
    return (obs.robot_confidence < threshold_ && obs.budget_remaining > 0) ? kCloud : kRobot;
  }
  double percentile() const { return percentile_; }
  double threshold() const { return threshold_; }

 private:
  double percentile_;
  double threshold_;
  bool lag_ = false;
  bool first_step_ = true;
};

}  // namespace offloadsim::agents
