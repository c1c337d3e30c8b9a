// Benchmarks of the MDP and the oracle. Run: build/release/bin/offloadsim_bench
// (stable names, so figures can be compared across commits).
#include <benchmark/benchmark.h>

#include <vector>

#include "agents/mdp/congestion_surrogate.h"
#include "agents/mdp/observation_features.h"
#include "agents/mdp/offload_mdp.h"
#include "agents/mdp/vector_env.h"
#include "agents/policies/oracle_policy.h"
#include "agents/streams/facenet_table.h"
#include "agents/streams/synthetic_stream.h"

namespace {

using namespace offloadsim::agents;

const FacenetTable& table() {
  static const FacenetTable t =
      FacenetTable::load(std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/data/SVM_results.csv");
  return t;
}

std::vector<Trace> traces(int n) {
  const SyntheticStream s(table(), {});
  std::vector<Trace> out;
  for (int i = 0; i < n; ++i) out.push_back(s.generate(static_cast<std::uint64_t>(i), "bench"));
  return out;
}

// One environment, one step at a time (as a policy would drive it).
void BM_MdpStep(benchmark::State& state) {
  const std::vector<Trace> ts = traces(8);
  OffloadEnv env;
  size_t k = 0;
  int a = 0;
  env.reset(ts[0], 40);
  for (auto _ : state) {
    if (env.done()) env.reset(ts[++k % ts.size()], 40);
    benchmark::DoNotOptimize(env.step(a));
    a = (a + 1) % kNumActions;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MdpStep);

// N environments stepped together, with normalised observations (what a learner needs).
void BM_VectorEnvStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<Trace> ts = traces(16);
  VectorOffloadEnv venv(n, MdpParams{}, StateNormalizer::fit(ts));
  for (int i = 0; i < n; ++i) venv.reset(i, ts[static_cast<size_t>(i) % ts.size()], 40);
  std::vector<int> actions(static_cast<size_t>(n));
  std::vector<float> rewards(static_cast<size_t>(n)), obs(static_cast<size_t>(n * venv.observation_size()));
  std::vector<std::uint8_t> dones(static_cast<size_t>(n));
  int step = 0;
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) actions[static_cast<size_t>(i)] = (step + i) % kNumActions;
    venv.step(actions.data(), rewards.data(), dones.data());
    venv.observe(obs.data());
    for (int i = 0; i < n; ++i) {
      if (dones[static_cast<size_t>(i)]) venv.reset(i, ts[static_cast<size_t>(i + step) % ts.size()], 40);
    }
    ++step;
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_VectorEnvStep)->Arg(16)->Arg(64)->Arg(256);

// The congestion surrogate (agents/mdp/congestion_surrogate.h): N robots in cells of 8 sharing a
// fitted-looking network (jitter and service times resampled), network features on, stepped
// together with normalised observations; every other frame a query, so queues, replies, late
// answers, time-outs and probes all happen.
void BM_SurrogateStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<Trace> ts = traces(16);
  SurrogateSettings s;
  s.robot.fps = 5;
  s.robot.deadline_s = 0.2;
  s.robot.timeout_s = 1.0;
  s.robot.mean_query_bytes = 175000;
  s.robot.budget_fraction = 0.5;
  s.robot.network_features = true;
  std::vector<CellModel> cells(static_cast<size_t>(n / 8));
  for (CellModel& m : cells) {
    m.robots = 8;
    m.base_rtt_s = 0.004;
    m.capacity_bps = 40e6;
    for (int k = 0; k < 64; ++k) m.jitter_s.push_back(0.0005 * (k % 16) - 0.002);
    m.service_s = {0.03, 0.04, 0.05, 0.06};
    m.cloud_workers = 4;
  }
  std::vector<double> scales = StateNormalizer::fit(ts).feature_scales();
  for (double x : network_feature_scales(1.0, 100, 20, 80)) scales.push_back(x);
  CongestionSurrogate env(cells, s, {150000, 175000, 200000}, StateNormalizer(scales), 1);
  for (int i = 0; i < n; ++i) env.reset(i, ts[static_cast<size_t>(i) % ts.size()], 40);
  std::vector<int> actions(static_cast<size_t>(n));
  std::vector<float> rewards(static_cast<size_t>(n)), obs(static_cast<size_t>(n * env.observation_size()));
  std::vector<std::uint8_t> dones(static_cast<size_t>(n));
  int step = 0;
  for (auto _ : state) {
    for (int i = 0; i < n; ++i)
      actions[static_cast<size_t>(i)] = (step + i) % 2 == 0 ? kCloud : (step + i) % kNumActions;
    env.step(actions.data(), rewards.data(), dones.data());
    env.observe(obs.data());
    for (int i = 0; i < n; ++i) {
      if (dones[static_cast<size_t>(i)]) env.reset(i, ts[static_cast<size_t>(i + step) % ts.size()], 40);
    }
    ++step;
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SurrogateStep)->Arg(16)->Arg(64)->Arg(256);

// The exact oracle on a paper-sized episode: T = 80 at budget 0.95 (76 queries).
void BM_OracleT80Budget095(benchmark::State& state) {
  const std::vector<Trace> ts = traces(4);
  const int budget = budget_queries(0.95, 80);
  size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(solve_oracle(ts[k++ % ts.size()], budget, MdpParams{}));
}
BENCHMARK(BM_OracleT80Budget095)->Unit(benchmark::kMillisecond);

}  // namespace
