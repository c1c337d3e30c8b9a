// The rollout buffer of A2C: up to `steps` transitions of `envs` environments, the recurrent
// state at the start of the segment, and the n-step bootstrapped returns.
#pragma once

#include <torch/torch.h>

#include "agents/learning/actor_critic.h"

namespace offloadsim::agents {

class RolloutStorage {
 public:
  RolloutStorage(int64_t steps, int64_t envs, int64_t observation_size, int64_t num_actions);

  // Starts a new segment whose first step sees recurrent state `initial`.
  void begin(const RecurrentState& initial);
  // Records step `used()`: what was observed, allowed and done, the reward, whether the
  // environment was live (a finished one idles until the round ends), and whether the step
  // ended its episode.
  void push(const torch::Tensor& obs, const torch::Tensor& allowed, const torch::Tensor& actions,
            const torch::Tensor& rewards, const torch::Tensor& active, const torch::Tensor& episode_end);

  // n-step returns: R_t = r_t + γ · (1 − end_t) · R_{t+1}, with R_used = bootstrap (the critic's
  // value of the state after the segment, 0 for environments whose episode has ended).
  torch::Tensor returns(const torch::Tensor& bootstrap, double gamma) const;

  int64_t used() const { return used_; }
  int64_t capacity() const { return steps_; }
  const RecurrentState& initial() const { return initial_; }
  // Views of the used part of the segment: [used, envs, …].
  torch::Tensor obs() const { return obs_.narrow(0, 0, used_); }
  torch::Tensor allowed() const { return allowed_.narrow(0, 0, used_); }
  torch::Tensor actions() const { return actions_.narrow(0, 0, used_); }
  torch::Tensor rewards() const { return rewards_.narrow(0, 0, used_); }
  torch::Tensor active() const { return active_.narrow(0, 0, used_); }

 private:
  int64_t steps_, used_ = 0;
  torch::Tensor obs_, allowed_, actions_, rewards_, active_, episode_end_;
  RecurrentState initial_;
};

}  // namespace offloadsim::agents
