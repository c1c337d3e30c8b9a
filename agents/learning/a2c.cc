#include "agents/learning/a2c.h"

#include <stdexcept>

namespace offloadsim::agents {

A2C::A2C(ActorCritic net, A2COptions options) : net_(std::move(net)), options_(std::move(options)) {
  if (options_.optimizer == "rmsprop") {
    optimizer_ = std::make_unique<torch::optim::RMSprop>(
        net_->parameters(),
        torch::optim::RMSpropOptions(options_.learning_rate).alpha(options_.rmsprop_alpha).eps(options_.epsilon));
  } else if (options_.optimizer == "adam") {
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(), torch::optim::AdamOptions(options_.learning_rate).eps(options_.epsilon));
  } else {
    throw std::invalid_argument("A2C: unknown optimizer " + options_.optimizer);
  }
}

A2CLosses A2C::update(const RolloutStorage& storage, const torch::Tensor& returns) {
  const int64_t steps = storage.used();
  TORCH_CHECK(steps > 0, "A2C::update on an empty segment");
  // Re-run the recurrent network over the segment, with gradients, from its initial state.
  RecurrentState state = storage.initial();
  std::vector<torch::Tensor> logits, values;
  const torch::Tensor obs = storage.obs(), allowed = storage.allowed();
  for (int64_t t = 0; t < steps; ++t) {
    ActorCriticOutput out = net_->step(obs[t], state, allowed[t]);
    logits.push_back(out.logits);
    values.push_back(out.value);
    state = out.next;
  }
  const torch::Tensor all_logits = torch::stack(logits);  // [S, N, A]
  const torch::Tensor value = torch::stack(values);       // [S, N]
  const torch::Tensor log_probs = torch::log_softmax(all_logits, -1);
  const torch::Tensor chosen = log_probs.gather(-1, storage.actions().unsqueeze(-1)).squeeze(-1);
  const torch::Tensor active = storage.active();
  const torch::Tensor live = active.sum().clamp_min(1.0);
  const torch::Tensor advantage = returns - value;
  const torch::Tensor policy_loss = -(advantage.detach() * chosen * active).sum() / live;
  const torch::Tensor value_loss = (advantage.pow(2) * active).sum() / live;
  const torch::Tensor entropy = (-(log_probs.exp() * log_probs).sum(-1) * active).sum() / live;
  const torch::Tensor loss = policy_loss + options_.value_coef * value_loss - options_.entropy_coef * entropy;

  optimizer_->zero_grad();
  loss.backward();
  torch::nn::utils::clip_grad_norm_(net_->parameters(), options_.max_grad_norm);
  optimizer_->step();
  return {policy_loss.item<double>(), value_loss.item<double>(), entropy.item<double>()};
}

}  // namespace offloadsim::agents
