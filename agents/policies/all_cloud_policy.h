// Cloud only (paper §IV, baseline 3): query the cloud every ⌈T / N_budget⌉ steps, starting at
// t = 0, and hold the cloud prediction (action 1) in between: periodic sampling and hold.
// With no budget at all every query would run the robot model instead (the MDP's budget rule).
// Quirks::all_cloud_floor_period: every ⌊T / N_budget⌋ steps, as the paper's code does.
#pragma once

#include <algorithm>

#include "agents/policies/policy.h"

namespace offloadsim::agents {

class AllCloudPolicy final : public Policy {
 public:
  std::string name() const override { return "all-cloud"; }
  void begin_episode(const EpisodeContext& ctx) override {
    const bool floor = ctx.params != nullptr && ctx.params->quirks.all_cloud_floor_period;
    if (ctx.budget <= 0) {
      period_ = 1;
    } else {
      period_ = floor ? std::max(1, ctx.horizon / ctx.budget) : (ctx.horizon + ctx.budget - 1) / ctx.budget;
    }
  }
  int act(const Observation& obs) override { return obs.t % period_ == 0 ? kCloud : kPastCloud; }
  int period() const { return period_; }

 private:
  int period_ = 1;
};

}  // namespace offloadsim::agents
