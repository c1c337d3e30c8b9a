// The congestion-aware heuristic of the closed loop: query the cloud when the robot is unsure
// (its confidence below the q-th percentile threshold, as robot-heuristic), the predicted reply
// time fits the frame's deadline, a token remains and the in-flight limit leaves room; otherwise
// run the robot model. Without a network view (the plain MDP, offload-eval) or before the robot
// has measured a round trip, it acts as robot-heuristic.
#pragma once

#include <string>

#include "agents/loop/network_view.h"
#include "agents/policies/policy.h"

namespace offloadsim::agents {

class CongestionAwarePolicy final : public Policy {
 public:
  CongestionAwarePolicy(double percentile, double threshold) : percentile_(percentile), threshold_(threshold) {}

  std::string name() const override;
  void begin_episode(const EpisodeContext&) override {}
  int act(const Observation& obs) override {
    if (!(obs.robot_confidence < threshold_) || obs.budget_remaining <= 0) return kRobot;
    const NetworkView* net = obs.network;
    if (net == nullptr || !net->has_delay) return kCloud;
    const bool fits = net->predicted_reply_s <= net->time_to_deadline_s;
    const bool room = net->in_flight < net->max_in_flight;
    return fits && room ? kCloud : kRobot;
  }
  double threshold() const { return threshold_; }

 private:
  double percentile_;
  double threshold_;
};

}  // namespace offloadsim::agents
