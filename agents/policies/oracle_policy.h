// The oracle upper bound: knows every frame's predictions and truth in advance and plays the
// exact optimum of the episode, computed by dynamic programming.
//
// The DP state at step t is (label in the robot store, label in the cloud store, remaining
// budget). Stored *labels* are a sufficient statistic: future losses depend only on whether a
// stored label equals future truths, and ages and confidences do not enter the reward. Labels are
// indexed per store over the distinct predictions of the trace, plus "empty". The table has
// (T + 1) · (K_robot + 1) · (K_cloud + 1) · (B + 1) values; ties go to the lowest action index.
// Only about 2√T of its T + 1 layers are held at once (checkpoints and one recomputed segment),
// and never more than kOracleMemoryLimit bytes: a longer episode is refused before any allocation.
#pragma once

#include <cstddef>
#include <vector>

#include "agents/policies/policy.h"

namespace offloadsim::agents {

struct OraclePlan {
  double value = 0.0;        // the optimal episode return
  std::vector<int> actions;  // the executed actions of one optimal play, one per step
};

// Throws base::InputError (naming the trace) if the DP would need more than kOracleMemoryLimit.
OraclePlan solve_oracle(const Trace& trace, int budget, const MdpParams& params);

inline constexpr std::size_t kOracleMemoryLimit = std::size_t{4} << 30;  // 4 GiB
// What solve_oracle would allocate for its value layers on `trace` at `budget`.
std::size_t oracle_memory_bytes(const Trace& trace, int budget);

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
