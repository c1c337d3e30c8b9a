// The A2C update rule (Mnih et al. 2016, synchronous form): policy gradient with the critic's
// advantage, value regression, entropy bonus, gradient-norm clipping, RMSprop or Adam.
#pragma once

#include <memory>
#include <string>

#include <torch/torch.h>

#include "agents/learning/actor_critic.h"
#include "agents/learning/rollout_storage.h"

namespace offloadsim::agents {

struct A2COptions {
  std::string optimizer = "rmsprop";  // rmsprop | adam
  double learning_rate = 7e-4;
  double gamma = 0.99;
  double entropy_coef = 0.01;
  double value_coef = 0.5;
  double max_grad_norm = 0.5;
  double rmsprop_alpha = 0.99;
  double epsilon = 1e-5;
};

struct A2CLosses {
  double policy_loss = 0;
  double value_loss = 0;
  double entropy = 0;  // mean policy entropy over live steps, in nats
};

class A2C {
 public:
  A2C(ActorCritic net, A2COptions options);

  // One gradient step on a filled segment.
  A2CLosses update(const RolloutStorage& storage, const torch::Tensor& returns);

  // The entropy weight of the next updates (the trainer anneals it).
  void set_entropy_coef(double coef) { options_.entropy_coef = coef; }

  torch::optim::Optimizer& optimizer() { return *optimizer_; }
  void optimizer_state(torch::serialize::OutputArchive& archive) const { optimizer_->save(archive); }
  void load_optimizer_state(torch::serialize::InputArchive& archive) { optimizer_->load(archive); }
  const A2COptions& options() const { return options_; }

 private:
  ActorCritic net_;
  A2COptions options_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
};

}  // namespace offloadsim::agents
