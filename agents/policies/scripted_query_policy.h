// A scripted query pattern (the congestion traces' probe of the network, docs/congestion.md): at
// every frame, query the cloud with probability `rate`, otherwise run the robot model — whatever
// the frame, the stores or the network look like. In the closed loop the loop's own rules still
// apply (a query needs a token and room under the in-flight limit), so the pattern is what the
// robot asks for and the traces record what it got.
#pragma once

#include <cstdint>
#include <random>

#include <fmt/format.h>

#include "agents/policies/policy.h"

namespace offloadsim::agents {

class ScriptedQueryPolicy final : public Policy {
 public:
  explicit ScriptedQueryPolicy(double rate) : rate_(rate) {}
  std::string name() const override { return fmt::format("scripted-q{}", rate_); }
  void begin_episode(const EpisodeContext& ctx) override { rng_.seed(ctx.seed); }
  int act(const Observation&) override {
    // 53 random bits as a double in [0, 1): the same on every standard library.
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    return u < rate_ ? kCloud : kRobot;
  }
  double rate() const { return rate_; }

 private:
  double rate_;
  std::mt19937_64 rng_;
};

}  // namespace offloadsim::agents
