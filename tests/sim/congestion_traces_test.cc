// kind: congestion-traces: the closed loop over a grid of conditions, one row per robot and frame,
// each query joined with what it experienced on the wire (docs/congestion.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "base/csv_table.h"
#include "run_fixtures.h"
#include "sim/scenario/scenario_error.h"
#include "sim/scenario/schema.h"

namespace offloadsim::sim {
namespace {

// Two networks' worth of grid would double the run time; one WiFi cell, 1 or 2 robots, with and
// without a 60 Mbps download, a query asked for every frame, a second of frames after a second of
// warm-up. Two robots querying every frame (10 per second) load the one 60 ms worker past 100%.
std::string grid_scenario(const std::string& name, const std::string& extra = "") {
  return fixtures::write_temp(name, R"(schema: 1
kind: congestion-traces
seed: 3
robots: {count: 1, streams: []}
stations: {count: 1}
stream: {horizon: 10}
eval: {policies: [scripted]}
loop: {query_rates: [1.0], budget: 1}
cloud: {service_ms: 60, workers: 1}
traces: {networks: [wifi], robots: [1, 2], background_mbps: [0, 60]}
run: {duration_s: 2, warmup_s: 1}
output: {figures: false}
)" + extra);
}

TEST(CongestionTracesKind, OneRowPerRobotFrameAndPolicyOfEveryConditionTheSameForTheSameSeed) {
  const std::string file = grid_scenario("traces_grid.yaml");
  const auto a = fixtures::run_into(file, "traces_a");
  const auto b = fixtures::run_into(file, "traces_b");
  EXPECT_EQ(fixtures::slurp(a / "congestion_traces.csv"), fixtures::slurp(b / "congestion_traces.csv"));

  const base::CsvTable t = base::CsvTable::read((a / "congestion_traces.csv").string());
  // (condition robots, background, policy) → rows; every robot has the same frames in a condition.
  std::map<std::string, std::map<std::string, int>> rows_per_robot;
  const std::size_t robots = t.column("robots"), bg = t.column("background_mbps"), policy = t.column("policy"),
                    robot = t.column("robot"), requested = t.column("requested"), executed = t.column("executed"),
                    sent = t.column("sent_s"), replied = t.column("replied_s"), rtt = t.column("rtt_ms"),
                    timed_out = t.column("timed_out"), tokens = t.column("tokens");
  int queries = 0, answered = 0;
  double longest_wait = 0;
  std::map<std::string, std::pair<double, int>> rtt_by_background;  // sum, count
  for (std::size_t r = 0; r < t.rows(); ++r) {
    EXPECT_EQ(t.cell(r, t.column("network")), "wifi");
    const std::string cond = t.cell(r, robots) + "/" + t.cell(r, bg) + "/" + t.cell(r, policy);
    ++rows_per_robot[cond][t.cell(r, robot)];
    EXPECT_NE(t.cell(r, requested), "past_robot") << "scripted asks for the robot or the cloud only";
    // A query's row carries its record: sent at its frame, and either answered, timed out or still
    // out when the run ended; a frame that ran on the robot has none.
    if (t.cell(r, executed) == "cloud") {
      ++queries;
      EXPECT_EQ(t.cell(r, sent), t.cell(r, t.column("t_s"))) << "row " << r;
      if (!t.cell(r, replied).empty()) {
        ++answered;
        EXPECT_GT(t.number(r, rtt), 0.0);
        EXPECT_NEAR(t.number(r, rtt), (t.number(r, replied) - t.number(r, sent)) * 1e3, 1e-2);
        // The reply's time splits into the wire, the wait for a worker and the work.
        const double wait = t.number(r, t.column("cloud_wait_ms"));
        EXPECT_GE(wait, 0.0);
        EXPECT_GT(t.number(r, t.column("network_ms")), 0.0);
        EXPECT_NEAR(t.number(r, t.column("network_ms")) + wait + t.number(r, t.column("service_ms")), t.number(r, rtt),
                    2e-3);
        longest_wait = std::max(longest_wait, wait);
        rtt_by_background[t.cell(r, bg)].first += t.number(r, rtt);
        ++rtt_by_background[t.cell(r, bg)].second;
      }
    } else {
      EXPECT_TRUE(t.cell(r, sent).empty()) << "row " << r;
      EXPECT_EQ(t.cell(r, timed_out), "0");
    }
    EXPECT_GE(t.number(r, tokens), 0.0);
  }
  EXPECT_GT(queries, 20);
  EXPECT_GT(answered, queries * 9 / 10);
  EXPECT_GT(longest_wait, 30.0) << "ms: the overloaded worker made queries wait";
  // The condition is really applied: the download slows the queries on the same cell.
  ASSERT_EQ(rtt_by_background.size(), 2u);
  const auto mean = [&](const std::string& level) {
    return rtt_by_background[level].first / rtt_by_background[level].second;
  };
  EXPECT_GT(mean("60"), mean("0") + 0.1) << "mean RTT in ms: " << mean("60") << " vs " << mean("0");
  // The grid: robots {1, 2} × background {0, 60}, each robot with the same frames.
  ASSERT_EQ(rows_per_robot.size(), 4u);
  for (const auto& [cond, per_robot] : rows_per_robot) {
    EXPECT_EQ(per_robot.size(), cond[0] == '1' ? 1u : 2u) << cond;
    EXPECT_EQ(per_robot.begin()->second, per_robot.rbegin()->second) << cond;
    EXPECT_GE(per_robot.begin()->second, 8) << cond;
  }
}

TEST(CongestionTracesKind, BadGridsAreRefusedNamingTheField) {
  const auto refused = [](const std::string& file, const std::vector<std::string>& sets, const std::string& field) {
    try {
      check_scenario(load_scenario(file, sets));
      ADD_FAILURE() << "accepted: " << (sets.empty() ? file : sets.front());
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  const std::string file = grid_scenario("traces_bad.yaml");
  refused(file, {"traces.robots=[1.5]"}, "traces.robots");
  refused(file, {"traces.networks=[wifi, mesh]"}, "traces.networks");
  refused(file, {"traces.background_mbps=[-1]"}, "traces.background_mbps");
  refused(file, {"loop.query_rates=[1.5]"}, "loop.query_rates");
  // Blind queries need a network to probe: an MDP evaluation refuses them.
  refused(fixtures::write_temp("eval_scripted.yaml", "schema: 1\nkind: offload-eval\neval: {policies: [scripted]}\n"),
          {}, "eval.policies");
}

// A quiet two-robot WiFi cell: traces with seed 3 (run into <TempDir>/<out>), the check with
// seed 4; returns the check's file. Each test has its own files: ctest runs tests in parallel.
std::string check_scenarios(const std::string& out) {
  const std::string traces_dir = ::testing::TempDir() + out;
  const std::string common = R"(schema: 1
robots: {count: 1, streams: []}
stations: {count: 1}
stream: {horizon: 10}
cloud: {service_ms: 20, workers: 2}
traces: {networks: [wifi], robots: [2], background_mbps: [0]}
run: {duration_s: 3, warmup_s: 1}
output: {figures: false}
)";
  const std::string traces = fixtures::write_temp(out + "_traces.yaml", common + R"(kind: congestion-traces
seed: 3
eval: {policies: [scripted]}
loop: {query_rates: [0.3, 1.0], budget: 1}
)");
  fixtures::run_into(traces, out);
  return fixtures::write_temp(out + "_check.yaml", common + R"(kind: surrogate-check
seed: 4
eval: {policies: [scripted, all-robot, all-cloud]}
loop: {query_rates: [0.5], budget: 1}
surrogate: {traces: )" + traces_dir + "/congestion_traces.csv}\n");
}

TEST(SurrogateCheckKind, MatchesAQuietCellFittedOnTracesOfAnotherSeed) {
  const std::string check = check_scenarios("check_traces_a");
  ASSERT_TRUE(std::filesystem::exists(::testing::TempDir() + "check_traces_a/congestion_probes.csv"));
  const auto out = fixtures::run_into(check, "check_out");

  const base::CsvTable models = base::CsvTable::read((out / "cell_models.csv").string());
  ASSERT_EQ(models.rows(), 1u);
  EXPECT_GT(models.number(0, models.column("queries")), 10.0);
  EXPECT_GT(models.number(0, models.column("probes")), 5.0);
  EXPECT_GT(models.number(0, models.column("base_rtt_ms")), 0.5);  // an 802.11ac hop and a wire: a few ms
  EXPECT_LT(models.number(0, models.column("base_rtt_ms")), 20.0);

  const base::CsvTable t = base::CsvTable::read((out / "surrogate_check.csv").string());
  ASSERT_EQ(t.rows(), 3u);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string policy = t.cell(r, t.column("policy"));
    EXPECT_EQ(t.cell(r, t.column("ns3_frames")), t.cell(r, t.column("surrogate_frames"))) << policy;
    if (policy == "all-robot") {
      EXPECT_EQ(t.cell(r, t.column("p50_ok")), "NA");  // no queries to compare
      EXPECT_EQ(t.cell(r, t.column("ns3_reward_per_frame")), t.cell(r, t.column("surrogate_reward_per_frame")));
      continue;
    }
    // In a quiet cell with 512-byte queries the fitted model has nothing to get wrong.
    EXPECT_EQ(t.cell(r, t.column("p50_ok")), "1") << policy << " " << t.cell(r, t.column("p50_error"));
    EXPECT_EQ(t.cell(r, t.column("p95_ok")), "1") << policy << " " << t.cell(r, t.column("p95_error"));
  }
  const base::CsvTable ranking = base::CsvTable::read((out / "surrogate_ranking.csv").string());
  ASSERT_EQ(ranking.rows(), 1u);
  EXPECT_EQ(ranking.cell(0, ranking.column("policies")), "3");
  EXPECT_NE(ranking.cell(0, ranking.column("kendall_tau")), "NA");
}

TEST(SurrogateCheckKind, RefusesTracesOfAnotherGridAndADeadlineBeyondAFrame) {
  const std::string check = check_scenarios("check_traces_b");
  const auto refused = [&](const std::vector<std::string>& sets, const std::string& what) {
    try {
      check_scenario(load_scenario(check, sets));
      ADD_FAILURE() << "accepted: " << sets.front();
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  refused({"traces.robots=[4]"}, "no traces of condition wifi,4,0");
  refused({"loop.deadline_ms=150"}, "loop.deadline_ms");  // 10 frames/s: a period is 100 ms
  refused({"surrogate.traces="}, "surrogate.traces");
}

TEST(SurrogateTrainKind, TrainsAPolicyThatSeesTheNetworkAndPlaysInNs3AndTheSurrogate) {
  const std::string check = check_scenarios("train_traces");
  const std::string traces = ::testing::TempDir() + "train_traces/congestion_traces.csv";
  const std::string train = fixtures::write_temp("train.yaml", R"(schema: 1
kind: surrogate-train
seed: 5
robots: {count: 1, streams: []}
stream: {horizon: 10}
loop: {budget: 0.5, network_features: true}
cloud: {service_ms: 20, workers: 2}
traces: {networks: [wifi], robots: [2], background_mbps: [0]}
train: {env_steps: 3000, num_envs: 3, lstm_hidden: 8, fc_hidden: 16, budgets: [0.5]}
output: {figures: false}
surrogate: {traces: )" + traces + "}\n");
  const auto trained = fixtures::run_into(train, "train_out");
  const std::string sidecar = fixtures::slurp(trained / "policy.json");
  EXPECT_NE(sidecar.find("net_queue_ms"), std::string::npos) << "the policy sees the network";
  const base::CsvTable curve = base::CsvTable::read((trained / "training.csv").string());
  // Two copies of the one-cell grid (two robots each) make the four robots of a round.
  EXPECT_EQ(curve.number(0, curve.column("env_steps")), 4 * 10.0);
  // It plays in ns-3 and in the surrogate, its robots computing the network features it was trained on.
  const std::string rl = "eval.policies=[all-cloud, {rl: " + (trained / "policy.pt").string() + "}]";
  const auto out = fixtures::run_into(check, "train_check_out", {rl});
  const base::CsvTable t = base::CsvTable::read((out / "surrogate_check.csv").string());
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.cell(1, t.column("policy")), "rl");
  EXPECT_EQ(t.cell(1, t.column("ns3_frames")), t.cell(1, t.column("surrogate_frames")));
}

}  // namespace
}  // namespace offloadsim::sim
