// Many offloading episodes stepped together: what a learner trains on, whatever plays them — the
// plain MDP (VectorOffloadEnv) or the closed loop's robots in a fitted cell (CongestionSurrogate).
//
// A slot is reset with a trace and the paper's budget for it; step() takes one action per slot and
// fills rewards and done flags (a finished slot is not stepped: reward 0, done 1, until reset);
// observations are normalised, row-major [size() × observation_size()], a finished slot's zeros.
#pragma once

#include <cstdint>

#include "agents/mdp/trace.h"

namespace offloadsim::agents {

class BatchEnv {
 public:
  virtual ~BatchEnv() = default;
  virtual int size() const = 0;
  virtual int observation_size() const = 0;
  virtual void reset(int slot, const Trace& trace, int budget) = 0;
  virtual bool done(int slot) const = 0;
  virtual void step(const int* actions, float* rewards, std::uint8_t* dones) = 0;
  // Allowed actions, row-major [size() × kNumActions]: 1 = allowed (the cloud only with budget left).
  virtual void allowed_actions(float* out) const = 0;
  virtual void observe(float* out) const = 0;
};

}  // namespace offloadsim::agents
