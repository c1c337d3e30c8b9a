// The one interface every offloading policy implements: baselines, the oracle, and learned ones.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "agents/mdp/offload_mdp.h"

namespace offloadsim::agents {

// What a policy is told when an episode starts.
struct EpisodeContext {
  int horizon = 0;
  int budget = 0;
  std::uint64_t seed = 0;  // for stochastic policies; fixed per (trace, budget, policy)
  // The whole trace, given only to clairvoyant policies (the oracle); nullptr for the rest, so
  // an ordinary policy cannot peek at the future even by mistake.
  const Trace* trace = nullptr;
  const MdpParams* params = nullptr;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string name() const = 0;
  // True for policies that know the whole trace in advance (upper bounds, not deployable).
  virtual bool clairvoyant() const { return false; }
  virtual void begin_episode(const EpisodeContext& ctx) = 0;
  // The requested action for the current observation (the MDP applies the budget rule).
  virtual int act(const Observation& obs) = 0;
};

using PolicyPtr = std::unique_ptr<Policy>;

}  // namespace offloadsim::agents
