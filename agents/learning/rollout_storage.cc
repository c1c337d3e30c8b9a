#include "agents/learning/rollout_storage.h"

namespace offloadsim::agents {

RolloutStorage::RolloutStorage(int64_t steps, int64_t envs, int64_t observation_size, int64_t num_actions)
    : steps_(steps),
      obs_(torch::zeros({steps, envs, observation_size})),
      allowed_(torch::zeros({steps, envs, num_actions})),
      actions_(torch::zeros({steps, envs}, torch::kLong)),
      rewards_(torch::zeros({steps, envs})),
      active_(torch::zeros({steps, envs})),
      episode_end_(torch::zeros({steps, envs})) {
  TORCH_CHECK(steps > 0 && envs > 0, "RolloutStorage: steps and envs must be positive");
}

void RolloutStorage::begin(const RecurrentState& initial) {
  initial_ = initial.detach();
  used_ = 0;
}

void RolloutStorage::push(const torch::Tensor& obs, const torch::Tensor& allowed, const torch::Tensor& actions,
                          const torch::Tensor& rewards, const torch::Tensor& active, const torch::Tensor& episode_end) {
  TORCH_CHECK(used_ < steps_, "RolloutStorage: segment is full");
  obs_[used_].copy_(obs);
  allowed_[used_].copy_(allowed);
  actions_[used_].copy_(actions);
  rewards_[used_].copy_(rewards);
  active_[used_].copy_(active);
  episode_end_[used_].copy_(episode_end);
  ++used_;
}

torch::Tensor RolloutStorage::returns(const torch::Tensor& bootstrap, double gamma) const {
  torch::Tensor out = torch::zeros({used_, bootstrap.size(0)});
  torch::Tensor next = bootstrap.detach().clone();
  for (int64_t t = used_ - 1; t >= 0; --t) {
    next = rewards_[t] + gamma * (1.0 - episode_end_[t]) * next;
    out[t].copy_(next);
  }
  return out;
}

}  // namespace offloadsim::agents
