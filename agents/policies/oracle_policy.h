// The oracle upper bound: knows every frame's predictions and truth in advance and plays the
// exact optimum of the episode, computed by dynamic programming.
//
// The DP state at step t is (label in the robot store, label in the cloud store, remaining
// budget). Stored *labels* are a sufficient statistic: future losses depend only on whether a
// stored label equals future truths, and ages and confidences do not enter the reward. Labels are
// indexed per store over the distinct predictions of the trace, plus "empty". The table has
// (T + 1) · (K_robot + 1) · (K_cloud + 1) · (B + 1) values; ties go to the lowest action index.
#pragma once

#include <vector>

#include "agents/policies/policy.h"

namespace offloadsim::agents {

struct OraclePlan {
  double value = 0.0;        // the optimal episode return
  std::vector<int> actions;  // the executed actions of one optimal play, one per step
};

OraclePlan solve_oracle(const Trace& trace, int budget, const MdpParams& params);

class OraclePolicy final : public Policy {
 public:
  std::string name() const override { return "oracle"; }
  bool clairvoyant() const override { return true; }
  void begin_episode(const EpisodeContext& ctx) override;
  int act(const Observation& obs) override;
  const OraclePlan& plan() const { return plan_; }

 private:
  OraclePlan plan_;
};

}  // namespace offloadsim::agents
