// The closed loop in ns-3: queries really cross the simulated network; what the robots measure
// moves their price and budget. Short runs (a few simulated seconds) on small networks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "agents/learning/rl_policy.h"
#include "agents/loop/robot_agent.h"
#include "agents/mdp/observation_features.h"
#include "agents/policies/all_cloud_policy.h"
#include "agents/policies/all_robot_policy.h"
#include "base/csv_table.h"
#include "base/input_error.h"
#include "base/stats.h"
#include "run_fixtures.h"
#include "sim/loop/closed_loop.h"
#include "sim/runners/closed_loop_run.h"
#include "sim/scenario/scenario_error.h"
#include "sim/scenario/schema.h"

namespace offloadsim::sim {
namespace {

namespace nm = netmodels;

agents::Trace frames(int horizon) {
  agents::Trace t;
  t.id = "t";
  for (int i = 0; i < horizon; ++i) {
    agents::Frame f;
    f.true_label = i / 5;
    f.robot_prediction = f.true_label;
    f.robot_confidence = 0.5;
    f.cloud_prediction = f.true_label;
    t.frames.push_back(f);
  }
  return t;
}

// Robots with one policy each over `episodes` episodes of `horizon` frames.
struct Robots {
  std::vector<std::unique_ptr<agents::Policy>> policies;
  std::vector<std::unique_ptr<agents::RobotAgent>> agents;
  std::vector<LoopRobot> loop;
  std::vector<agents::Trace> eps;
};

using PolicyMaker = std::function<std::unique_ptr<agents::Policy>()>;

Robots make_robots(const PolicyMaker& make, int n, int episodes, int horizon, const agents::RobotAgentSettings& s,
                   std::uint32_t bytes) {
  Robots r;
  for (int e = 0; e < episodes; ++e) r.eps.push_back(frames(horizon));
  for (int k = 0; k < n; ++k) {
    r.policies.push_back(make());
    r.agents.push_back(std::make_unique<agents::RobotAgent>(
        k, *r.policies.back(), r.eps, [bytes](int) { return bytes; }, s, 11));
    LoopRobot lr;
    lr.agent = r.agents.back().get();
    lr.frames = r.agents.back()->frames();
    lr.cloud_answer = [](int f) { return std::pair<int, double>{f / 5, 1.0}; };
    r.loop.push_back(lr);
  }
  return r;
}

agents::RobotAgentSettings agent_settings(double fps, double deadline_s) {
  agents::RobotAgentSettings s;
  s.fps = fps;
  s.deadline_s = deadline_s;
  s.budget_fraction = 1.0;
  s.mean_query_bytes = 1000;
  s.timeout_s = 2.0;
  return s;
}

std::unique_ptr<agents::Policy> all_cloud() {
  return std::make_unique<agents::AllCloudPolicy>();
}

std::unique_ptr<agents::Policy> all_robot() {
  return std::make_unique<agents::AllRobotPolicy>(1);
}

TEST(ClosedLoop, AQueryOnAnIdleWiredPathTakesTwoOneWayDelaysTransmissionAndService) {
  ClosedLoopSpec spec;
  spec.network.type = nm::NetworkType::kWired;
  spec.network.robots = 1;
  spec.network.robot_link = {100.0, 10.0};   // 100 Mbps, 10 ms
  spec.network.server_link = {1000.0, 5.0};  // 1 Gbps, 5 ms
  spec.network.duration_s = 4.0;
  spec.service_times_s = {0.020};
  spec.fps = 2;
  spec.deadline_s = 0.5;
  spec.probe_bytes = 64;
  const std::uint32_t bytes = 1000;  // one segment: no congestion window in the way
  Robots r = make_robots(all_cloud, 1, 1, 20, agent_settings(2, 0.5), bytes);
  const ClosedLoopResult out = run_closed_loop(spec, r.loop);
  ASSERT_TRUE(out.errors.empty());
  // Each link carries the request (17-byte head + 4-byte length + body, TCP/IP headers with
  // timestamps: 52 bytes, PPP: 2) one way and the 64-byte reply the other.
  const auto on_wire = [](double payload) { return (payload + 52 + 2) * 8; };
  const double request = on_wire(bytes + 17 + 4), answer = on_wire(64 + 4);
  const double expected = 2 * (0.010 + 0.005) + request / 100e6 + request / 1e9 + answer / 1e9 + answer / 100e6 + 0.020;
  int checked = 0;
  for (const QueryRecord& q : out.queries) {
    if (q.probe || q.replied_s < 0) continue;
    EXPECT_NEAR(q.replied_s - q.sent_s, expected, 0.01 * expected) << "query " << q.id;
    EXPECT_NEAR(q.service_s, 0.020, 1e-9);
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

// One robot near an 802.11ac AP, a station beside it downloading in bulk or not.
ClosedLoopSpec wifi_spec(bool download) {
  ClosedLoopSpec spec;
  spec.network.robots = 1;
  spec.network.stations = 1;
  spec.network.duration_s = 6.0;
  if (download) {
    // From 2 s on: the robot first learns its path's empty round trip from its probes (a robot
    // that never saw the path empty would take the download's standing queue for the path itself,
    // as Vegas and BBR do; docs/loop.md).
    nm::BackgroundSpec g;
    g.name = "download";
    g.start_s = 2.0;
    spec.network.background.push_back(g);
  }
  spec.service_times_s = {0.005};
  spec.fps = 10;
  spec.deadline_s = 0.1;
  return spec;
}

struct Averages {
  double price = 0, granted = 0, on_time = 0;
  int queries = 0;
};

Averages averages(const ClosedLoopResult& out, double from_s) {
  Averages a;
  int frames = 0, episodes = 0, sent = 0;
  for (const agents::ScoredFrame& f : out.frames) {
    if (f.t_s < from_s) continue;
    ++frames;
    if (f.step == 0) {
      a.granted += f.tokens_granted;
      ++episodes;
    }
    if (f.executed_action == agents::kCloud) {
      a.price += f.price;
      a.on_time += f.on_time ? 1 : 0;
      ++sent;
    }
  }
  a.queries = sent;
  a.price /= std::max(1, sent);
  a.on_time /= std::max(1, sent);
  a.granted /= std::max(1, episodes);
  return a;
}

TEST(ClosedLoop, PriceRisesAndBudgetFallsUnderASaturatingDownload) {
  // A 20 ms deadline: an idle path answers in about 8 ms (5 of them the cloud's), one with the
  // download's queue in it does not.
  agents::RobotAgentSettings s = agent_settings(10, 0.02);
  s.mean_query_bytes = 50000;
  std::map<bool, Averages> seen;
  for (bool download : {false, true}) {
    Robots r = make_robots(all_cloud, 1, 60, 5, s, 50000);  // 0.5 s episodes: many grants
    ClosedLoopSpec spec = wifi_spec(download);
    spec.deadline_s = 0.02;
    const ClosedLoopResult out = run_closed_loop(spec, r.loop);
    ASSERT_TRUE(out.errors.empty());
    seen[download] = averages(out, 3.0);
    // No robot exceeds its budget: every episode's queries fit its grant.
    std::map<int, std::pair<int, int>> per_episode;  // episode → (queries, grant)
    for (const agents::ScoredFrame& f : out.frames) {
      auto& [q, g] = per_episode[f.episode];
      q += f.executed_action == agents::kCloud ? 1 : 0;
      g = f.tokens_granted;
    }
    for (const auto& [e, qg] : per_episode) EXPECT_LE(qg.first, qg.second) << "episode " << e;
  }
  EXPECT_GT(seen[true].price, 1.2 * seen[false].price);
  EXPECT_LT(seen[true].granted, seen[false].granted);
  EXPECT_LT(seen[true].on_time, seen[false].on_time);
}

TEST(ClosedLoop, EveryReplyIsMatchedToItsQueryAndARobotThatNeverQueriesStillHasAnEstimate) {
  agents::RobotAgentSettings s = agent_settings(10, 0.1);
  Robots cloud = make_robots(all_cloud, 2, 20, 5, s, 5000);
  ClosedLoopSpec spec = wifi_spec(false);
  spec.network.robots = 2;
  spec.network.duration_s = 4.0;
  const ClosedLoopResult out = run_closed_loop(spec, cloud.loop);
  EXPECT_TRUE(out.errors.empty());
  std::map<std::pair<int, std::uint64_t>, int> ids;
  int answered = 0;
  for (const QueryRecord& q : out.queries) {
    EXPECT_EQ(++ids[std::make_pair(q.robot, q.id)], 1) << "request id used twice";
    answered += q.replied_s >= 0 ? 1 : 0;
  }
  EXPECT_GT(answered, 10);
  for (const auto& a : cloud.agents) EXPECT_EQ(a->unmatched_replies(), 0);
  EXPECT_EQ(static_cast<int>(out.cloud.served), std::count_if(out.queries.begin(), out.queries.end(),
                                                              [](auto& q) { return !q.probe && q.replied_s >= 0; }));

  Robots onboard = make_robots(all_robot, 1, 20, 5, s, 5000);
  spec = wifi_spec(false);
  spec.network.duration_s = 4.0;
  const ClosedLoopResult quiet = run_closed_loop(spec, onboard.loop);
  EXPECT_TRUE(std::none_of(quiet.queries.begin(), quiet.queries.end(), [](auto& q) { return !q.probe; }));
  const agents::ScoredFrame& last = quiet.frames.back();
  EXPECT_GT(last.est_rtt_ms, 0.0);   // from probes alone
  EXPECT_LT(last.est_rtt_ms, 50.0);  // an idle WiFi hop and a 1 ms wire
  EXPECT_GT(last.est_base_rtt_ms, 0.0);
}

// A small closed-loop scenario: one robot, no sensor stream, WiFi, three seconds.
std::string tiny_scenario(const std::string& name, const std::string& extra = "") {
  return fixtures::write_temp(name, R"(schema: 1
kind: closed-loop
seed: 3
robots: {count: 1, streams: []}
stream: {horizon: 10}
eval: {policies: [all-cloud, congestion-aware], heuristic_percentiles: [50], calibration_traces: 5}
run: {duration_s: 3, warmup_s: 1, seeds: 1}
output: {figures: false}
)" + extra);
}

TEST(ClosedLoopKind, SameSeedGivesTheSameBytes) {
  const std::string file = tiny_scenario("loop_same_seed.yaml");
  const auto a = fixtures::run_into(file, "loop_a");
  const auto b = fixtures::run_into(file, "loop_b");
  for (const char* f : {"decisions.csv", "queries.csv", "summary.csv", "rates.csv"}) {
    EXPECT_EQ(fixtures::slurp(a / f), fixtures::slurp(b / f)) << f;
  }
  const base::CsvTable summary = base::CsvTable::read((a / "summary.csv").string());
  EXPECT_EQ(summary.rows(), 4u);  // two policies × (robot1, all)
  const base::CsvTable decisions = base::CsvTable::read((a / "decisions.csv").string());
  EXPECT_GT(decisions.rows(), 20u);
  const std::size_t why = decisions.column("why");
  for (std::size_t r = 0; r < decisions.rows(); ++r) EXPECT_FALSE(decisions.cell(r, why).empty());
}

// summary.csv's net_rtt_* are the replies' latency less the cloud's reported service time, taken
// from the queries of queries.csv; its query ids are decisions.csv's.
TEST(ClosedLoopKind, SummaryNetworkRoundTripIsLatencyLessService) {
  // A 300 ms service: enough queries answered in three seconds, whatever the measured default.
  const auto out = fixtures::run_into(tiny_scenario("loop_net_rtt.yaml", "cloud: {service_ms: 300}\n"), "loop_net_rtt");
  const base::CsvTable q = base::CsvTable::read((out / "queries.csv").string());
  const base::CsvTable d = base::CsvTable::read((out / "decisions.csv").string());
  std::vector<double> latency, net;
  std::set<std::string> decided;
  for (std::size_t r = 0; r < d.rows(); ++r) {
    if (d.cell(r, d.column("policy")) == "all-cloud" && !d.cell(r, d.column("query_id")).empty()) {
      decided.insert(d.cell(r, d.column("query_id")));
    }
  }
  for (std::size_t r = 0; r < q.rows(); ++r) {
    if (q.cell(r, q.column("policy")) != "all-cloud" || q.cell(r, q.column("kind")) != "query") continue;
    EXPECT_EQ(decided.count(q.cell(r, q.column("query_id"))), 1u) << "query " << q.cell(r, q.column("query_id"));
    if (q.cell(r, q.column("latency_ms")).empty()) continue;
    latency.push_back(q.number(r, q.column("latency_ms")));
    net.push_back(latency.back() - q.number(r, q.column("service_ms")));
  }
  ASSERT_GE(net.size(), 3u);
  const base::CsvTable summary = base::CsvTable::read((out / "summary.csv").string());
  std::size_t all = summary.rows();
  for (std::size_t r = 0; r < summary.rows(); ++r) {
    if (summary.cell(r, summary.column("policy")) == "all-cloud" && summary.cell(r, summary.column("robot")) == "all") {
      all = r;
    }
  }
  ASSERT_LT(all, summary.rows());
  EXPECT_NEAR(summary.number(all, summary.column("net_rtt_p50_ms")), base::lower_quantile(net, 0.5), 2e-3);
  EXPECT_NEAR(summary.number(all, summary.column("net_rtt_p95_ms")), base::lower_quantile(net, 0.95), 2e-3);
  EXPECT_LT(summary.number(all, summary.column("net_rtt_p50_ms")),
            summary.number(all, summary.column("latency_p50_ms")) - 10);  // the service is out
}

TEST(ClosedLoopKind, BadLoopAndCloudSettingsNameTheField) {
  const std::string file = tiny_scenario("loop_bad.yaml");
  const auto refused = [&](const std::vector<std::string>& sets, const std::string& field) {
    try {
      const Scenario sc = load_scenario(file, sets);
      check_scenario(sc);
      ADD_FAILURE() << "accepted: " << sets.front();
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  refused({"cloud.server=2"}, "cloud.server");
  refused({"loop.start_s=5"}, "loop.start_s");
  refused({"loop.fps=0"}, "loop.fps");
  refused({"eval.policies=[oracle]"}, "eval.policies");
  refused({"cloud.workers=0"}, "cloud.workers");
  refused({"loop.reference_policy=all-robot"}, "loop.reference_policy");  // not among the policies
  refused({"run.seeds=0"}, "run.seeds");
  refused({"loop.query_video=" + file}, "loop.query_video");  // a file, but not a video
}

// Issue 35: two policies that executed the same action at every frame are said to be one behaviour.
TEST(ClosedLoopKind, PoliciesThatActedAlikeAreFlagged) {
  // With no budget nothing goes to the cloud: all-cloud's requests and the congestion-aware
  // heuristic (which asks for none) run on board at every frame, as all-robot does.
  const std::string file = tiny_scenario("loop_alike.yaml");
  const auto dir = std::filesystem::path(::testing::TempDir()) / "loop_alike";
  std::filesystem::remove_all(dir);
  const std::string log =
      fixtures::run_in_place(file, dir, {"eval.policies=[all-robot, all-cloud, congestion-aware]", "loop.budget=0"});
  EXPECT_NE(log.find("note: all-cloud executed the same action as all-robot at every frame of every robot"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("note: congestion-aware-q50 executed the same action as all-robot"), std::string::npos) << log;
  const auto prov = nlohmann::json::parse(fixtures::slurp(dir / "provenance.json"));
  EXPECT_EQ(prov["notes"]["identical_decisions"],
            nlohmann::json::parse(R"([["all-robot", "all-cloud"], ["all-robot", "congestion-aware-q50"]])"));
  // With a budget all-cloud queries: no note.
  std::filesystem::remove_all(dir);
  const std::string apart = fixtures::run_in_place(file, dir, {"eval.policies=[all-robot, all-cloud]"});
  EXPECT_EQ(apart.find("note:"), std::string::npos) << apart;
}

// The half-width of a 95% CI over seeds is Student's t's (tables: t(4) = 2.776, t(1) = 12.706).
TEST(Stats, Ci95HalfWidthIsStudentsT) {
  EXPECT_NEAR(base::ci95_half_width({1, 2, 3, 4, 5}), 2.776445 * std::sqrt(2.5 / 5), 1e-5);
  EXPECT_NEAR(base::ci95_half_width({2, 4}), 12.7062, 1e-4);
  EXPECT_TRUE(std::isnan(base::ci95_half_width({3})));
}

// Issue 35, item 3: run.seeds replicates the run on seed, seed + 1, …: each seed's rows are those of
// a one-seed run of that seed, and comparison.csv pairs every policy with the reference by seed.
TEST(ClosedLoopKind, SeedsReplicateTheRunAndArePairedAgainstTheReference) {
  const std::string file = tiny_scenario("loop_seeds.yaml");
  const auto two = fixtures::run_into(file, "loop_two_seeds", {"run.seeds=2", "loop.reference_policy=all-cloud"});
  const auto second = fixtures::run_into(file, "loop_seed_4", {"seed=4"});
  const auto rows_of_seed = [](const std::filesystem::path& f, const std::string& seed) {
    const base::CsvTable t = base::CsvTable::read(f.string());
    std::string kept;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      if (t.cell(r, t.column("seed")) != seed) continue;
      for (std::size_t c = 0; c < t.header().size(); ++c) kept += t.cell(r, c) + ",";
      kept += "\n";
    }
    return kept;
  };
  for (const char* f : {"decisions.csv", "queries.csv", "summary.csv"}) {
    EXPECT_FALSE(rows_of_seed(two / f, "4").empty()) << f;
    EXPECT_EQ(rows_of_seed(two / f, "4"), rows_of_seed(second / f, "4")) << f;
    EXPECT_FALSE(rows_of_seed(two / f, "3").empty()) << f;
  }
  EXPECT_EQ(fixtures::slurp(two / "rates.csv").rfind("condition,seed,flow,", 0), 0u);  // no sensor streams here
  // The paired difference is the mean of the per-seed differences.
  const base::CsvTable summary = base::CsvTable::read((two / "summary.csv").string());
  std::map<std::pair<std::string, std::string>, double> reward;
  for (std::size_t r = 0; r < summary.rows(); ++r) {
    if (summary.cell(r, summary.column("robot")) != "all") continue;
    reward[{summary.cell(r, summary.column("policy")), summary.cell(r, summary.column("seed"))}] =
        summary.number(r, summary.column("reward_per_frame"));
  }
  ASSERT_EQ(reward.size(), 4u);
  const std::string other = "congestion-aware-q50";
  const double d3 = reward[{other, "3"}] - reward[{"all-cloud", "3"}];
  const double d4 = reward[{other, "4"}] - reward[{"all-cloud", "4"}];
  const base::CsvTable cmp = base::CsvTable::read((two / "comparison.csv").string());
  bool found = false;
  for (std::size_t r = 0; r < cmp.rows(); ++r) {
    if (cmp.cell(r, cmp.column("policy")) != other || cmp.cell(r, cmp.column("metric")) != "reward_per_frame") continue;
    found = true;
    EXPECT_EQ(cmp.cell(r, cmp.column("reference")), "all-cloud");
    EXPECT_EQ(cmp.integer(r, cmp.column("seeds")), 2);
    EXPECT_EQ(cmp.integer(r, cmp.column("pairs")), 2);
    EXPECT_NEAR(cmp.number(r, cmp.column("mean")), (reward[{other, "3"}] + reward[{other, "4"}]) / 2, 2e-4);
    EXPECT_NEAR(cmp.number(r, cmp.column("difference")), (d3 + d4) / 2, 2e-4);
    // Two pairs: t(1) = 12.706, standard error |d3 − d4| / 2.
    const double half = 12.7062 * std::abs(d3 - d4) / 2;
    EXPECT_NEAR(cmp.number(r, cmp.column("difference_ci95_high")) - cmp.number(r, cmp.column("difference")), half,
                1e-3 + 1e-3 * half);
  }
  EXPECT_TRUE(found);
}

// Issue 33, item 5: a service time of 1e308 ms in cloud.service_times ran, and queries.csv recorded
// the nanosecond counter's limit. The file's times get cloud.service_ms's range, with file:line.
TEST(ClosedLoopKind, AbsurdServiceTimesInTheFileAreRefusedWithTheirLine) {
  const std::string file = tiny_scenario("loop_service_times.yaml");
  for (const std::string bad : {"1e308", "-1", "1000001"}) {
    const std::string times = fixtures::write_temp("service_times_" + bad + ".csv", "cloud_ms\n120.5\n" + bad + "\n");
    try {
      check_scenario(load_scenario(file, {"cloud.service_times=" + times}));
      ADD_FAILURE() << "accepted a service time of " << bad << " ms";
    } catch (const ScenarioError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("cloud.service_times"), std::string::npos) << what;
      EXPECT_NE(what.find(times + ":3"), std::string::npos) << what;  // the file and the line
      EXPECT_NE(what.find("[0, 1e+06] ms"), std::string::npos) << what;
    }
  }
}

// Issue 35: a query's service time is drawn from the times measured at its own frame size.
TEST(ClosedLoopKind, ServiceTimesAreThoseOfTheQueriesFrameSize) {
  const std::string file = tiny_scenario("loop_sized_times.yaml");
  const std::string times =
      fixtures::write_temp("sized_times.csv",
                           "video,frame,width,height,robot_ms,cloud_ms\nv,0,640,360,10,100\nv,0,1280,720,30,900\n"
                           "v,5,640,360,12,200\nv,5,1280,720,31,950\n");
  const std::string video = "loop.query_video=/usr/share/doc/opencv-doc/examples/data/vtest.avi";
  const auto drawn = [&](int w, int h) {
    return loop_service_times(
        load_scenario(file, {"cloud.service_times=" + times, video, "camera.width=" + std::to_string(w),
                             "camera.height=" + std::to_string(h)}));
  };
  EXPECT_EQ(drawn(640, 360), (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(drawn(1280, 720), (std::vector<double>{0.9, 0.95}));
  try {
    drawn(800, 600);
    ADD_FAILURE() << "drew times for a size the file does not have";
  } catch (const base::InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(times), std::string::npos) << what;
    EXPECT_NE(what.find("800×600"), std::string::npos) << what;
    EXPECT_NE(what.find("640×360, 1280×720"), std::string::npos) << what;
  }
  // Queries of a fixed payload have no frame size: a file of several sizes is ambiguous.
  try {
    loop_service_times(load_scenario(file, {"cloud.service_times=" + times}));
    ADD_FAILURE() << "drew from two sizes for a fixed payload";
  } catch (const base::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fixed payload"), std::string::npos) << e.what();
  }
  // A file without sizes (a live run's measured times) is drawn from whole.
  const std::string plain = fixtures::write_temp("plain_times.csv", "cloud_ms\n100\n300\n");
  EXPECT_EQ(loop_service_times(load_scenario(file, {"cloud.service_times=" + plain, video})),
            (std::vector<double>{0.1, 0.3}));
}

// The schema's defaults are the medians measured at the video's own size (768×576), one thread.
TEST(ClosedLoopKind, TimingDefaultsAreTheMedianTimesMeasuredHere) {
  const base::CsvTable t = base::CsvTable::read(data_dir() + "/opencv-timing/timing.csv");
  const auto median_of = [&](const char* column) {
    std::vector<double> v;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      if (t.integer(r, t.column("width")) == 768 && t.integer(r, t.column("height")) == 576)
        v.push_back(t.number(r, t.column(column)));
    }
    EXPECT_GE(v.size(), 50u);
    return base::median(v);
  };
  EXPECT_NEAR(std::get<double>(find_field("robot.inference_ms")->default_value), median_of("robot_ms"), 1e-9);
  EXPECT_NEAR(std::get<double>(find_field("cloud.service_ms")->default_value), median_of("cloud_ms"), 1e-9);
}

// The shipped closed-loop scenarios' robot.inference_ms is the robot model's median measured at their
// camera's frame size, from the same file their cloud's service times are drawn from.
TEST(ClosedLoopKind, ShippedScenariosTimeTheRobotModelAtTheirFrameSize) {
  for (const std::string name : {"closed_loop_wifi.yaml", "closed_loop_lte.yaml"}) {
    const Scenario sc = load_scenario(std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/" + name, {});
    const base::CsvTable t = base::CsvTable::read(sc.text("cloud.service_times"));
    std::vector<double> robot;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      if (t.integer(r, t.column("width")) == sc.integer("camera.width") &&
          t.integer(r, t.column("height")) == sc.integer("camera.height"))
        robot.push_back(t.number(r, t.column("robot_ms")));
    }
    ASSERT_FALSE(robot.empty()) << name;
    EXPECT_NEAR(sc.number("robot.inference_ms"), base::median(robot), 1e-9) << name;
    EXPECT_FALSE(loop_service_times(sc).empty()) << name;
  }
}

// Saves a policy trained on `features` as dir/policy.pt (and its sidecar).
std::string save_policy(const std::string& dir, const std::vector<std::string>& features) {
  const agents::StateNormalizer norm(std::vector<double>(features.size(), 1.0));
  agents::ActorCritic net(agents::ActorCriticOptions{norm.size(), 8, 8, 4});
  std::filesystem::create_directories(::testing::TempDir() + dir);
  const std::string path = ::testing::TempDir() + dir + "/policy.pt";
  agents::save_torchscript_policy(net, path);
  std::ofstream(agents::sidecar_path(path))
      << agents::policy_sidecar(net->options(), norm, features, agents::MdpParams{}).dump(2);
  return path;
}

TEST(ClosedLoopKind, APolicyTrainedOnOtherFeaturesIsRefused) {
  // The synthetic stream's one feature is embedding_distance.
  const std::string bogus = save_policy("loop_bogus", {"embedding_distance", "frame_diff"});
  const std::string file = tiny_scenario("loop_rl.yaml");
  try {
    check_scenario(load_scenario(file, {"eval.policies=[{rl: " + bogus + "}]"}));
    ADD_FAILURE() << "a policy trained on other features was accepted";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("eval.policies"), std::string::npos) << what;
    EXPECT_NE(what.find("trained on 2 features"), std::string::npos) << what;
    EXPECT_NE(what.find("gives its policies 1"), std::string::npos) << what;
  }
}

TEST(ClosedLoopKind, EachSavedPolicySeesTheFeaturesItWasTrainedOn) {
  // A policy of the paper's state and one that also sees the network play in one paired run; each
  // robot computes the features its policy was trained on (a wrong count would make the network
  // refuse its input). Sharing the file name, they are named by their folders.
  std::vector<std::string> net = {"embedding_distance"};
  for (const std::string& n : agents::network_feature_names()) net.push_back(n);
  const std::string paper = save_policy("paper", {"embedding_distance"});
  const std::string network = save_policy("network", net);
  const std::string file = tiny_scenario("loop_rl_pair.yaml");
  const auto out =
      fixtures::run_into(file, "loop_rl_pair", {"eval.policies=[{rl: " + paper + "}, {rl: " + network + "}]"});
  const base::CsvTable summary = base::CsvTable::read((out / "summary.csv").string());
  ASSERT_EQ(summary.rows(), 4u);
  EXPECT_EQ(summary.cell(0, summary.column("policy")), "rl-paper");
  EXPECT_EQ(summary.cell(2, summary.column("policy")), "rl-network");
  // The same file twice would give two policies one name: refused.
  EXPECT_THROW(check_scenario(load_scenario(file, {"eval.policies=[{rl: " + paper + "}, {rl: " + paper + "}]"})),
               ScenarioError);
}

}  // namespace
}  // namespace offloadsim::sim
