#include "agents/learning/rollout_storage.h"

#include <gtest/gtest.h>

namespace offloadsim::agents {
namespace {

TEST(RolloutStorage, NStepReturnsBootstrapAndStopAtEpisodeEnd) {
  RolloutStorage s(3, 2, 1, 4);
  s.begin({torch::zeros({2, 1}), torch::zeros({2, 1})});
  const torch::Tensor obs = torch::zeros({2, 1}), allowed = torch::ones({2, 4}), a = torch::zeros({2}, torch::kLong);
  const torch::Tensor live = torch::ones({2});
  s.push(obs, allowed, a, torch::tensor({1.0f, 1.0f}), live, torch::tensor({0.0f, 0.0f}));
  s.push(obs, allowed, a, torch::tensor({2.0f, 2.0f}), live, torch::tensor({0.0f, 1.0f}));  // env 1 ends
  s.push(obs, allowed, a, torch::tensor({4.0f, 0.0f}), torch::tensor({1.0f, 0.0f}), torch::tensor({0.0f, 1.0f}));
  const torch::Tensor r = s.returns(torch::tensor({10.0f, 99.0f}), 0.5);
  // env 0: R2 = 4 + 0.5·10 = 9, R1 = 2 + 4.5 = 6.5, R0 = 1 + 3.25 = 4.25
  EXPECT_FLOAT_EQ(r[2][0].item<float>(), 9.0f);
  EXPECT_FLOAT_EQ(r[1][0].item<float>(), 6.5f);
  EXPECT_FLOAT_EQ(r[0][0].item<float>(), 4.25f);
  // env 1 ended at step 1: nothing from the bootstrap or later steps flows back.
  EXPECT_FLOAT_EQ(r[1][1].item<float>(), 2.0f);
  EXPECT_FLOAT_EQ(r[0][1].item<float>(), 2.0f);
  EXPECT_EQ(s.used(), 3);
  EXPECT_THROW(s.push(obs, allowed, a, live, live, live), c10::Error);
}

}  // namespace
}  // namespace offloadsim::agents
