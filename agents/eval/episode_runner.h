// Plays one policy over one trace at one budget and totals the episode.
#pragma once

#include <cstdint>
#include <vector>

#include "agents/mdp/offload_mdp.h"
#include "agents/policies/policy.h"

namespace offloadsim::agents {

struct EpisodeResult {
  double reward = 0.0;     // Σ R_t
  double loss_term = 0.0;  // α · Σ L_t   (reward = −loss_term − cost_term)
  double cost_term = 0.0;  // β · Σ cost(a_t)
  double accuracy = 0.0;   // fraction of steps whose prediction was right
  int robot_queries = 0;   // executed action 2
  int cloud_queries = 0;   // executed action 3
  int steps = 0;           // decisions taken: T, or more with Quirks::two_stage_steps
  // The paper's per-episode metric: the mean reward per step (over the steps its code logs:
  // all but the last with Quirks::unlogged_final_step).
  double reward_per_step = 0.0;
  std::vector<int> executed_actions;  // one per step
  std::vector<int> step_frames;       // the frame of each step
};

EpisodeResult run_episode(Policy& policy, const Trace& trace, int budget, const MdpParams& params, std::uint64_t seed);

}  // namespace offloadsim::agents
