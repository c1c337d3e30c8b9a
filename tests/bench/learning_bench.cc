// Benchmarks of learning and deployment. Run: build/release/bin/offloadsim_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "agents/eval/episode_runner.h"
#include "agents/learning/a2c_trainer.h"
#include "agents/learning/rl_policy.h"
#include "agents/streams/facenet_table.h"

namespace {

using namespace offloadsim::agents;

const FacenetTable& facenet() {
  static const FacenetTable t =
      FacenetTable::load(std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/data/SVM_results.csv");
  return t;
}

SyntheticStreamParams train_stream() {
  SyntheticStreamParams p;
  p.split = "TRAIN";
  return p;
}

// Training throughput with the paper_rl settings (16 episodes of T = 80 per round, n = 10,
// LSTM 64, FC 256, Adam, one intra-op thread): items = environment steps.
void BM_A2CTrainingRound(benchmark::State& state) {
  torch::set_num_threads(1);
  SyntheticTrainingTraces traces(facenet(), train_stream(), 1);
  std::vector<Trace> sample;
  for (int k = 0; k < 50; ++k) sample.push_back(traces.draw(static_cast<std::uint64_t>(k)));
  TrainerOptions o;
  o.num_envs = 16;
  o.n_steps = 10;
  o.a2c.optimizer = "adam";
  o.a2c.learning_rate = 1e-3;
  o.total_env_steps = std::int64_t{1} << 60;
  A2CTrainer trainer(o, MdpParams{}, traces, StateNormalizer::fit(sample));
  std::int64_t steps = 0;
  for (auto _ : state) {
    const std::int64_t before = trainer.env_steps();
    int rounds = 0;
    trainer.train([&] { return rounds++ == 1; });  // exactly one round
    steps += trainer.env_steps() - before;
  }
  state.SetItemsProcessed(steps);
}
BENCHMARK(BM_A2CTrainingRound)->Unit(benchmark::kMillisecond);

// One greedy decision of a saved (TorchScript) paper-sized policy, as a robot would run it:
// normalise, forward one LSTM step, argmax. Reports p50 and p99 latency in microseconds and the
// policy file's size in bytes.
void BM_GreedyDecisionLatency(benchmark::State& state) {
  torch::set_num_threads(1);
  SyntheticStream stream(facenet(), {});
  const Trace trace = stream.generate(1, "bench");
  const StateNormalizer norm({2.0});
  torch::manual_seed(0);
  ActorCritic net(ActorCriticOptions{norm.size(), 64, 256, 4});
  const std::string path = (std::filesystem::temp_directory_path() / "offloadsim_bench_policy.pt").string();
  save_torchscript_policy(net, path);
  std::ofstream(sidecar_path(path)) << policy_sidecar(net->options(), norm, {"embedding_distance"}, MdpParams{}).dump();
  auto policy = TorchScriptPolicy::load(path);
  std::vector<double> us;
  OffloadEnv env;
  for (auto _ : state) {
    state.PauseTiming();
    if (us.size() % 80 == 0) {
      EpisodeContext ctx;
      ctx.horizon = 80;
      ctx.budget = 20;
      policy->begin_episode(ctx);
      env.reset(trace, 20);
    }
    const Observation obs = env.observe();
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    const int a = policy->act(obs);
    const auto t1 = std::chrono::steady_clock::now();
    state.PauseTiming();
    env.step(a);
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    state.ResumeTiming();
  }
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[us.size() * 99 / 100];
  state.counters["policy_bytes"] = static_cast<double>(std::filesystem::file_size(path));
}
BENCHMARK(BM_GreedyDecisionLatency)->Iterations(8000)->Unit(benchmark::kMicrosecond);

}  // namespace
