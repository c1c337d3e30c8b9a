// The paper's offloading network (§IV, SPEC §2b): an LSTM over the sequence of normalised
// states, then a fully connected ReLU layer, then a softmax actor head and a linear critic head.
// The trunk (LSTM + FC) is shared by actor and critic. Sizes are configurable (defaults 64 / 256).
#pragma once

#include <torch/torch.h>

namespace offloadsim::agents {

struct ActorCriticOptions {
  int64_t observation_size = 0;
  int64_t lstm_hidden = 64;
  int64_t fc_hidden = 256;
  int64_t num_actions = 4;
};

// The LSTM's (h, c), one row per environment.
struct RecurrentState {
  torch::Tensor h;
  torch::Tensor c;
  RecurrentState detach() const { return {h.detach(), c.detach()}; }
};

struct ActorCriticOutput {
  torch::Tensor logits;  // [N, A]; actions not allowed by the mask get a very low logit
  torch::Tensor value;   // [N]
  RecurrentState next;
};

class ActorCriticImpl : public torch::nn::Module {
 public:
  explicit ActorCriticImpl(const ActorCriticOptions& options);

  // One time step for N environments: obs [N, O], allowed [N, A] (1 = allowed).
  ActorCriticOutput step(const torch::Tensor& obs, const RecurrentState& state, const torch::Tensor& allowed);
  RecurrentState initial_state(int64_t n) const;
  const ActorCriticOptions& options() const { return options_; }

  torch::nn::LSTMCell lstm{nullptr};
  torch::nn::Linear fc{nullptr}, actor{nullptr}, critic{nullptr};

 private:
  ActorCriticOptions options_;
};
TORCH_MODULE(ActorCritic);

// Logit given to forbidden actions: finite, so that entropies and log-probabilities stay finite.
inline constexpr double kForbiddenLogit = -1e9;

}  // namespace offloadsim::agents
