// Cloud only (paper §IV, baseline 3): query the cloud every ⌈T / N_budget⌉ steps, starting at
// t = 0, and hold the cloud prediction (action 1) in between: periodic sampling and hold.
// With no budget at all every query would run the robot model instead (the MDP's budget rule).
#pragma once

#include "agents/policies/policy.h"

namespace offloadsim::agents {

class AllCloudPolicy final : public Policy {
 public:
  std::string name() const override { return "all-cloud"; }
  void begin_episode(const EpisodeContext& ctx) override {
    period_ = ctx.budget > 0 ? (ctx.horizon + ctx.budget - 1) / ctx.budget : 1;
  }
  int act(const Observation& obs) override { return obs.t % period_ == 0 ? kCloud : kPastCloud; }
  int period() const { return period_; }

 private:
  int period_ = 1;
};

}  // namespace offloadsim::agents
