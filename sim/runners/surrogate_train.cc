#include "sim/runners/surrogate_train.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/learning/a2c_trainer.h"
#include "agents/learning/rl_policy.h"
#include "agents/learning/training_traces.h"
#include "agents/mdp/congestion_surrogate.h"
#include "agents/mdp/observation_features.h"
#include "agents/streams/facenet_table.h"
#include "agents/streams/trace_csv.h"
#include "base/random_streams.h"
#include "base/seed.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/io/run_journal.h"
#include "sim/runners/closed_loop_run.h"
#include "sim/runners/congestion_traces.h"
#include "sim/runners/network_study.h"
#include "sim/runners/offload_eval.h"
#include "sim/runners/rl_train.h"
#include "sim/runners/surrogate_check.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

// Training episodes: the TRAIN split of the synthetic stream, or stream.train_traces.
std::unique_ptr<agents::TrainingTraces> training_traces(const Scenario& sc,
                                                        std::unique_ptr<agents::FacenetTable>& table) {
  if (sc.text("stream.source") == "synthetic") {
    table = std::make_unique<agents::FacenetTable>(agents::FacenetTable::load(sc.text("stream.table")));
    return std::make_unique<agents::SyntheticTrainingTraces>(
        *table, loop_stream_params(sc, sc.text("stream.train_split")), sc.seed());
  }
  return std::make_unique<agents::FileTrainingTraces>(agents::read_traces_csv(sc.text("stream.train_traces")),
                                                      sc.seed());
}

}  // namespace

void check_surrogate_train(const Scenario& sc) {
  check_surrogate_traces(sc, "the congestion_traces.csv whose cells the policy trains in");
  if (sc.text("stream.source") == "traces" && sc.text("stream.train_traces").empty()) {
    throw sc.error("stream.train_traces", "required when stream.source is 'traces' (the training episodes)");
  }
}

void run_surrogate_train(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  torch::set_num_threads(static_cast<int>(sc.integer("train.threads")));
  // The cells: every condition of the grid, fitted on the traces, in whole copies of the grid.
  const std::map<std::string, FittedCell> fitted =
      fit_cells(sc.text("surrogate.traces"), static_cast<int>(sc.integer("cloud.workers")));
  std::vector<agents::CellModel> grid;
  int grid_robots = 0;
  double fastest_bps = 0;
  for (const CongestionCondition& c : congestion_conditions(sc)) {
    grid.push_back(fitted.at(condition_cells(c)).model);
    grid_robots += grid.back().robots;
    fastest_bps = std::max(fastest_bps, grid.back().capacity_bps);
  }
  const int copies = std::max<int>(1, static_cast<int>((sc.integer("train.num_envs") + grid_robots - 1) / grid_robots));
  std::vector<agents::CellModel> cells;
  for (int k = 0; k < copies; ++k) cells.insert(cells.end(), grid.begin(), grid.end());

  const QuerySizes queries = loop_query_sizes(sc, opt.progress);
  agents::SurrogateSettings settings;
  settings.robot = loop_agent_settings(sc, queries.mean);
  settings.robot.network_features = sc.flag("loop.network_features");
  settings.probe_bytes = static_cast<std::uint32_t>(sc.integer("loop.probe_bytes"));

  std::unique_ptr<agents::FacenetTable> table;
  const std::unique_ptr<agents::TrainingTraces> traces = training_traces(sc, table);
  // Feature scales: the stream's from a sample of training episodes (never test traces); the
  // network's from the loop's settings (timeouts, the fastest cell, the dearest query, T).
  std::vector<agents::Trace> sample;
  for (std::uint64_t k = 0; k < 200; ++k) sample.push_back(traces->draw(k));
  std::vector<double> scales = agents::StateNormalizer::fit(sample).feature_scales();
  const bool network = settings.robot.network_features;
  if (network) {
    const double largest = *std::max_element(queries.bytes.begin(), queries.bytes.end());
    const double max_price = settings.robot.mdp.action_cost[agents::kCloud] *
                             (1.0 + settings.robot.price_gain * largest / settings.robot.mean_query_bytes);
    for (double x : agents::network_feature_scales(settings.robot.timeout_s, fastest_bps / 1e6,
                                                   std::max(max_price, 1.0), sample.front().horizon())) {
      scales.push_back(x);
    }
  }
  const agents::StateNormalizer normalizer(scales);
  const std::vector<std::string> features = agents::feature_names(sample.front().feature_names, {false, network});

  agents::TrainerOptions topt = trainer_options(sc);
  topt.num_envs = copies * grid_robots;
  agents::A2CTrainer trainer(topt, settings.robot.mdp, *traces, normalizer);
  const std::uint64_t seed = sc.seed();
  trainer.set_environment([&](std::int64_t round) {
    return std::make_unique<agents::CongestionSurrogate>(
        cells, settings, queries.bytes, normalizer,
        base::derive_seed(seed, base::streams::kSurrogateCells, static_cast<std::uint64_t>(round)));
  });
  fmt::print(out, "{} cells (the grid's {}, {} times), {} robots per round; {}; {}\n", cells.size(), grid.size(),
             copies, topt.num_envs, network ? "the policy sees the network" : "the paper's state", queries.what);

  std::unique_ptr<Progress> progress;
  if (opt.progress) progress = std::make_unique<Progress>("surrogate-train (env steps)", topt.total_env_steps);
  std::int64_t last = 0;
  trainer.train(interrupt_requested, [&](const agents::TrainingRow& row) {
    if (progress) progress->advance(static_cast<std::size_t>(row.env_steps - last));
    last = row.env_steps;
  });
  check_interrupt();  // Ctrl-C: nothing of an unfinished training is written
  if (progress) progress->finish();  // Ctrl-C: nothing of an unfinished training is written

  {
    AtomicFile f(opt.out_dir / "training.csv");
    write_training_csv(f.stream(), trainer.history());
    f.commit();
  }
  const fs::path tmp = opt.out_dir / fmt::format("policy.pt.partial-{}", ::getpid());
  agents::save_torchscript_policy(trainer.network(), tmp.string());
  nlohmann::json side =
      agents::policy_sidecar(trainer.network()->options(), trainer.normalizer(), features, settings.robot.mdp);
  side["policy_file"] = agents::policy_file_fingerprint(tmp.string());
  side["training"] = {{"seed", sc.seed()},
                      {"env_steps", trainer.env_steps()},
                      {"environment", "congestion surrogate"},
                      {"offloadsim_version", offloadsim_version()},
                      {"git_revision", git_revision()},
                      {"scenario", sc.to_yaml()}};
  write_file_atomically(opt.out_dir / "policy.json", side.dump(2) + "\n");
  RunJournal::note(opt.out_dir / "policy.pt");
  fs::rename(tmp, opt.out_dir / "policy.pt");
  rec.outputs.insert(rec.outputs.end(), {"training.csv", "policy.pt", "policy.json"});
  const agents::TrainingRow row = trainer.history().empty() ? agents::TrainingRow{} : trainer.history().back();
  fmt::print(out, "trained {} env steps in {:.0f} s; last round's mean episode reward {:.2f}; saved {}\n",
             trainer.env_steps(), row.wall_s, row.mean_episode_reward, (opt.out_dir / "policy.pt").string());
}

}  // namespace offloadsim::sim
