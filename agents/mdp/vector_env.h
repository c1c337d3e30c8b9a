// Many offloading episodes stepped together: the form learners train on.
//
// Each slot holds one OffloadEnv. step() takes one action per slot and fills rewards and done
// flags; a finished slot stays finished until the caller resets it with a new trace (this keeps
// trace sampling, and so reproducibility, in the caller's hands).
#pragma once

#include <cstdint>
#include <vector>

#include "agents/mdp/batch_env.h"
#include "agents/mdp/offload_mdp.h"
#include "agents/mdp/state_normalizer.h"

namespace offloadsim::agents {

class VectorOffloadEnv final : public BatchEnv {
 public:
  VectorOffloadEnv(int num_envs, MdpParams params, StateNormalizer normalizer);

  int size() const override { return static_cast<int>(envs_.size()); }
  int observation_size() const override { return normalizer_.size(); }

  void reset(int slot, const Trace& trace, int budget) override;
  bool done(int slot) const override { return envs_[static_cast<size_t>(slot)].done(); }

  // actions[i] for every slot; writes rewards[i], dones[i] (1 when slot i's episode has ended,
  // now or earlier), and outcomes when non-null. A finished slot is not stepped: its reward is 0
  // and its outcome default until it is reset.
  void step(const int* actions, float* rewards, std::uint8_t* dones, StepOutcome* outcomes);
  void step(const int* actions, float* rewards, std::uint8_t* dones) override {
    step(actions, rewards, dones, nullptr);
  }

  // Allowed actions per slot, row-major [size() × kNumActions]: 1 = allowed. Action 3 is allowed
  // only while budget remains (learners mask it; the MDP would execute it as action 2 anyway).
  void allowed_actions(float* out) const override;

  // Normalised observations of every slot, row-major [size() × observation_size()].
  // A finished slot's row is all zeros.
  void observe(float* out) const override;

  const OffloadEnv& env(int slot) const { return envs_[static_cast<size_t>(slot)]; }

 private:
  std::vector<OffloadEnv> envs_;
  StateNormalizer normalizer_;
};

}  // namespace offloadsim::agents
