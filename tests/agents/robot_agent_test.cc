// The closed loop's agent side without a network: answers that arrive late, budgets, price and the
// estimator, driven by hand with chosen times.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "agents/loop/congestion_estimator.h"
#include "agents/loop/robot_agent.h"
#include "agents/mdp/observation_features.h"
#include "agents/policies/all_cloud_policy.h"
#include "agents/policies/all_robot_policy.h"
#include "agents/policies/congestion_aware_policy.h"
#include "test_traces.h"

namespace offloadsim::agents {
namespace {

Trace trace(int horizon, int label_every = 1000) {
  return testing::wrong_robot_trace(horizon, label_every);
}

// Always asks for the cloud.
class CloudEveryFrame final : public Policy {
 public:
  std::string name() const override { return "cloud-every-frame"; }
  void begin_episode(const EpisodeContext& ctx) override { budgets.push_back(ctx.budget); }
  int act(const Observation& obs) override {
    seen.push_back(obs);
    return kCloud;
  }
  std::vector<int> budgets;
  std::vector<Observation> seen;
};

RobotAgentSettings settings() {
  RobotAgentSettings s;
  s.fps = 10;
  s.deadline_s = 0.1;
  s.budget_fraction = 1.0;
  s.mean_query_bytes = 1000;
  s.max_in_flight = 100;
  return s;
}

std::uint32_t kilobyte(int) {
  return 1000;
}

CloudReply reply(std::uint64_t id, int label, double now) {
  CloudReply r;
  r.query_id = id;
  r.label = label;
  r.now_s = now;
  return r;
}

TEST(RobotAgent, AReplyAfterTheDeadlineIsNotUsedForItsFrameButUpdatesTheStore) {
  CloudEveryFrame policy;
  RobotAgent late(0, policy, {trace(10)}, kilobyte, settings(), 1);
  const Decision q = late.on_frame(0, 0.0);
  ASSERT_TRUE(q.query);
  // Frame 0's deadline (100 ms) passes before its reply arrives (150 ms).
  const ScoredFrame r0 = late.on_deadline(0, 0.1);
  EXPECT_FALSE(r0.on_time);
  EXPECT_EQ(r0.used, "none");  // nothing stored yet: a wrong frame
  EXPECT_FALSE(r0.correct);
  late.on_reply(reply(q.query->id, 0, 0.15));
  // Frame 1 sees the late answer in its cloud store, one frame old.
  late.on_frame(1, 0.1);
  const Observation& obs = policy.seen.back();
  EXPECT_TRUE(obs.cloud_store.present);
  EXPECT_EQ(obs.cloud_store.label, 0);
  EXPECT_EQ(obs.dt_cloud, 1);
  // Frame 1's own query is late too: it falls back on frame 0's stored cloud answer, which is right.
  const ScoredFrame r1 = late.on_deadline(1, 0.2);
  EXPECT_FALSE(r1.on_time);
  EXPECT_EQ(r1.used, "past_cloud");
  EXPECT_TRUE(r1.correct);
  EXPECT_NE(r1.why.find("late"), std::string::npos);
}

TEST(RobotAgent, AReplyByTheDeadlineIsUsed) {
  CloudEveryFrame policy;
  RobotAgent agent(0, policy, {trace(10)}, kilobyte, settings(), 1);
  const Decision d = agent.on_frame(0, 0.0);
  agent.on_reply(reply(d.query->id, 0, 0.05));
  const ScoredFrame r = agent.on_deadline(0, 0.1);
  EXPECT_TRUE(r.on_time);
  EXPECT_EQ(r.used, "cloud");
  EXPECT_TRUE(r.correct);
  EXPECT_EQ(agent.unmatched_replies(), 0);
  agent.on_reply(reply(d.query->id, 0, 0.06));  // a second answer to the same query is nobody's
  EXPECT_EQ(agent.unmatched_replies(), 1);
}

// Issue 35: a cloud slower than the time-out was never seen — every query timed out and its reply
// was dropped unread, so the estimator kept the network's round trip as its predicted reply. A
// reply after the time-out is now measured (service, round trip), counts as no success, and is
// not used for the frame.
TEST(RobotAgent, AReplyAfterItsTimeOutIsMeasuredButNotUsed) {
  CloudEveryFrame policy;
  RobotAgent agent(0, policy, {trace(10)}, kilobyte, settings(), 1);
  const Decision d = agent.on_frame(0, 0.0);
  agent.on_timeout(d.query->id, 1.0);
  EXPECT_DOUBLE_EQ(agent.estimator().timeout_rate(), 1.0);
  CloudReply late = reply(d.query->id, 0, 1.6);
  late.service_s = 1.5;
  agent.on_reply(late);
  EXPECT_EQ(agent.replies_after_timeout(), 1);
  EXPECT_EQ(agent.unmatched_replies(), 0);
  EXPECT_DOUBLE_EQ(agent.estimator().service_s(), 1.5);
  EXPECT_DOUBLE_EQ(agent.estimator().timeout_rate(), 1.0);  // no success
  EXPECT_GE(agent.estimator().predicted_reply_s(1000), 1.5);
  const ScoredFrame r = agent.on_deadline(0, 2.0);
  EXPECT_FALSE(r.on_time);
  EXPECT_NE(r.used, "cloud");
  agent.on_reply(late);  // a second reply is nobody's
  EXPECT_EQ(agent.unmatched_replies(), 1);
}

// Copies the features it is shown (the observation points into the agent's buffer).
class RecordingCloud final : public Policy {
 public:
  std::string name() const override { return "recording-cloud"; }
  void begin_episode(const EpisodeContext&) override {}
  int act(const Observation& obs) override {
    seen.emplace_back(obs.features, obs.features + obs.num_features);
    return kCloud;
  }
  std::vector<std::vector<double>> seen;
};

TEST(RobotAgent, SeesTheMdpsFeaturesAndThenItsOwnViewOfTheNetwork) {
  Trace t = trace(4);
  t.feature_names = {"diff"};
  for (int i = 0; i < 4; ++i) {
    t.frames[i].features = {0.5 * i};
    t.frames[i].descriptor = {static_cast<double>(i), 1.0};
  }
  RobotAgentSettings s = settings();
  s.mdp.store_distances = true;
  s.network_features = true;
  RecordingCloud policy;
  RobotAgent agent(0, policy, {t}, kilobyte, s, 1);
  EXPECT_EQ(agent.feature_names(), feature_names({"diff"}, {true, true}));
  const Decision d = agent.on_frame(0, 0.0);
  CloudReply r = reply(d.query->id, 0, 0.03);
  r.service_s = 0.01;
  agent.on_reply(r);
  agent.on_deadline(0, 0.1);
  agent.on_frame(1, 0.1);
  ASSERT_EQ(policy.seen.size(), 2u);
  const std::vector<double>& phi = policy.seen[1];
  ASSERT_EQ(phi.size(), agent.feature_names().size());
  // The stream's feature and the store distances are the MDP's own, for the same stores.
  OffloadEnv env(s.mdp);
  env.reset(t, 4);
  env.step(kCloud);
  const Observation obs = env.observe();
  ASSERT_EQ(obs.num_features, 3);
  for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(phi[static_cast<size_t>(i)], obs.features[i]) << i;
  EXPECT_DOUBLE_EQ(phi[1], 2.0 * std::sqrt(2.0));  // robot store empty: 2 · ‖(1, 1)‖
  EXPECT_DOUBLE_EQ(phi[2], 1.0);                   // the cloud answered frame 0, (0, 1)
  // Then the network: the last round trip is the reply's 30 ms less its 10 ms of service.
  const auto& names = agent.feature_names();
  const auto at = [&](const std::string& n) {
    return phi[static_cast<size_t>(std::find(names.begin(), names.end(), n) - names.begin())];
  };
  EXPECT_NEAR(at("net_recent_rtt_1_ms"), 20.0, 1e-9);
  EXPECT_EQ(at("net_recent_rtt_2_ms"), 0.0);  // only one so far
  EXPECT_EQ(at("net_tokens"), 3.0);           // four granted, one spent
  EXPECT_DOUBLE_EQ(at("net_price"), agent.view().price);
}

TEST(RobotAgent, OnBoardInferenceCountsAgainstTheDeadline) {
  AllRobotPolicy policy(1);
  RobotAgentSettings s = settings();
  s.inference_s = 0.15;  // slower than the 100 ms deadline
  RobotAgent agent(0, policy, {trace(10)}, kilobyte, s, 1);
  agent.on_frame(0, 0.0);
  const ScoredFrame r = agent.on_deadline(0, 0.1);
  EXPECT_FALSE(r.on_time);
  EXPECT_EQ(r.used, "none");
  s.inference_s = 0.05;
  RobotAgent fast(0, policy, {trace(10)}, kilobyte, s, 1);
  fast.on_frame(0, 0.0);
  const ScoredFrame f = fast.on_deadline(0, 0.1);
  EXPECT_TRUE(f.on_time);
  EXPECT_EQ(f.used, "robot");
  EXPECT_FALSE(f.correct);  // this robot model is always wrong
}

TEST(RobotAgent, NoEpisodeSpendsMoreThanItsGrant) {
  CloudEveryFrame policy;
  RobotAgentSettings s = settings();
  s.budget_fraction = 0.3;
  RobotAgent agent(0, policy, {trace(10), trace(10)}, kilobyte, s, 1);
  int queries = 0;
  for (int f = 0; f < 20; ++f) {
    const Decision d = agent.on_frame(f, 0.1 * f);
    if (d.query) {
      ++queries;
      agent.on_reply(reply(d.query->id, 0, 0.1 * f + 0.01));
    } else {
      EXPECT_EQ(d.executed_action, kRobot);  // the paper's soft constraint
    }
    const ScoredFrame r = agent.on_deadline(f, 0.1 * f + 0.1);
    if (!d.query) {
      EXPECT_EQ(r.reason, "no tokens");
    }
  }
  EXPECT_EQ(queries, 6);  // ⌊0.3 · 10⌋ per episode
  EXPECT_EQ(policy.budgets, (std::vector<int>{3, 3}));
}

TEST(RobotAgent, TheInFlightLimitTurnsAQueryIntoAnOnBoardRun) {
  CloudEveryFrame policy;
  RobotAgentSettings s = settings();
  s.max_in_flight = 1;
  RobotAgent agent(0, policy, {trace(10)}, kilobyte, s, 1);
  EXPECT_TRUE(agent.on_frame(0, 0.0).query);
  const Decision d = agent.on_frame(1, 0.1);
  EXPECT_FALSE(d.query);
  EXPECT_EQ(d.executed_action, kRobot);
}

TEST(CongestionEstimator, QueueingAndDeliveryRateFromRoundTrips) {
  CongestionEstimator e;
  // Probes: 10 ms base round trip.
  e.on_reply(0.0, 0.010, 0.0, 64, true);
  e.on_reply(0.5, 0.010, 0.0, 64, true);
  EXPECT_NEAR(e.base_rtt_s(), 0.010, 1e-12);
  EXPECT_NEAR(e.queue_delay_s(), 0.0, 1e-12);
  // A 100 kB query whose network time is 10 ms + 8 ms: 800 kbit / 8 ms = 100 Mbps.
  e.on_reply(1.0, 0.018 + 0.005, 0.005, 100000, false);
  EXPECT_NEAR(e.delivery_bps(), 1e8, 1e-3);
  EXPECT_NEAR(e.bottleneck_bps(), 1e8, 1e-3);
  EXPECT_NEAR(e.service_s(), 0.005, 1e-12);  // the query's; the probes before it took no worker
  EXPECT_NEAR(e.predicted_reply_s(100000), 0.010 + 0.008 + 0.005, 1e-9);
  EXPECT_NEAR(e.congestion(), 0.0, 1e-9);
  // The same query now waits 40 ms in a queue: the queueing estimate and κ rise.
  for (int k = 0; k < 40; ++k) e.on_reply(2.0 + k * 0.1, 0.058, 0.0, 100000, false);
  EXPECT_GT(e.queue_delay_s(), 0.035);
  EXPECT_GT(e.congestion(), 0.7);
  EXPECT_LT(e.delivery_bps(), 3e7);
  e.on_timeout(7.0);
  EXPECT_GT(e.timeout_rate(), 0.0);
}

// Probes are answered without a worker (service 0): they must not pull the cloud's service time,
// and with it the predicted reply, toward 0 (they did until 2026-12-01: a ~0.5 s cloud read as
// ~0.28 s in closed_loop_wifi).
TEST(CongestionEstimator, ProbesDoNotLowerTheServiceEstimate) {
  CongestionEstimator e;
  e.on_reply(0.0, 0.010, 0.0, 64, true);
  e.on_reply(0.5, 0.530, 0.5, 100000, false);  // the cloud served this query in 0.5 s
  for (int k = 1; k <= 20; ++k) e.on_reply(0.5 + 0.5 * k, 0.010, 0.0, 64, true);
  EXPECT_NEAR(e.service_s(), 0.5, 1e-12);
  EXPECT_GT(e.predicted_reply_s(100000), 0.5 + 0.010);
  e.on_reply(11.0, 0.330, 0.3, 100000, false);  // queries still move it, by TCP's gain of 1/8
  EXPECT_NEAR(e.service_s(), 0.5 + (0.3 - 0.5) / 8, 1e-12);
}

TEST(RobotAgent, PriceIsThePapersCostOnAnIdlePathAndRisesWithCongestion) {
  CloudEveryFrame policy;
  RobotAgent agent(0, policy, {trace(100)}, kilobyte, settings(), 1);
  const Decision d0 = agent.on_frame(0, 0.0);
  EXPECT_DOUBLE_EQ(agent.view().price, 5.0);  // no measurement yet: κ = 0
  agent.on_probe_reply(0.010, 0.0, 64, 0.01);
  agent.on_reply(reply(d0.query->id, 0, 0.020));
  agent.on_deadline(0, 0.1);
  agent.on_frame(1, 0.1);  // query 2
  const double idle = agent.view().price;
  EXPECT_NEAR(idle, 5.0, 0.05);
  // Every later query comes back after 90 ms on a 10 ms path: 80 ms in queues.
  double t = 0.1;
  for (int f = 1; f <= 40; ++f, t += 0.1) {
    const Decision d = f == 1 ? Decision{kCloud, kCloud, QueryRequest{2, 1, 1000}} : agent.on_frame(f, t);
    ASSERT_TRUE(d.query);
    agent.on_reply(reply(d.query->id, 0, t + 0.09));
    agent.on_deadline(f, t + 0.1);
  }
  agent.on_frame(41, t);
  EXPECT_GT(agent.view().price, 1.5 * idle);
  EXPECT_GT(agent.view().queue_delay_s, 0.05);
}

TEST(CongestionAwarePolicy, QueriesOnlyWhenThePredictedReplyFitsTheDeadline) {
  CongestionAwarePolicy p(50, 0.5);
  Observation obs;
  obs.robot_confidence = 0.2;
  obs.budget_remaining = 3;
  EXPECT_EQ(p.act(obs), kCloud);  // no network view: the robot heuristic
  NetworkView v;
  v.has_delay = true;
  v.max_in_flight = 4;
  v.time_to_deadline_s = 0.1;
  v.predicted_reply_s = 0.05;
  obs.network = &v;
  EXPECT_EQ(p.act(obs), kCloud);
  v.predicted_reply_s = 0.2;
  EXPECT_EQ(p.act(obs), kRobot);
  v.predicted_reply_s = 0.05;
  obs.robot_confidence = 0.9;
  EXPECT_EQ(p.act(obs), kRobot);  // sure enough: no query
}

}  // namespace
}  // namespace offloadsim::agents
