// Random sampling (paper §IV, baseline 1): uniform over {0,1,2,3} while budget remains,
// then uniform over {0,1,2}. Quirks::random_any_action: over all four always (the paper's code).
#pragma once

#include <random>

#include "agents/policies/policy.h"

namespace offloadsim::agents {

class RandomPolicy final : public Policy {
 public:
  std::string name() const override { return "random"; }
  void begin_episode(const EpisodeContext& ctx) override {
    rng_.seed(ctx.seed);
    any_action_ = ctx.params != nullptr && ctx.params->quirks.random_any_action;
  }
  int act(const Observation& obs) override {
    const int highest = obs.budget_remaining > 0 || any_action_ ? kCloud : kRobot;
    return std::uniform_int_distribution<int>(0, highest)(rng_);
  }

 private:
  std::mt19937_64 rng_;
  bool any_action_ = false;
};

}  // namespace offloadsim::agents
