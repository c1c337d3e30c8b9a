// kind: offload-eval — the paper's evaluation protocol (§V-A): N test traces × the test budgets,
// every policy on the same traces. Produces episodes.csv (one row per episode) and summary.csv
// (mean, median and standard error per policy and budget, and overall, with cost multiples).
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "agents/mdp/offload_mdp.h"
#include "agents/mdp/trace.h"
#include "agents/streams/synthetic_stream.h"
#include "sim/io/provenance.h"
#include "sim/runners/policy_factory.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

struct OffloadEvalConfig {
  agents::MdpParams mdp;
  std::string source;  // synthetic | traces
  std::string table;
  int horizon = 80;
  double coherence_mean = 8.0;
  double p_known = 0.6;
  int redraw_every = 3;
  std::string train_split, test_split;
  std::string test_traces_file, train_traces_file;
  // mdp.store_distance_feature: with trace files, the φ feature whose running sum is each frame's
  // descriptor, so that the store distances are that feature summed since each store was filled.
  std::string store_distance_feature;
  int num_test_traces = 100;
  int num_calibration_traces = 100;
  std::vector<double> budgets;
  std::vector<std::string> policies;
  std::vector<double> heuristic_percentiles;
  std::string heuristic_mode = "percentile";  // percentile | threshold
  std::vector<double> heuristic_thresholds;   // threshold mode
  bool decisions = false;                     // keep every episode's actions (decisions.csv)
  int all_robot_run_every = 1;
  std::string reference_policy;
  bool rl_sample = false;
  std::string metric = "mean";       // mean | paper: which cost multiple is the headline (eval.metric)
  std::string variant = "standard";  // mdp.variant; cfg.mdp.quirks holds its switches
  std::uint64_t seed = 1;
};

// The MDP's weights and costs (mdp.*).
agents::MdpParams mdp_params(const Scenario& sc);
// mdp.variant and mdp.quirks_off as switches: standard has none, paper-code every one but those
// listed (docs/mdp.md).
agents::Quirks mdp_quirks(const Scenario& sc);

// Reads the fields of an offload-eval scenario and checks how they fit together.
OffloadEvalConfig offload_eval_config(const Scenario& sc);
// Reads a trace file as the evaluation sees it: with mdp.store_distance_feature, each frame gets
// the running sum of that feature as its descriptor (base::InputError naming the file when a
// trace lacks the feature).
std::vector<agents::Trace> load_traces(const OffloadEvalConfig& cfg, const std::string& file);
// The synthetic stream's parameters for one split of the FaceNet table.
agents::SyntheticStreamParams synthetic_stream_params(const OffloadEvalConfig& cfg, const std::string& split);

struct EpisodeRow {
  std::string policy;
  std::string family;  // random, all-robot, all-cloud, robot-heuristic, oracle
  std::string trace;
  double budget_fraction = 0;
  int budget_index = 0;  // its place in eval.budgets
  int budget_queries = 0;
  double reward = 0, loss_term = 0, cost_term = 0, accuracy = 0;
  int robot_queries = 0, cloud_queries = 0;
  int steps = 0;               // decisions: T, more with the paper code's two-stage steps
  double reward_per_step = 0;  // the paper's per-episode metric (agents::EpisodeResult)
  std::vector<int> actions;    // executed action per step (only with OffloadEvalConfig::decisions)
  std::vector<int> frames;     // the frame of each of those steps
};

struct SummaryRow {
  std::string policy, family;
  std::string budget;  // a fraction, or "all"
  int episodes = 0;
  double reward_mean = 0, reward_median = 0, reward_se = 0;
  double loss_mean = 0, loss_median = 0, loss_se = 0;
  double cost_mean = 0, cost_median = 0, cost_se = 0;
  double accuracy_mean = 0, cloud_queries_mean = 0;
  double cost_multiple_mean = 0, cost_multiple_median = 0;  // NaN when the reference costs nothing
  // The paper's metric: the median over episodes of the mean reward per step, and the cost
  // multiple it gives (−median ÷ the reference's −median).
  double reward_per_step_median = 0, cost_multiple_paper = 0;
  double cost_multiple = 0;     // the headline: cost_multiple_mean or cost_multiple_paper (eval.metric)
  bool best_in_family = false;  // the heuristic threshold with the best overall reward by eval.metric
};

struct OffloadEvalResult {
  std::vector<agents::Trace> test_traces;
  std::vector<EpisodeRow> episodes;
  std::vector<SummaryRow> summary;
  std::vector<std::pair<double, double>> heuristic_thresholds;  // (percentile, confidence threshold)
  std::string reference_policy;  // resolved (robot-heuristic-best becomes the policy's name)
  std::string metric = "mean";   // eval.metric
  std::string variant = "standard";
};

// Progress hooks: `start` gets the number of (trace, budget) pairs once inputs are loaded,
// `advance` is called after each pair.
struct ProgressHooks {
  std::function<void(std::size_t total)> start;
  std::function<void()> advance;
};

OffloadEvalResult run_offload_eval(const OffloadEvalConfig& cfg, const ProgressHooks& progress = {});

// Runs the protocol and writes its outputs into opt.out_dir: episodes.csv, summary.csv,
// test_traces.csv and the figures; prints the summary table to `out`.
void run_offload_eval_outputs(const Scenario& sc, const OffloadEvalConfig& cfg, const RunOptions& opt,
                              std::ostream& out, RunRecord& rec);

// A budget fraction as written in the CSVs: the shortest text that reads back as the same double,
// so two budgets never share a label.
std::string budget_label(double b);
void write_episodes_csv(std::ostream& out, const std::vector<EpisodeRow>& rows);
// decisions.csv: policy,family,trace,budget_fraction,frame,action,robot_confidence,true_label,correct
void write_decisions_csv(std::ostream& out, const OffloadEvalResult& result);
void write_summary_csv(std::ostream& out, const std::vector<SummaryRow>& rows, const std::string& reference,
                       const std::string& metric);
// The human-readable table printed at the end of a run (overall rows only).
std::string format_summary_table(const OffloadEvalResult& result);

}  // namespace offloadsim::sim
