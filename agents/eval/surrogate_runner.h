// Plays policies on the robots of one surrogate cell as the closed loop plays them on robots in
// ns-3: robot r's frames are its episodes one after another; at each episode's first frame its
// policy begins the episode with the robot's grant and the seed the loop would give it
// (derive_seed(policy_seed, r, episode)); then it acts on the robot's observation every frame.
#pragma once

#include <cstdint>
#include <vector>

#include "agents/mdp/congestion_surrogate.h"
#include "agents/mdp/trace.h"
#include "agents/policies/policy.h"

namespace offloadsim::agents {

struct SurrogateFrame {
  int robot = 0, frame = 0;
  int requested_action = 0;
  SurrogateOutcome outcome;
  double reward = 0;
};

// frames[r]: how many frames robot r plays (at most its episodes' frames); a robot past its last
// frame runs its on-board model, unrecorded, until the others finish. One row per played frame,
// in step order. Throws std::invalid_argument on mismatched sizes.
std::vector<SurrogateFrame> play_cell(const CellModel& cell, const SurrogateSettings& settings,
                                      const std::vector<std::uint32_t>& query_sizes,
                                      const std::vector<std::vector<Trace>>& episodes,
                                      const std::vector<Policy*>& policies, const std::vector<int>& frames,
                                      std::uint64_t policy_seed, std::uint64_t network_seed);

}  // namespace offloadsim::agents
