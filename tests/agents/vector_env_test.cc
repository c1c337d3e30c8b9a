#include "agents/mdp/vector_env.h"

#include <gtest/gtest.h>

#include "test_traces.h"

namespace offloadsim::agents {
namespace {

// The vectorised form must be exactly N independent OffloadEnvs.
TEST(VectorOffloadEnv, MatchesIndependentEnvironments) {
  std::vector<Trace> traces;
  for (unsigned i = 0; i < 5; ++i) traces.push_back(testing::random_trace(12 + static_cast<int>(i), i));
  const StateNormalizer norm = StateNormalizer::fit(traces);
  VectorOffloadEnv venv(5, MdpParams{}, norm);
  std::vector<OffloadEnv> single(5);
  for (int i = 0; i < 5; ++i) {
    venv.reset(i, traces[static_cast<size_t>(i)], i);
    single[static_cast<size_t>(i)].reset(traces[static_cast<size_t>(i)], i);
  }
  std::vector<float> obs(static_cast<size_t>(5 * venv.observation_size()));
  std::vector<int> actions(5);
  std::vector<float> rewards(5);
  std::vector<std::uint8_t> dones(5);
  for (int step = 0; step < 12; ++step) {
    venv.observe(obs.data());
    for (int i = 0; i < 5; ++i) {
      const std::vector<float> expect = norm.normalize(single[static_cast<size_t>(i)].observe());
      for (int k = 0; k < venv.observation_size(); ++k) {
        EXPECT_FLOAT_EQ(obs[static_cast<size_t>(i * venv.observation_size() + k)], expect[static_cast<size_t>(k)]);
      }
      actions[static_cast<size_t>(i)] = (step * 7 + i) % 4;
    }
    venv.step(actions.data(), rewards.data(), dones.data());
    for (int i = 0; i < 5; ++i) {
      const StepOutcome o = single[static_cast<size_t>(i)].step(actions[static_cast<size_t>(i)]);
      EXPECT_FLOAT_EQ(rewards[static_cast<size_t>(i)], static_cast<float>(o.reward));
      EXPECT_EQ(dones[static_cast<size_t>(i)] != 0, o.done);
    }
  }
  EXPECT_TRUE(venv.env(0).done());   // 12 frames, 12 steps
  EXPECT_FALSE(venv.env(4).done());  // 16 frames
}

TEST(VectorOffloadEnv, FinishedSlotObservesZeros) {
  const Trace t = testing::simple_trace(1);
  VectorOffloadEnv venv(1, MdpParams{}, StateNormalizer({1.0}));
  venv.reset(0, t, 0);
  int a = kRobot;
  float r;
  std::uint8_t d;
  venv.step(&a, &r, &d);
  EXPECT_EQ(d, 1);
  std::vector<float> obs(static_cast<size_t>(venv.observation_size()), 7.0f);
  venv.observe(obs.data());
  for (float x : obs) EXPECT_EQ(x, 0.0f);
}

}  // namespace
}  // namespace offloadsim::agents
