// Tiny problems for learning tests.
#pragma once

#include <vector>

#include "agents/learning/a2c_trainer.h"
#include "agents/learning/training_traces.h"

namespace offloadsim::agents::testing {

// A trivially learnable variant: the cloud is free and always right, the robot always wrong.
// The best play queries the cloud (or reuses its answer) at every step: reward 0.
inline MdpParams free_cloud_mdp() {
  MdpParams p;
  p.action_cost = {0.0, 0.0, 1.0, 0.0};
  return p;
}

inline std::vector<Trace> useless_robot_traces(int n, int horizon) {
  std::vector<Trace> traces;
  for (int k = 0; k < n; ++k) {
    Trace t;
    t.id = "easy-" + std::to_string(k);
    t.feature_names = {"change"};
    for (int i = 0; i < horizon; ++i) {
      Frame f;
      f.true_label = (i / 4 + k) % 3;
      f.robot_prediction = f.true_label + 10;
      f.robot_confidence = 0.5;
      f.cloud_prediction = f.true_label;
      f.features = {i % 4 == 0 ? 1.0 : 0.0};
      t.frames.push_back(f);
    }
    traces.push_back(t);
  }
  return traces;
}

inline TrainerOptions small_trainer_options(std::uint64_t seed = 3) {
  TrainerOptions o;
  o.num_envs = 8;
  o.n_steps = 5;
  o.total_env_steps = 1'000'000;
  o.budgets = {1.0};
  o.seed = seed;
  o.reward_scale = 0.1;
  o.network.lstm_hidden = 16;
  o.network.fc_hidden = 32;
  o.a2c.optimizer = "adam";
  o.a2c.learning_rate = 3e-3;
  return o;
}

}  // namespace offloadsim::agents::testing
