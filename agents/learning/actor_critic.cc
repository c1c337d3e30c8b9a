#include "agents/learning/actor_critic.h"

namespace offloadsim::agents {

ActorCriticImpl::ActorCriticImpl(const ActorCriticOptions& options) : options_(options) {
  TORCH_CHECK(options.observation_size > 0, "ActorCritic: observation_size must be positive");
  lstm = register_module("lstm", torch::nn::LSTMCell(options.observation_size, options.lstm_hidden));
  fc = register_module("fc", torch::nn::Linear(options.lstm_hidden, options.fc_hidden));
  actor = register_module("actor", torch::nn::Linear(options.fc_hidden, options.num_actions));
  critic = register_module("critic", torch::nn::Linear(options.fc_hidden, 1));
  // Small initial actor weights: a near-uniform first policy explores every action.
  torch::NoGradGuard no_grad;
  actor->weight.mul_(0.01);
  actor->bias.zero_();
}

RecurrentState ActorCriticImpl::initial_state(int64_t n) const {
  return {torch::zeros({n, options_.lstm_hidden}), torch::zeros({n, options_.lstm_hidden})};
}

ActorCriticOutput ActorCriticImpl::step(const torch::Tensor& obs, const RecurrentState& state,
                                        const torch::Tensor& allowed) {
  auto hc = lstm->forward(obs, std::make_tuple(state.h, state.c));
  const torch::Tensor& h = std::get<0>(hc);
  const torch::Tensor z = torch::relu(fc->forward(h));
  torch::Tensor logits = actor->forward(z).masked_fill(allowed.eq(0), kForbiddenLogit);
  return {logits, critic->forward(z).squeeze(-1), {h, std::get<1>(hc)}};
}

}  // namespace offloadsim::agents
