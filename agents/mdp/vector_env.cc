#include "agents/mdp/vector_env.h"

#include <algorithm>
#include <stdexcept>

namespace offloadsim::agents {

VectorOffloadEnv::VectorOffloadEnv(int num_envs, MdpParams params, StateNormalizer normalizer)
    : envs_(static_cast<size_t>(num_envs), OffloadEnv(params)), normalizer_(std::move(normalizer)) {
  if (num_envs <= 0) throw std::invalid_argument("VectorOffloadEnv: need at least one environment");
}

void VectorOffloadEnv::reset(int slot, const Trace& trace, int budget) {
  envs_.at(static_cast<size_t>(slot)).reset(trace, budget);
}

void VectorOffloadEnv::step(const int* actions, float* rewards, std::uint8_t* dones, StepOutcome* outcomes) {
  for (size_t i = 0; i < envs_.size(); ++i) {
    if (envs_[i].done()) {
      rewards[i] = 0.0f;
      dones[i] = 1;
      if (outcomes != nullptr) outcomes[i] = StepOutcome{};
      continue;
    }
    const StepOutcome o = envs_[i].step(actions[i]);
    rewards[i] = static_cast<float>(o.reward);
    dones[i] = o.done ? 1 : 0;
    if (outcomes != nullptr) outcomes[i] = o;
  }
}

void VectorOffloadEnv::allowed_actions(float* out) const {
  for (size_t i = 0; i < envs_.size(); ++i) {
    float* row = out + i * kNumActions;
    std::fill(row, row + kNumActions, 1.0f);
    if (envs_[i].done() || envs_[i].observe().budget_remaining <= 0) row[kCloud] = 0.0f;
  }
}

void VectorOffloadEnv::observe(float* out) const {
  const size_t n = static_cast<size_t>(observation_size());
  for (size_t i = 0; i < envs_.size(); ++i) {
    float* row = out + i * n;
    if (envs_[i].done()) {
      std::fill(row, row + n, 0.0f);
    } else {
      normalizer_.normalize(envs_[i].observe(), row);
    }
  }
}

}  // namespace offloadsim::agents
