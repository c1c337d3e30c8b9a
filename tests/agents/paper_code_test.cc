// The paper code's quirks (agents::Quirks), its greedy oracle and the stream's timing: each
// behaves as StanfordASL/cloud_robotics' FourAction simulator does, and all off is our MDP.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <set>

#include "agents/eval/episode_runner.h"
#include "agents/mdp/offload_mdp.h"
#include "agents/policies/all_cloud_policy.h"
#include "agents/policies/all_robot_policy.h"
#include "agents/policies/oracle_policy.h"
#include "agents/policies/paper_oracle_policy.h"
#include "agents/policies/random_policy.h"
#include "agents/policies/robot_heuristic_policy.h"
#include "agents/streams/facenet_table.h"
#include "agents/streams/synthetic_stream.h"
#include "test_traces.h"

namespace offloadsim::agents {
namespace {

MdpParams with(Quirks q) {
  MdpParams p;
  p.quirks = q;
  return p;
}

Quirks all_quirks() {
  Quirks q;
  for (const QuirkName& n : kQuirkNames) q.*n.flag = true;
  return q;
}

TEST(PaperCodeEnv, TwoStageStepsRepeatAQueryAsAReuseAndChargeLossOnce) {
  Quirks q;
  q.two_stage_steps = true;
  const MdpParams p = with(q);
  const Trace trace = testing::simple_trace(4);  // frame 1: robot wrong (99), truth 0
  OffloadEnv env(p);
  env.reset(trace, 3);
  // Frame 0: the robot model (cost 1, the frame goes on), then the cloud (cost 5, goes on), then
  // the robot again, which is now a reuse of the robot store and ends the frame (right: no loss).
  StepOutcome o = env.step(kRobot);
  EXPECT_FALSE(o.frame_end);
  EXPECT_EQ(o.reward, -1.0);
  EXPECT_EQ(env.observe().t, 0);
  EXPECT_TRUE(env.observe().frame_robot_queried);
  o = env.step(kCloud);
  EXPECT_EQ(o.executed_action, kCloud);
  EXPECT_FALSE(o.frame_end);
  EXPECT_EQ(o.reward, -5.0);
  EXPECT_EQ(env.observe().budget_remaining, 2);
  o = env.step(kRobot);
  EXPECT_EQ(o.executed_action, kPastRobot);
  EXPECT_TRUE(o.frame_end);
  EXPECT_EQ(o.reward, 0.0);
  EXPECT_EQ(o.frame, 0);
  // Frame 1: the robot model is wrong; asking it again reuses its wrong answer: loss 10 once.
  EXPECT_EQ(env.observe().t, 1);
  EXPECT_FALSE(env.observe().frame_robot_queried);
  EXPECT_EQ(env.step(kRobot).reward, -1.0);
  o = env.step(kRobot);
  EXPECT_EQ(o.executed_action, kPastRobot);
  EXPECT_EQ(o.reward, -10.0);
  EXPECT_EQ(o.loss, 1.0);
  // Frame 2: a query of the cloud, then the cloud again: a reuse of the fresh cloud answer.
  env.step(kCloud);
  o = env.step(kCloud);
  EXPECT_EQ(o.executed_action, kPastCloud);
  EXPECT_TRUE(o.correct);
  // Frame 3: the last query of the budget; asked again, the code applies the budget rule first, so
  // the request runs the robot (the frame goes on), and only a third request is a reuse (of the
  // robot's answer, wrong here).
  EXPECT_EQ(env.step(kCloud).executed_action, kCloud);
  EXPECT_EQ(env.step(kCloud).executed_action, kRobot);
  o = env.step(kCloud);
  EXPECT_EQ(o.executed_action, kPastRobot);
  EXPECT_EQ(o.loss, 1.0);
  EXPECT_TRUE(o.done);
}

TEST(PaperCodeEnv, PrefilledStoresHoldFrameZerosAnswersAndMakeItsQueriesReuses) {
  Quirks q;
  q.two_stage_steps = true;
  q.prefilled_stores = true;
  const Trace trace = testing::wrong_robot_trace(3);
  OffloadEnv env(with(q));
  const Observation first = env.reset(trace, 1);
  EXPECT_TRUE(first.robot_store.present);
  EXPECT_TRUE(first.cloud_store.present);
  EXPECT_EQ(first.cloud_store.label, trace.frames[0].true_label);
  // On frame 0 both count as queried: a cloud request is a free, right reuse that ends the frame.
  const StepOutcome o = env.step(kCloud);
  EXPECT_EQ(o.executed_action, kPastCloud);
  EXPECT_TRUE(o.frame_end);
  EXPECT_EQ(o.reward, 0.0);
  EXPECT_EQ(env.observe().budget_remaining, 1);
  // Without two-stage steps the stores are pre-filled but frame 0 may be queried as usual.
  Quirks only_prefill;
  only_prefill.prefilled_stores = true;
  OffloadEnv one(with(only_prefill));
  one.reset(trace, 1);
  EXPECT_EQ(one.step(kCloud).executed_action, kCloud);
}

TEST(PaperCodeEnv, NoQuirksIsTheStandardMdpStepForStep) {
  const Trace trace = testing::random_trace(40, 7);
  OffloadEnv plain{MdpParams{}};
  OffloadEnv quirkless(with(Quirks{}));
  plain.reset(trace, 9);
  quirkless.reset(trace, 9);
  std::mt19937 rng(3);
  while (!plain.done()) {
    const int a = std::uniform_int_distribution<int>(0, 3)(rng);
    const StepOutcome x = plain.step(a), y = quirkless.step(a);
    EXPECT_EQ(x.executed_action, y.executed_action);
    EXPECT_EQ(x.reward, y.reward);
    EXPECT_TRUE(y.frame_end);
  }
  EXPECT_TRUE(quirkless.done());
}

TEST(PaperCodeEnv, PerStepMetricLeavesOutTheFinalStepOnlyWithItsQuirk) {
  const Trace trace = testing::simple_trace(6);
  AllRobotPolicy robot(1);
  Quirks q;
  q.two_stage_steps = true;
  EpisodeResult r = run_episode(robot, trace, 0, with(q), 1);
  EXPECT_EQ(r.steps, 12);  // a robot run and its reuse per frame
  EXPECT_DOUBLE_EQ(r.reward, -6.0 - 30.0);
  EXPECT_DOUBLE_EQ(r.reward_per_step, r.reward / 12);
  q.unlogged_final_step = true;
  r = run_episode(robot, trace, 0, with(q), 1);
  // The last step is frame 5's reuse of a wrong robot answer (−10); it is not logged.
  EXPECT_DOUBLE_EQ(r.reward_per_step, (r.reward + 10.0) / 11);
  EXPECT_EQ(r.step_frames.front(), 0);
  EXPECT_EQ(r.step_frames.back(), 5);
}

TEST(PaperOracle, QueriesOncePerNewInputRobotIfRightElseCloudAndIgnoresTheBudget) {
  Trace trace = testing::simple_trace(6);                        // robot right on even frames
  for (int t = 0; t < 6; ++t) trace.frames[t].input_id = t / 2;  // frames 0-1, 2-3, 4-5 share an input
  // Within an input the robot's answer is the same (the same image): make the pairs consistent.
  for (int t = 1; t < 6; t += 2) trace.frames[t] = trace.frames[t - 1];
  trace.frames[2].robot_prediction = trace.frames[3].robot_prediction = 99;  // wrong on input 1
  PaperOraclePolicy oracle;
  MdpParams p;
  EpisodeContext ctx;
  ctx.trace = &trace;
  ctx.params = &p;
  ctx.horizon = 6;
  ctx.budget = 0;
  oracle.begin_episode(ctx);
  EXPECT_EQ(oracle.plan(), (std::vector<int>{kRobot, kPastRobot, kCloud, kPastCloud, kRobot, kPastRobot}));
  // With no budget the cloud request runs the robot, and the next frame reuses a stale cloud
  // store (empty here): the greedy rule ignores the budget.
  const EpisodeResult r = run_episode(oracle, trace, 0, p, 1);
  EXPECT_EQ(r.executed_actions, (std::vector<int>{kRobot, kPastRobot, kRobot, kPastCloud, kRobot, kPastRobot}));
}

TEST(PaperOracle, InTheCodesEnvironmentTheStepAfterAQueryIsItsReuse) {
  Trace trace = testing::simple_trace(4);  // every frame a new input (input_id −1)
  PaperOraclePolicy oracle;
  MdpParams p;
  p.quirks.two_stage_steps = true;
  p.quirks.prefilled_stores = true;
  const EpisodeResult r = run_episode(oracle, trace, 4, p, 1);
  // Frame 0: its planned robot run is a reuse (pre-filled, queried); frame 1: the code still
  // forces the reuse that follows a requested query, so frame 1 reuses frame 0's robot answer
  // instead of its own planned cloud query; frames 2 and 3: query, then reuse.
  EXPECT_EQ(r.executed_actions, (std::vector<int>{kPastRobot, kPastRobot, kRobot, kPastRobot, kCloud, kPastCloud}));
  EXPECT_EQ(r.step_frames, (std::vector<int>{0, 1, 2, 2, 3, 3}));
}

TEST(PaperOracle, CostsMoreThanTheExactOptimumWhichItNeverBeats) {
  const MdpParams p;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const Trace trace = testing::random_trace(30, seed);
    for (int budget : {0, 3, 10, 30}) {
      PaperOraclePolicy greedy;
      OraclePolicy exact;
      EXPECT_LE(run_episode(greedy, trace, budget, p, 1).reward, run_episode(exact, trace, budget, p, 1).reward + 1e-9);
    }
  }
}

TEST(PaperCodePolicies, AllCloudFloorPeriodAndRandomAnyAction) {
  AllCloudPolicy cloud;
  MdpParams p;
  EpisodeContext ctx;
  ctx.params = &p;
  ctx.horizon = 80;
  ctx.budget = 24;  // 0.30 · 80
  cloud.begin_episode(ctx);
  EXPECT_EQ(cloud.period(), 4);  // ⌈80/24⌉
  p.quirks.all_cloud_floor_period = true;
  cloud.begin_episode(ctx);
  EXPECT_EQ(cloud.period(), 3);  // int(80/24)

  RandomPolicy random;
  Observation obs;
  obs.budget_remaining = 0;
  std::set<int> seen;
  random.begin_episode(ctx);  // any-action off here? p has only the floor quirk
  for (int i = 0; i < 200; ++i) seen.insert(random.act(obs));
  EXPECT_EQ(seen.count(kCloud), 0u);
  p.quirks.random_any_action = true;
  random.begin_episode(ctx);
  for (int i = 0; i < 200; ++i) seen.insert(random.act(obs));
  EXPECT_EQ(seen.count(kCloud), 1u);
}

TEST(PaperCodePolicies, LaggedHeuristicReadsThePreviousStepsPrediction) {
  RobotHeuristicPolicy h(std::numeric_limits<double>::quiet_NaN(), 0.5);
  MdpParams p;
  p.quirks.heuristic_lag = true;
  EpisodeContext ctx;
  ctx.params = &p;
  h.begin_episode(ctx);
  Observation obs;
  obs.robot_confidence = 0.1;  // the current frame: ignored
  obs.budget_remaining = 0;
  EXPECT_EQ(h.act(obs), kRobot);  // the code's first planned action
  obs.last_used = {true, 3, 0.2};
  EXPECT_EQ(h.act(obs), kCloud);   // below the threshold, budget or not
  obs.last_used = {true, 3, 1.0};  // a cloud answer just used
  EXPECT_EQ(h.act(obs), kRobot);
}

TEST(PaperCodeStream, SwitchesOnMultiplesAndRedrawsOnTheEpisodesClock) {
  const FacenetTable table = FacenetTable::load(std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/data/SVM_results.csv");
  SyntheticStreamParams sp;
  sp.split = "TRAIN";
  sp.paper_timing = true;
  const SyntheticStream stream(table, sp);
  int changes_off_clock = 0, changes = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const Trace t = stream.generate(seed, "x");
    for (int i = 1; i < t.horizon(); ++i) {
      if (t.frames[i].input_id != t.frames[i - 1].input_id) {
        ++changes;
        if (i % 3 != 0) ++changes_off_clock;
      }
    }
  }
  EXPECT_GT(changes, 500);
  EXPECT_EQ(changes_off_clock, 0);  // images change only when t % 3 == 0
  // Ours redraws from each interval's start: images change off the global clock too.
  sp.paper_timing = false;
  const SyntheticStream ours(table, sp);
  int ours_off_clock = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const Trace t = ours.generate(seed, "x");
    for (int i = 1; i < t.horizon(); ++i) ours_off_clock += t.frames[i].input_id != t.frames[i - 1].input_id && i % 3;
  }
  EXPECT_GT(ours_off_clock, 100);
}

TEST(PaperCodeQuirks, EveryQuirkHasADistinctName) {
  std::set<std::string> names;
  for (const QuirkName& n : kQuirkNames) names.insert(n.name);
  EXPECT_EQ(names.size(), std::size(kQuirkNames));
  const Quirks q = all_quirks();
  EXPECT_TRUE(q.two_stage_steps && q.prefilled_stores && q.stream_timing && q.heuristic_lag);
}

}  // namespace
}  // namespace offloadsim::agents
