#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "agents/eval/episode_runner.h"
#include "agents/policies/all_cloud_policy.h"
#include "agents/policies/all_robot_policy.h"
#include "agents/policies/random_policy.h"
#include "agents/policies/robot_heuristic_policy.h"
#include "agents/policies/scripted_query_policy.h"
#include "test_traces.h"

namespace offloadsim::agents {
namespace {

// Requested actions of a policy over a whole episode.
std::vector<int> requested_actions(Policy& p, const Trace& trace, int budget, std::uint64_t seed = 1) {
  EpisodeContext ctx;
  ctx.horizon = trace.horizon();
  ctx.budget = budget;
  ctx.seed = seed;
  p.begin_episode(ctx);
  OffloadEnv env;
  Observation obs = env.reset(trace, budget);
  std::vector<int> actions;
  while (!env.done()) {
    actions.push_back(p.act(obs));
    env.step(actions.back());
    obs = env.observe();
  }
  return actions;
}

TEST(AllRobotPolicy, RunsRobotModelEveryStep) {
  AllRobotPolicy p;
  const Trace t = testing::simple_trace(10);
  const EpisodeResult r = run_episode(p, t, 5, MdpParams{}, 1);
  EXPECT_EQ(r.robot_queries, 10);
  EXPECT_EQ(r.cloud_queries, 0);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.5);  // simple_trace: robot right on even frames
  EXPECT_DOUBLE_EQ(r.cost_term, 10.0);
  EXPECT_DOUBLE_EQ(r.loss_term, 50.0);
  EXPECT_DOUBLE_EQ(r.reward, -60.0);
}

TEST(AllRobotPolicy, CanReuseInBetween) {
  AllRobotPolicy p(3);
  const std::vector<int> a = requested_actions(p, testing::simple_trace(7), 0);
  EXPECT_EQ(a, (std::vector<int>{2, 0, 0, 2, 0, 0, 2}));
}

TEST(AllCloudPolicy, QueriesPeriodicallyAndHolds) {
  AllCloudPolicy p;
  const Trace t = testing::simple_trace(10);
  EXPECT_EQ(requested_actions(p, t, 3), (std::vector<int>{3, 1, 1, 1, 3, 1, 1, 1, 3, 1}));  // ⌈10/3⌉ = 4
  EXPECT_EQ(requested_actions(p, t, 10), std::vector<int>(10, 3));
  const EpisodeResult r = run_episode(p, t, 3, MdpParams{}, 1);
  EXPECT_EQ(r.cloud_queries, 3);
  EXPECT_EQ(r.robot_queries, 0);
}

TEST(AllCloudPolicy, NeverExceedsBudget) {
  AllCloudPolicy p;
  for (int n : {7, 13, 80}) {
    for (int b = 0; b <= n; ++b) {
      const EpisodeResult r = run_episode(p, testing::random_trace(n, 1), b, MdpParams{}, 1);
      EXPECT_LE(r.cloud_queries, b);
      const int period = b > 0 ? (n + b - 1) / b : 1;
      if (b > 0) {
        EXPECT_EQ(r.cloud_queries, (n + period - 1) / period);  // t = 0, period, 2·period, …
      }
    }
  }
}

TEST(RandomPolicy, UsesAllFourActionsThenOnlyThreeWhenBudgetIsGone) {
  RandomPolicy p;
  const Trace t = testing::random_trace(400, 2);
  const std::vector<int> a = requested_actions(p, t, 20, 5);
  int counts[4] = {0, 0, 0, 0};
  int spent = 0;
  for (int x : a) {
    ++counts[x];
    if (x == kCloud) ++spent;
    if (spent > 20) ADD_FAILURE() << "random policy asked for the cloud without budget";
  }
  for (int c : counts) EXPECT_GT(c, 0);
  EXPECT_EQ(counts[kCloud], 20);  // 400 steps: the budget is surely used up
}

TEST(RandomPolicy, SameSeedSameActions) {
  RandomPolicy p;
  const Trace t = testing::random_trace(50, 2);
  EXPECT_EQ(requested_actions(p, t, 10, 42), requested_actions(p, t, 10, 42));
  EXPECT_NE(requested_actions(p, t, 10, 42), requested_actions(p, t, 10, 43));
}

TEST(ScriptedQueryPolicy, QueriesAtItsRateAndOtherwiseRunsTheRobotModel) {
  const Trace t = testing::random_trace(4000, 2);
  for (double rate : {0.0, 0.3, 1.0}) {
    ScriptedQueryPolicy p(rate);
    const std::vector<int> a = requested_actions(p, t, 4000, 9);
    const auto clouds = std::count(a.begin(), a.end(), kCloud);
    EXPECT_EQ(clouds + std::count(a.begin(), a.end(), kRobot), 4000) << "only robot or cloud";
    // Binomial(4000, rate): within 4 standard deviations (≈ 116 at 0.3).
    EXPECT_NEAR(static_cast<double>(clouds), 4000 * rate, 4 * std::sqrt(4000 * rate * (1 - rate)) + 1e-9) << rate;
  }
  ScriptedQueryPolicy p(0.5);
  EXPECT_EQ(p.name(), "scripted-q0.5");
  EXPECT_EQ(requested_actions(p, t, 4000, 42), requested_actions(p, t, 4000, 42));
  EXPECT_NE(requested_actions(p, t, 4000, 42), requested_actions(p, t, 4000, 43));
}

TEST(RobotHeuristicPolicy, ThresholdIsPercentileOfCalibrationConfidences) {
  Trace t;
  for (int i = 0; i <= 10; ++i) {
    Frame f;
    f.robot_confidence = i / 10.0;
    t.frames.push_back(f);
  }
  EXPECT_NEAR(RobotHeuristicPolicy::threshold_for(0, {t}), 0.0, 1e-12);
  EXPECT_NEAR(RobotHeuristicPolicy::threshold_for(30, {t}), 0.3, 1e-12);
  EXPECT_NEAR(RobotHeuristicPolicy::threshold_for(35, {t}), 0.35, 1e-12);
  EXPECT_GT(RobotHeuristicPolicy::threshold_for(100, {t}), 1.0);
  EXPECT_THROW(RobotHeuristicPolicy::threshold_for(30, {}), std::invalid_argument);
}

TEST(RobotHeuristicPolicy, OffloadsLowConfidenceFramesWhileBudgetLasts) {
  RobotHeuristicPolicy p(50, 0.5);
  EXPECT_EQ(p.name(), "robot-heuristic-q50");
  // simple_trace: confidence 0.9 on even frames, 0.3 on odd ones.
  const Trace t = testing::simple_trace(8);
  EXPECT_EQ(requested_actions(p, t, 2), (std::vector<int>{2, 3, 2, 3, 2, 2, 2, 2}));
  const EpisodeResult r = run_episode(p, t, 2, MdpParams{}, 1);
  EXPECT_EQ(r.cloud_queries, 2);
  EXPECT_EQ(r.robot_queries, 6);
}

TEST(EpisodeRunner, RewardIsMinusLossTermMinusCostTerm) {
  RandomPolicy p;
  for (unsigned s = 0; s < 20; ++s) {
    const EpisodeResult r = run_episode(p, testing::random_trace(40, s), 10, MdpParams{}, s);
    EXPECT_NEAR(r.reward, -r.loss_term - r.cost_term, 1e-9);
    EXPECT_EQ(static_cast<int>(r.executed_actions.size()), 40);
  }
}

TEST(EpisodeRunner, OrdinaryPoliciesNeverSeeTheTrace) {
  struct Spy final : Policy {
    const Trace* seen = reinterpret_cast<const Trace*>(1);
    std::string name() const override { return "spy"; }
    void begin_episode(const EpisodeContext& ctx) override { seen = ctx.trace; }
    int act(const Observation&) override { return kRobot; }
  } spy;
  run_episode(spy, testing::simple_trace(3), 1, MdpParams{}, 1);
  EXPECT_EQ(spy.seen, nullptr);
}

}  // namespace
}  // namespace offloadsim::agents
