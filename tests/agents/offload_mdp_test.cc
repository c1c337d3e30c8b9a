#include "agents/mdp/offload_mdp.h"

#include <gtest/gtest.h>

#include <cmath>

#include "agents/mdp/state_normalizer.h"
#include "test_traces.h"

namespace offloadsim::agents {
namespace {

using testing::simple_trace;

TEST(OffloadMdp, ResetStartsWithEmptyStoresAndFullBudget) {
  const Trace trace = simple_trace(6);
  OffloadEnv env;
  const Observation o = env.reset(trace, 3);
  EXPECT_EQ(o.t, 0);
  EXPECT_EQ(o.horizon, 6);
  EXPECT_EQ(o.time_left(), 6);
  EXPECT_EQ(o.budget_remaining, 3);
  EXPECT_EQ(o.budget_initial, 3);
  EXPECT_FALSE(o.robot_store.present);
  EXPECT_FALSE(o.cloud_store.present);
  EXPECT_EQ(o.dt_robot, 6);  // an empty store is as old as the horizon
  EXPECT_EQ(o.dt_cloud, 6);
  EXPECT_DOUBLE_EQ(o.robot_confidence, 0.9);
  ASSERT_EQ(o.num_features, 1);
}

TEST(OffloadMdp, ReusingAnEmptyStoreIsAWrongPrediction) {
  const Trace trace = simple_trace(4);
  for (int a : {kPastRobot, kPastCloud}) {
    OffloadEnv env;
    env.reset(trace, 2);
    const StepOutcome s = env.step(a);
    EXPECT_FALSE(s.correct);
    EXPECT_EQ(s.loss, 1.0);
    EXPECT_EQ(s.cost, 0.0);
    EXPECT_EQ(s.reward, -10.0);
  }
}

TEST(OffloadMdp, Action0ReusesRobotStoreAndAgesBoth) {
  const Trace trace = simple_trace(6);
  OffloadEnv env;
  env.reset(trace, 2);
  env.step(kRobot);                            // t=0: store label 0 (right), dt_robot = 0
  env.step(kCloud);                            // t=1: cloud store label 0, dt_cloud = 0, dt_robot = 1
  const StepOutcome s = env.step(kPastRobot);  // t=2: truth 1, stored robot label 0
  EXPECT_EQ(s.executed_action, kPastRobot);
  EXPECT_FALSE(s.correct);
  const Observation o = env.observe();
  EXPECT_EQ(o.dt_robot, 2);
  EXPECT_EQ(o.dt_cloud, 1);
  EXPECT_EQ(o.robot_store.label, 0);
  EXPECT_EQ(o.cloud_store.label, 0);
  EXPECT_EQ(o.budget_remaining, 1);
  EXPECT_EQ(o.t, 3);
}

TEST(OffloadMdp, Action1ReusesCloudStoreAndAgesBoth) {
  const Trace trace = simple_trace(6);
  OffloadEnv env;
  env.reset(trace, 2);
  env.step(kCloud);                            // t=0: cloud store label 0
  const StepOutcome s = env.step(kPastCloud);  // t=1: truth 0
  EXPECT_TRUE(s.correct);
  EXPECT_EQ(s.reward, 0.0);
  const Observation o = env.observe();
  EXPECT_EQ(o.dt_cloud, 1);
  EXPECT_EQ(o.dt_robot, 6);  // empty store's age is capped at T
  EXPECT_EQ(o.budget_remaining, 1);
}

TEST(OffloadMdp, Action2RunsRobotModel) {
  const Trace trace = simple_trace(6);
  OffloadEnv env;
  env.reset(trace, 2);
  StepOutcome s = env.step(kRobot);  // t=0: robot right
  EXPECT_TRUE(s.correct);
  EXPECT_DOUBLE_EQ(s.reward, -1.0);
  s = env.step(kRobot);  // t=1: robot wrong
  EXPECT_FALSE(s.correct);
  EXPECT_DOUBLE_EQ(s.reward, -11.0);
  const Observation o = env.observe();
  EXPECT_TRUE(o.robot_store.present);
  EXPECT_EQ(o.robot_store.label, 99);
  EXPECT_DOUBLE_EQ(o.robot_store.confidence, 0.3);
  EXPECT_EQ(o.dt_robot, 0);
  EXPECT_EQ(o.dt_cloud, 6);
  EXPECT_EQ(o.budget_remaining, 2);  // robot queries never spend budget
}

TEST(OffloadMdp, Action3QueriesCloudAndSpendsBudget) {
  const Trace trace = simple_trace(6);
  OffloadEnv env;
  env.reset(trace, 2);
  env.step(kRobot);
  const StepOutcome s = env.step(kCloud);  // t=1: cloud right
  EXPECT_EQ(s.executed_action, kCloud);
  EXPECT_TRUE(s.correct);
  EXPECT_DOUBLE_EQ(s.reward, -5.0);
  const Observation o = env.observe();
  EXPECT_EQ(o.cloud_store.label, 0);
  EXPECT_DOUBLE_EQ(o.cloud_store.confidence, 1.0);
  EXPECT_EQ(o.dt_cloud, 0);
  EXPECT_EQ(o.dt_robot, 1);
  EXPECT_EQ(o.budget_remaining, 1);
}

TEST(OffloadMdp, CloudWithoutBudgetRunsTheRobotModel) {
  const Trace trace = simple_trace(6);
  OffloadEnv env;
  env.reset(trace, 1);
  EXPECT_EQ(env.step(kCloud).executed_action, kCloud);
  const StepOutcome s = env.step(kCloud);  // budget exhausted
  EXPECT_EQ(s.executed_action, kRobot);
  EXPECT_DOUBLE_EQ(s.cost, 1.0);
  const Observation o = env.observe();
  EXPECT_EQ(o.budget_remaining, 0);
  EXPECT_EQ(o.dt_robot, 0);
  EXPECT_EQ(o.robot_store.label, 99);
  EXPECT_EQ(o.dt_cloud, 1);
}

TEST(OffloadMdp, RewardUsesWeightsAndCosts) {
  const Trace trace = simple_trace(2);
  MdpParams p;
  p.accuracy_weight = 3.0;
  p.cost_weight = 0.5;
  p.action_cost = {0.25, 0.5, 2.0, 8.0};
  OffloadEnv env(p);
  env.reset(trace, 1);
  StepOutcome s = env.step(kPastCloud);  // wrong (empty), cost 0.5
  EXPECT_DOUBLE_EQ(s.reward, -3.0 - 0.5 * 0.5);
  s = env.step(kCloud);  // right, cost 8
  EXPECT_DOUBLE_EQ(s.reward, -0.5 * 8.0);
  EXPECT_TRUE(s.done);
}

TEST(OffloadMdp, EpisodeEndsAfterHorizonAndRefusesMoreSteps) {
  const Trace trace = simple_trace(3);
  OffloadEnv env;
  env.reset(trace, 0);
  EXPECT_FALSE(env.step(kRobot).done);
  EXPECT_FALSE(env.step(kRobot).done);
  EXPECT_TRUE(env.step(kRobot).done);
  EXPECT_THROW(env.step(kRobot), std::logic_error);
  const Observation o = env.reset(trace, 2);  // a new episode on the same env starts clean
  EXPECT_EQ(o.t, 0);
  EXPECT_EQ(o.budget_remaining, 2);
  EXPECT_FALSE(o.robot_store.present);
}

TEST(OffloadMdp, BudgetQueriesFloorsFractionTimesHorizon) {
  EXPECT_EQ(budget_queries(0.05, 80), 4);
  EXPECT_EQ(budget_queries(0.15, 80), 12);
  EXPECT_EQ(budget_queries(0.30, 80), 24);
  EXPECT_EQ(budget_queries(0.45, 80), 36);
  EXPECT_EQ(budget_queries(0.95, 80), 76);
  EXPECT_EQ(budget_queries(0.10, 7), 0);
  EXPECT_EQ(budget_queries(1.0, 80), 80);
  EXPECT_THROW(budget_queries(1.5, 80), std::invalid_argument);
}

TEST(StateNormalizer, EveryElementInUnitRange) {
  const Trace trace = testing::random_trace(30, 3);
  const StateNormalizer norm = StateNormalizer::fit({trace});
  OffloadEnv env;
  Observation o = env.reset(trace, 10);
  int step = 0;
  while (!env.done()) {
    const std::vector<float> v = norm.normalize(o);
    ASSERT_EQ(static_cast<int>(v.size()), norm.size());
    for (float x : v) {
      EXPECT_GE(x, 0.0f);
      EXPECT_LE(x, 1.0f);
    }
    env.step(step++ % 4);
    o = env.observe();
  }
}

TEST(StateNormalizer, LayoutMatchesDocumentation) {
  const Trace trace = simple_trace(4);
  const StateNormalizer norm({2.0});
  OffloadEnv env;
  env.reset(trace, 4);
  env.step(kRobot);
  env.step(kCloud);
  const std::vector<float> v = norm.normalize(env.observe());  // t = 2
  ASSERT_EQ(v.size(), 11u);
  EXPECT_FLOAT_EQ(v[0], 0.9f);         // robot confidence on frame 2
  EXPECT_FLOAT_EQ(v[1], 2.0f / 2.0f);  // feature 2 % 3 = 2, scale 2
  EXPECT_FLOAT_EQ(v[2], 1.0f);         // robot store present
  EXPECT_FLOAT_EQ(v[3], 0.9f);
  EXPECT_FLOAT_EQ(v[4], 1.0f);  // cloud store present
  EXPECT_FLOAT_EQ(v[5], 1.0f);
  EXPECT_FLOAT_EQ(v[6], 1.0f);       // both stores hold label 0
  EXPECT_FLOAT_EQ(v[7], 1.0f / 4);   // dt_robot = 1
  EXPECT_FLOAT_EQ(v[8], 0.0f);       // dt_cloud = 0
  EXPECT_FLOAT_EQ(v[9], 3.0f / 4);   // 3 queries left, T = 4
  EXPECT_FLOAT_EQ(v[10], 2.0f / 4);  // T − t = 2
}

}  // namespace
}  // namespace offloadsim::agents

namespace offloadsim::agents {
namespace {

// MdpParams::store_distances: two more features, each the distance from the current frame's
// descriptor to the one its store answered (an empty store: 2 · the current norm).
TEST(OffloadEnvStoreDistances, MeasureFromTheStoredInput) {
  Trace trace = testing::simple_trace(4);
  for (int t = 0; t < 4; ++t) trace.frames[t].descriptor = {static_cast<double>(t), 1.0};
  MdpParams p;
  p.store_distances = true;
  EXPECT_EQ(observation_feature_names(trace, p),
            (std::vector<std::string>{"diff", "robot_store_distance", "cloud_store_distance"}));
  OffloadEnv env(p);
  Observation o = env.reset(trace, 2);
  ASSERT_EQ(o.num_features, 3);
  EXPECT_DOUBLE_EQ(o.features[1], 2.0);  // empty: 2 · ‖(0, 1)‖
  env.step(kRobot);                      // the robot store answers frame 0
  env.step(kCloud);                      // the cloud store frame 1
  o = env.observe();                     // frame 2 = (2, 1)
  EXPECT_DOUBLE_EQ(o.features[0], trace.frames[2].features[0]);
  EXPECT_DOUBLE_EQ(o.features[1], 2.0);  // from (0, 1)
  EXPECT_DOUBLE_EQ(o.features[2], 1.0);  // from (1, 1)
  const StateNormalizer norm = StateNormalizer::fit({trace}, true);
  EXPECT_EQ(norm.size(), 13);
  EXPECT_DOUBLE_EQ(norm.feature_scales()[1], 2.0 * std::sqrt(10.0));  // 2 · ‖(3, 1)‖
  trace.frames[3].descriptor.clear();
  EXPECT_THROW(env.reset(trace, 1), std::invalid_argument);
}

}  // namespace
}  // namespace offloadsim::agents
