// Trains the actor-critic with A2C on many offloading episodes stepped together.
//
// Training proceeds in rounds. A round starts `num_envs` fresh episodes at once (trace and
// training budget drawn from the round number), steps them together until all have ended
// (an episode that ends early idles), and makes one A2C update every `n_steps` steps with
// bootstrapped n-step returns. Everything random in a round derives from (seed, round), so a
// checkpoint taken between rounds (network, optimiser, counters) resumes training exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/learning/a2c.h"
#include "agents/learning/actor_critic.h"
#include "agents/learning/training_traces.h"
#include "agents/mdp/batch_env.h"
#include "agents/mdp/offload_mdp.h"
#include "agents/mdp/state_normalizer.h"

namespace offloadsim::agents {

struct TrainerOptions {
  int num_envs = 32;
  int n_steps = 20;
  std::int64_t total_env_steps = 1'000'000;
  std::vector<double> budgets{0.10, 0.20, 0.50, 0.70, 1.0};  // N_budget/T, one drawn per episode
  double reward_scale = 0.1;                                 // rewards are multiplied by this for learning only
  // Entropy weight at the end of training: the weight goes linearly from a2c.entropy_coef (at
  // step 0) to this (at total_env_steps). Negative: constant a2c.entropy_coef.
  double entropy_coef_final = -1;
  std::uint64_t seed = 1;
  ActorCriticOptions network;  // observation_size is filled from the normaliser
  A2COptions a2c;
};

struct TrainingRow {
  std::int64_t update = 0;                              // updates done so far
  std::int64_t env_steps = 0;                           // environment steps so far
  double wall_s = 0;                                    // training wall time so far (the only machine-dependent column)
  double mean_episode_reward = 0;                       // this round's episodes, unscaled
  double entropy = 0, policy_loss = 0, value_loss = 0;  // means over this round's updates
};

// Makes the environment of one round (num_envs slots), given the round's number: the plain MDP by
// default; the congestion surrogate to train inside a fitted cell (docs/congestion.md).
using EnvFactory = std::function<std::unique_ptr<BatchEnv>(std::int64_t round)>;

class A2CTrainer {
 public:
  A2CTrainer(TrainerOptions options, MdpParams mdp, const TrainingTraces& traces, StateNormalizer normalizer);
  // Trains in the environments `make_env` makes instead (each of num_envs slots and the
  // normaliser's observation size; checked every round).
  void set_environment(EnvFactory make_env) { make_env_ = std::move(make_env); }

  // Trains until total_env_steps is reached or `should_stop` (asked between rounds) says so.
  // `on_round` sees every new row.
  void train(const std::function<bool()>& should_stop = {},
             const std::function<void(const TrainingRow&)>& on_round = {});

  bool finished() const { return env_steps_ >= options_.total_env_steps; }
  // The entropy weight in force after `env_steps` steps (see entropy_coef_final).
  double entropy_coef_at(std::int64_t env_steps) const;
  std::int64_t env_steps() const { return env_steps_; }
  std::int64_t updates() const { return updates_; }
  std::int64_t rounds() const { return round_; }
  const std::vector<TrainingRow>& history() const { return history_; }
  ActorCritic network() const { return net_; }
  const StateNormalizer& normalizer() const { return normalizer_; }
  const TrainerOptions& options() const { return options_; }

  // A checkpoint is a directory: model.pt, optimizer.pt, trainer.json (counters and history).
  void save_checkpoint(const std::string& dir) const;
  void load_checkpoint(const std::string& dir);

 private:
  void run_round();

  TrainerOptions options_;
  MdpParams mdp_;
  const TrainingTraces& traces_;
  StateNormalizer normalizer_;
  ActorCritic net_;
  A2C a2c_;
  std::int64_t round_ = 0, updates_ = 0, env_steps_ = 0;
  double wall_before_ = 0;  // wall time of training before this process (resumed runs)
  std::vector<TrainingRow> history_;
  EnvFactory make_env_;
};

}  // namespace offloadsim::agents
