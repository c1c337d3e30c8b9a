// The congestion surrogate: the closed loop's robot over a fluid-queue model of a shared cell
// (agents/mdp/congestion_surrogate.h). The rules are checked against the loop's own RobotAgent,
// driven by a small event loop over the same network model; the model against its definition.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <queue>
#include <random>
#include <tuple>

#include "agents/loop/robot_agent.h"
#include "agents/mdp/congestion_surrogate.h"
#include "agents/mdp/observation_features.h"
#include "test_traces.h"

namespace offloadsim::agents {
namespace {

// Plays a fixed action sequence.
class SequencePolicy final : public Policy {
 public:
  explicit SequencePolicy(std::vector<int> actions) : actions_(std::move(actions)) {}
  std::string name() const override { return "sequence"; }
  void begin_episode(const EpisodeContext&) override {}
  int act(const Observation&) override { return actions_.at(next_++); }

 private:
  std::vector<int> actions_;
  std::size_t next_ = 0;
};

SurrogateSettings settings(double inference_s) {
  SurrogateSettings s;
  RobotAgentSettings& r = s.robot;
  r.fps = 10;
  r.deadline_s = 0.1;
  r.inference_s = inference_s;
  r.timeout_s = 0.25;
  r.max_in_flight = 2;
  r.budget_fraction = 0.5;
  r.budget_share = 0.3;  // the grant is cut once the robot has measured its delivery rate
  r.price_gain = 2.0;
  r.probe_interval_s = 0.3;
  r.mean_query_bytes = 100000;
  r.network_features = true;
  s.probe_bytes = 64;
  return s;
}

const std::vector<std::uint32_t> kSizes = {80000, 120000, 100000};

CellModel cell(int robots) {
  CellModel m;
  m.name = "test";
  m.robots = robots;
  m.base_rtt_s = 0.01;
  m.capacity_bps = 8e6;  // a 100 kB query takes 100 ms: a frame period, so queries queue
  m.service_s = {0.02};
  m.cloud_workers = 1;
  return m;
}

StateNormalizer normalizer(const SurrogateSettings& s, const Trace& t) {
  std::vector<double> scales = StateNormalizer::fit({t}).feature_scales();
  const std::vector<double> net = network_feature_scales(s.robot.timeout_s, 100, 10, t.horizon());
  scales.insert(scales.end(), net.begin(), net.end());
  return StateNormalizer(scales);
}

struct Played {
  int executed = 0;
  bool on_time = false, correct = false;
  double reward = 0;
};

// The closed loop's RobotAgent for one robot, its queries carried by the same fluid queue and
// one-worker cloud as the surrogate's model (without jitter), events in time order with ties in
// scheduling order, as ns-3 runs them (sim/loop/closed_loop.cc).
std::vector<Played> play_robot_agent(const std::vector<Trace>& episodes, const std::vector<int>& actions,
                                     const SurrogateSettings& s, const CellModel& m) {
  SequencePolicy policy(actions);
  const auto bytes = [](int f) { return kSizes[static_cast<std::size_t>(f) % kSizes.size()]; };
  RobotAgent agent(0, policy, episodes, bytes, s.robot, 1);
  using Event = std::tuple<std::int64_t, int, std::function<void()>>;  // ns-3's integer nanoseconds
  const auto later = [](const Event& a, const Event& b) {
    return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) > std::get<0>(b) : std::get<1>(a) > std::get<1>(b);
  };
  std::priority_queue<Event, std::vector<Event>, decltype(later)> events(later);
  int seq = 0;
  double now = 0;
  const auto at = [&](double t, std::function<void()> f) {
    events.emplace(std::llround(t * 1e9), seq++, std::move(f));
  };
  double backlog = 0, backlog_at = 0, worker_free = 0;
  std::map<std::uint64_t, bool> answered;  // query → replied (before its time-out)
  std::vector<Played> out;
  std::function<void(int)> tick = [&](int f) {
    const Decision d = agent.on_frame(f, now);
    at(now + s.robot.deadline_s, [&, f] {
      const ScoredFrame r = agent.on_deadline(f, now);
      out.push_back({r.executed_action, r.on_time, r.correct, r.reward});
    });
    if (d.query) {
      const std::uint64_t id = d.query->id;
      const double w = std::max(0.0, backlog - (now - backlog_at));
      const double tx = 8.0 * d.query->bytes / m.capacity_bps;
      const double wire = std::max(tx, m.base_rtt_s + w + tx);
      backlog = w + tx;
      backlog_at = now;
      const double arrive = now + std::max(0.0, wire - m.base_rtt_s / 2);
      const double start = std::max(arrive, worker_free);
      worker_free = start + m.service_s[0];
      const double reply = worker_free + (wire - (arrive - now));
      const double sent = now;
      const Frame frame = agent.frame(f);
      answered[id] = false;
      at(reply, [&, id, sent, frame] {
        // After its time-out the loop still hands the reply over: the agent measures it, no more.
        if (sent + s.robot.timeout_s >= now) answered[id] = true;
        CloudReply r;
        r.query_id = id;
        r.label = frame.cloud_prediction;
        r.confidence = frame.cloud_confidence;
        r.service_s = m.service_s[0];
        r.now_s = now;
        agent.on_reply(r);
      });
      at(now + s.robot.timeout_s, [&, id] {
        if (!answered[id]) agent.on_timeout(id, now);
      });
    }
    at(now + 0.5 / s.robot.fps, [&] {
      if (!agent.probe_due(now)) return;
      const double w = std::max(0.0, backlog - (now - backlog_at));
      const double tx = 8.0 * s.probe_bytes / m.capacity_bps;
      const double rtt = std::max(tx, m.base_rtt_s + w + tx);
      const double sent = now;
      agent.on_probe_sent(now);
      at(now + rtt, [&, sent] { agent.on_probe_reply(now - sent, 0.0, s.probe_bytes, now); });
    });
    if (f + 1 < agent.frames()) at((f + 1) / s.robot.fps, [&, f] { tick(f + 1); });
  };
  at(0.0, [&] { tick(0); });
  while (!events.empty()) {
    Event e = events.top();
    events.pop();
    now = static_cast<double>(std::get<0>(e)) / 1e9;
    std::get<2>(e)();
  }
  return out;
}

std::vector<Played> play_surrogate(const std::vector<Trace>& episodes, const std::vector<int>& actions,
                                   const SurrogateSettings& s, const CellModel& m) {
  CongestionSurrogate env({m}, s, kSizes, normalizer(s, episodes.front()), 1);
  std::vector<Played> out;
  std::size_t k = 0;
  for (const Trace& t : episodes) {
    env.reset(0, t, budget_queries(s.robot.budget_fraction, t.horizon()));
    std::vector<float> obs(static_cast<std::size_t>(env.observation_size()));
    while (!env.done(0)) {
      env.observe(obs.data());  // what a learner would see; must not disturb the state
      float reward = 0;
      std::uint8_t done = 0;
      SurrogateOutcome o;
      env.step(&actions[k++], &reward, &done, &o);
      out.push_back({o.executed_action, o.on_time, o.correct, reward});
    }
  }
  return out;
}

TEST(CongestionSurrogate, PlaysTheLoopsRulesFrameForFrameAsTheRobotAgentDoes) {
  for (double inference_s : {0.05, 0.15}) {  // the on-board result in time, then late
    const SurrogateSettings s = settings(inference_s);
    std::vector<Trace> episodes;
    for (unsigned e = 0; e < 6; ++e) episodes.push_back(testing::random_trace(20, 10 + e));
    std::mt19937 rng(7);
    std::vector<int> actions;
    for (int k = 0; k < 120; ++k) actions.push_back(std::discrete_distribution<int>({1, 1, 2, 4})(rng));
    const std::vector<Played> loop = play_robot_agent(episodes, actions, s, cell(1));
    const std::vector<Played> surrogate = play_surrogate(episodes, actions, s, cell(1));
    ASSERT_EQ(loop.size(), 120u);
    ASSERT_EQ(surrogate.size(), 120u);
    int queries = 0, late = 0, downgraded = 0;
    for (std::size_t f = 0; f < loop.size(); ++f) {
      EXPECT_EQ(surrogate[f].executed, loop[f].executed) << "frame " << f;
      EXPECT_EQ(surrogate[f].on_time, loop[f].on_time) << "frame " << f;
      EXPECT_EQ(surrogate[f].correct, loop[f].correct) << "frame " << f;
      EXPECT_NEAR(surrogate[f].reward, loop[f].reward, 1e-5) << "frame " << f;
      queries += loop[f].executed == kCloud;
      late += loop[f].executed == kCloud && !loop[f].on_time;
      downgraded += actions[f] == kCloud && loop[f].executed != kCloud;
    }
    // The comparison covered what matters: queries, late answers, refused queries.
    EXPECT_GT(queries, 15);
    EXPECT_GT(late, 3);
    EXPECT_GT(downgraded, 3);
  }
}

// Mean latency of robot 0's queries over 200 frames in a cell of `robots`, where robot 0 always
// asks for the cloud and the others do so when `others_query`.
double robot0_latency(int robots, bool others_query) {
  SurrogateSettings s = settings(0.05);
  s.robot.budget_fraction = 1.0;
  s.robot.budget_share = 100;
  s.robot.max_in_flight = 100;
  s.robot.timeout_s = 100;
  CellModel m = cell(robots);
  m.capacity_bps = 20e6;
  m.cloud_workers = 16;
  const Trace t = testing::random_trace(200, 3);
  CongestionSurrogate env({m}, s, kSizes, normalizer(s, t), 1);
  for (int r = 0; r < robots; ++r) env.reset(r, t, 200);
  std::vector<int> actions(static_cast<std::size_t>(robots), others_query ? kCloud : kRobot);
  actions[0] = kCloud;
  std::vector<float> rewards(actions.size());
  std::vector<std::uint8_t> dones(actions.size());
  std::vector<SurrogateOutcome> o(actions.size());
  double sum = 0;
  for (int k = 0; k < 200; ++k) {
    env.step(actions.data(), rewards.data(), dones.data(), o.data());
    EXPECT_EQ(o[0].executed_action, kCloud);
    sum += o[0].latency_s;
  }
  return sum / 200;
}

TEST(CongestionSurrogate, RobotsSharingACellSlowEachOthersQueries) {
  const double alone = robot0_latency(4, false), shared = robot0_latency(4, true);
  // Alone: base 10 ms + 40 ms on the wire (a mean query) + 20 ms service. Four robots send
  // 32 Mbps into a 20 Mbps cell: the queue grows without bound.
  EXPECT_NEAR(alone, 0.01 + 8.0 * 100000 / 20e6 + 0.02, 0.002);
  EXPECT_GT(shared, 3 * alone);
}

TEST(CongestionSurrogate, SameSeedSameRewardsAndJitterComesFromTheSeed) {
  SurrogateSettings s = settings(0.05);
  CellModel m = cell(3);
  m.jitter_s = {-0.004, 0.0, 0.003, 0.02, 0.05};
  m.service_s = {0.01, 0.02, 0.09};
  const Trace t = testing::random_trace(40, 5);
  const auto run = [&](std::uint64_t seed) {
    CongestionSurrogate env({m, m}, s, kSizes, normalizer(s, t), seed);
    for (int i = 0; i < env.size(); ++i) env.reset(i, t, 20);
    std::vector<float> all, rewards(6);
    std::vector<std::uint8_t> dones(6);
    std::vector<int> actions(6);
    for (int k = 0; k < 40; ++k) {
      for (int i = 0; i < 6; ++i) actions[static_cast<std::size_t>(i)] = (k * 7 + i * 3) % kNumActions;
      env.step(actions.data(), rewards.data(), dones.data());
      all.insert(all.end(), rewards.begin(), rewards.end());
    }
    EXPECT_TRUE(std::all_of(dones.begin(), dones.end(), [](auto d) { return d == 1; }));
    return all;
  };
  EXPECT_EQ(run(4), run(4));
  EXPECT_NE(run(4), run(5));
}

// With a deadline of several frame periods (the flagship closed loops': 1 s at 5 frames/s), each
// frame is scored as its deadline passes, from the robot's state then: the rewards of every episode
// are the RobotAgent's, and so is every frame scored within the episode. The frames that begin an
// episode reuse here, so that nothing the next episode does lands before the last deadlines of the
// one before (the surrogate scores those on a copy of the robot, without the next episode).
TEST(CongestionSurrogate, ScoresEachFrameAsItsDeadlinePassesWhenTheDeadlineSpansFrames) {
  for (double inference_s : {0.05, 0.3}) {  // the on-board result in time, then late
    SurrogateSettings s = settings(inference_s);
    s.robot.deadline_s = 0.35;
    s.robot.timeout_s = 0.6;
    constexpr int kFrames = 20, kEpisodes = 6, kSpan = 4;  // frames a deadline spans
    std::vector<Trace> episodes;
    for (unsigned e = 0; e < kEpisodes; ++e) episodes.push_back(testing::random_trace(kFrames, 10 + e));
    std::mt19937 rng(7);
    std::vector<int> actions;
    for (int k = 0; k < kFrames * kEpisodes; ++k) {
      const int a = std::discrete_distribution<int>({1, 1, 2, 4})(rng);
      actions.push_back(k % kFrames < kSpan ? kPastCloud : a);
    }
    CellModel slow = cell(1);
    slow.capacity_bps = 2.3e6;  // a query ~350 ms on the wire: late answers (never exactly at a deadline)
    const std::vector<Played> loop = play_robot_agent(episodes, actions, s, slow);
    ASSERT_EQ(loop.size(), static_cast<std::size_t>(kFrames * kEpisodes));
    CongestionSurrogate env({slow}, s, kSizes, normalizer(s, episodes.front()), 1);
    std::size_t k = 0;
    int compared = 0, late = 0;
    for (int e = 0; e < kEpisodes; ++e) {
      env.reset(0, episodes[static_cast<std::size_t>(e)],
                budget_queries(s.robot.budget_fraction, episodes[static_cast<std::size_t>(e)].horizon()));
      double surrogate_total = 0, loop_total = 0;
      for (int t = 0; t < kFrames; ++t) loop_total += loop[static_cast<std::size_t>(e * kFrames + t)].reward;
      for (int t = 0; !env.done(0); ++t) {
        float reward = 0;
        std::uint8_t done = 0;
        SurrogateOutcome o;
        env.step(&actions[k++], &reward, &done, &o);
        surrogate_total += reward;
        if (t < kSpan - 1) {
          EXPECT_EQ(o.frame, -1) << "no deadline has passed yet";
        }
        if (o.frame < 0 || done) continue;
        EXPECT_EQ(o.frame, t - kSpan + 1);
        const Played& want = loop[static_cast<std::size_t>(e * kFrames + o.frame)];
        EXPECT_EQ(o.executed_action, want.executed) << "episode " << e << " frame " << o.frame;
        EXPECT_EQ(o.on_time, want.on_time) << "episode " << e << " frame " << o.frame;
        EXPECT_EQ(o.correct, want.correct) << "episode " << e << " frame " << o.frame;
        ++compared;
        late += want.executed == kCloud && !want.on_time;
      }
      EXPECT_NEAR(surrogate_total, loop_total, 1e-4) << "episode " << e;
    }
    EXPECT_GT(compared, 80);
    EXPECT_GT(late, 3);
  }
}

TEST(FitCellModel, RecoversBaseAndCapacityFromQueriesTheModelMade) {
  // Three runs at different loads through a 30 Mbps cell with a 12 ms base and ±2 ms jitter.
  const double b = 0.012, c = 30e6;
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> jitter(-0.002, 0.002);
  std::vector<WireSample> samples;
  for (int run = 0; run < 3; ++run) {
    double backlog = 0, at = 0;
    const double gap = std::vector<double>{0.2, 0.05, 0.02}[static_cast<std::size_t>(run)];
    for (int k = 0; k < 300; ++k) {
      const double t = k * gap;
      backlog = std::max(0.0, backlog - (t - at));
      at = t;
      const std::uint32_t bytes = kSizes[static_cast<std::size_t>(k) % kSizes.size()];
      const double tx = 8.0 * bytes / c;
      samples.push_back({run, t, bytes, b + backlog + tx + jitter(rng)});
      backlog += tx;
    }
  }
  const CellFit fit = fit_cell_model(samples);
  EXPECT_NEAR(fit.capacity_bps / c, 1.0, 0.01);
  EXPECT_NEAR(fit.base_rtt_s, b, 0.002);
  EXPECT_LT(fit.mean_abs_error_s, 0.0015);
  EXPECT_EQ(fit.jitter_s.size(), samples.size());
  EXPECT_THROW(fit_cell_model({}), std::invalid_argument);
}

}  // namespace
}  // namespace offloadsim::agents
