// Random sampling (paper §IV, baseline 1): uniform over {0,1,2,3} while budget remains,
// then uniform over {0,1,2}.
#pragma once

#include <random>

#include "agents/policies/policy.h"

namespace offloadsim::agents {

class RandomPolicy final : public Policy {
 public:
  std::string name() const override { return "random"; }
  void begin_episode(const EpisodeContext& ctx) override { rng_.seed(ctx.seed); }
  int act(const Observation& obs) override {
    const int highest = obs.budget_remaining > 0 ? kCloud : kRobot;
    return std::uniform_int_distribution<int>(0, highest)(rng_);
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace offloadsim::agents
