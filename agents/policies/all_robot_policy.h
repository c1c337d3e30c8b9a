// Robot only (paper §IV, baseline 2): run the robot model at every step. With reuse_every = k > 1
// it runs the model every k-th step and reuses its stored prediction (action 0) in between.
#pragma once

#include <stdexcept>

#include "agents/policies/policy.h"

namespace offloadsim::agents {

class AllRobotPolicy final : public Policy {
 public:
  explicit AllRobotPolicy(int run_every = 1) : run_every_(run_every) {
    if (run_every < 1) throw std::invalid_argument("AllRobotPolicy: run_every must be >= 1");
  }
  std::string name() const override { return "all-robot"; }
  void begin_episode(const EpisodeContext&) override {}
  int act(const Observation& obs) override { return obs.t % run_every_ == 0 ? kRobot : kPastRobot; }

 private:
  int run_every_;
};

}  // namespace offloadsim::agents
