#include "agents/learning/actor_critic.h"

#include <gtest/gtest.h>

namespace offloadsim::agents {
namespace {

TEST(ActorCritic, ShapesAndMaskedAction) {
  torch::manual_seed(0);
  ActorCritic net(ActorCriticOptions{11, 8, 16, 4});
  const torch::Tensor obs = torch::rand({5, 11});
  torch::Tensor allowed = torch::ones({5, 4});
  allowed[2][3] = 0;
  const ActorCriticOutput out = net->step(obs, net->initial_state(5), allowed);
  EXPECT_EQ(out.logits.sizes(), (std::vector<int64_t>{5, 4}));
  EXPECT_EQ(out.value.sizes(), (std::vector<int64_t>{5}));
  EXPECT_EQ(out.next.h.sizes(), (std::vector<int64_t>{5, 8}));
  const torch::Tensor p = torch::softmax(out.logits, -1);
  EXPECT_EQ(p[2][3].item<float>(), 0.0f);
  EXPECT_GT(p[1][3].item<float>(), 0.0f);
}

TEST(ActorCritic, GradientsReachEveryLayer) {
  torch::manual_seed(0);
  ActorCritic net(ActorCriticOptions{11, 8, 16, 4});
  RecurrentState s = net->initial_state(3);
  torch::Tensor loss = torch::zeros({});
  for (int t = 0; t < 3; ++t) {  // through time, so the recurrent weights matter too
    ActorCriticOutput out = net->step(torch::rand({3, 11}), s, torch::ones({3, 4}));
    loss = loss + torch::log_softmax(out.logits, -1).select(1, t % 4).sum() + out.value.pow(2).sum();
    s = out.next;
  }
  loss.backward();
  for (const auto& p : net->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
  }
}

TEST(ActorCritic, RecurrentStateCarriesHistory) {
  torch::manual_seed(0);
  ActorCritic net(ActorCriticOptions{4, 8, 16, 4});
  const torch::Tensor x = torch::rand({1, 4}), ones = torch::ones({1, 4});
  const ActorCriticOutput first = net->step(x, net->initial_state(1), ones);
  const ActorCriticOutput again = net->step(x, first.next, ones);
  EXPECT_FALSE(torch::allclose(first.logits, again.logits));  // same input, different memory
}

}  // namespace
}  // namespace offloadsim::agents
