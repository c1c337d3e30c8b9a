#include "sim/runners/offload_eval.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/eval/episode_runner.h"
#include "agents/streams/facenet_table.h"
#include "agents/streams/synthetic_stream.h"
#include "agents/streams/trace_csv.h"
#include "base/input_error.h"
#include "base/random_streams.h"
#include "base/seed.h"
#include "base/stats.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/runners/figures.h"
#include "sim/runners/policy_factory.h"

namespace offloadsim::sim {

using agents::Trace;

agents::MdpParams mdp_params(const Scenario& sc) {
  agents::MdpParams m;
  m.accuracy_weight = sc.number("mdp.accuracy_weight");
  m.cost_weight = sc.number("mdp.cost_weight");
  m.action_cost = {sc.number("mdp.cost.past_robot"), sc.number("mdp.cost.past_cloud"), sc.number("mdp.cost.robot"),
                   sc.number("mdp.cost.cloud")};
  return m;
}

agents::Quirks mdp_quirks(const Scenario& sc) {
  agents::Quirks q;
  const std::string& variant = sc.text("mdp.variant");
  const std::vector<std::string>& off = sc.texts("mdp.quirks_off");
  if (variant == "standard") {
    if (!off.empty()) throw sc.error("mdp.quirks_off", "only mdp.variant paper-code has quirks to switch off");
    return q;
  }
  for (const agents::QuirkName& n : agents::kQuirkNames) q.*n.flag = true;
  for (std::size_t i = 0; i < off.size(); ++i) {
    const auto* it = std::find_if(std::begin(agents::kQuirkNames), std::end(agents::kQuirkNames),
                                  [&](const agents::QuirkName& n) { return off[i] == n.name; });
    if (it == std::end(agents::kQuirkNames)) {
      std::string names;
      for (const agents::QuirkName& n : agents::kQuirkNames) names += (names.empty() ? "" : ", ") + std::string(n.name);
      throw sc.error("mdp.quirks_off",
                     fmt::format("element {}: unknown quirk '{}'; the quirks are {}", i + 1, off[i], names));
    }
    q.*it->flag = false;
  }
  return q;
}

OffloadEvalConfig offload_eval_config(const Scenario& sc) {
  OffloadEvalConfig c;
  c.mdp = mdp_params(sc);
  if (sc.kind() == "offload-eval") {
    c.variant = sc.text("mdp.variant");
    c.mdp.quirks = mdp_quirks(sc);
  }
  if (sc.kind() == "offload-eval" || sc.kind() == "rl-train") {
    c.mdp.store_distances = sc.flag("mdp.store_distances");
    c.store_distance_feature = sc.text("mdp.store_distance_feature");
  }
  c.metric = sc.text("eval.metric");
  c.source = sc.text("stream.source");
  c.table = sc.text("stream.table");
  c.horizon = static_cast<int>(sc.integer("stream.horizon"));
  c.coherence_mean = sc.number("stream.coherence_mean");
  c.p_known = sc.number("stream.p_known");
  c.redraw_every = static_cast<int>(sc.integer("stream.redraw_every"));
  c.train_split = sc.text("stream.train_split");
  c.test_split = sc.text("stream.test_split");
  c.test_traces_file = sc.text("stream.test_traces");
  c.train_traces_file = sc.text("stream.train_traces");
  c.num_test_traces = static_cast<int>(sc.integer("eval.test_traces"));
  c.num_calibration_traces = static_cast<int>(sc.integer("eval.calibration_traces"));
  c.budgets = sc.numbers("eval.budgets");
  for (std::size_t i = 0; i < c.budgets.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (c.budgets[i] == c.budgets[j]) {
        throw sc.error("eval.budgets",
                       fmt::format("{} is listed twice (elements {} and {})", c.budgets[i], j + 1, i + 1));
      }
    }
  }
  c.policies = sc.texts("eval.policies");
  c.heuristic_percentiles = sc.numbers("eval.heuristic_percentiles");
  c.heuristic_mode = sc.text("eval.heuristic_mode");
  c.heuristic_thresholds = sc.numbers("eval.heuristic_thresholds");
  c.decisions = sc.flag("eval.decisions");
  c.all_robot_run_every = static_cast<int>(sc.integer("eval.all_robot_run_every"));
  c.reference_policy = sc.text("eval.reference_policy");
  c.rl_sample = sc.flag("eval.rl_sample");
  c.seed = sc.seed();

  if (sc.kind() == "offload-eval" && std::count(c.policies.begin(), c.policies.end(), "rl") > 0) {
    throw sc.error("eval.policies",
                   "'rl' (the policy being trained) exists only in kind rl-train; evaluate a saved policy with "
                   "{rl: path/to/policy.pt}");
  }

  if (c.mdp.quirks.any_env()) {
    for (const std::string& p : c.policies) {
      if (p.rfind("rl:", 0) == 0) {
        throw sc.error("eval.policies",
                       "saved RL policies learned the standard MDP, one step per frame from empty stores; with "
                       "mdp.variant paper-code, switch off two-stage-steps and prefilled-stores (mdp.quirks_off) "
                       "to evaluate them");
      }
    }
  }
  if (std::count(c.policies.begin(), c.policies.end(), "congestion-aware") > 0) {
    throw sc.error("eval.policies", "'congestion-aware' needs a network to measure: it runs in kind closed-loop");
  }
  if (std::count(c.policies.begin(), c.policies.end(), "scripted") > 0) {
    throw sc.error(
        "eval.policies",
        "'scripted' probes a network with blind queries: it runs in kinds closed-loop and congestion-traces");
  }
  if (c.source == "traces" && c.mdp.store_distances && c.store_distance_feature.empty()) {
    throw sc.error("mdp.store_distances",
                   "needs input descriptors, which only the synthetic stream has; with trace files, name the "
                   "feature whose running sum stands in for one (mdp.store_distance_feature)");
  }
  if (!c.store_distance_feature.empty() && (c.source != "traces" || !c.mdp.store_distances)) {
    throw sc.error("mdp.store_distance_feature",
                   "applies to trace files (stream.source: traces) with mdp.store_distances: true");
  }
  if (c.source == "traces" && c.test_traces_file.empty()) {
    throw sc.error("stream.test_traces", "required when stream.source is 'traces'");
  }
  const bool heuristic = std::count(c.policies.begin(), c.policies.end(), "robot-heuristic") > 0;
  if (c.source == "traces" && heuristic && c.train_traces_file.empty()) {
    throw sc.error("stream.train_traces",
                   "required with stream.source 'traces' when eval.policies has robot-heuristic (its thresholds "
                   "are calibrated on training traces, never on the test traces)");
  }
  std::vector<std::string> names;
  for (const std::string& p : c.policies) {
    if (p == "robot-heuristic") {
      names.push_back("robot-heuristic-best");
      if (c.heuristic_mode == "threshold") {
        for (double t : c.heuristic_thresholds) names.push_back(fmt::format("robot-heuristic-t{:g}", t));
      } else {
        for (double q : c.heuristic_percentiles) names.push_back(fmt::format("robot-heuristic-q{:g}", q));
      }
    } else {
      names.push_back(policy_entry_name(p, c.policies));
    }
  }
  if (std::find(names.begin(), names.end(), c.reference_policy) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw sc.error("eval.reference_policy",
                   "'" + c.reference_policy + "' is not among the evaluated policies: " + list);
  }
  return c;
}

std::vector<Trace> load_traces(const OffloadEvalConfig& cfg, const std::string& file) {
  std::vector<Trace> traces = agents::read_traces_csv(file);
  if (cfg.store_distance_feature.empty()) return traces;
  for (Trace& t : traces) {
    const auto it = std::find(t.feature_names.begin(), t.feature_names.end(), cfg.store_distance_feature);
    if (it == t.feature_names.end()) {
      throw base::InputError(file, 0, "phi_" + cfg.store_distance_feature,
                             "trace " + t.id + " has no such feature, which mdp.store_distance_feature names");
    }
    const size_t k = static_cast<size_t>(it - t.feature_names.begin());
    double path = 0.0;
    for (agents::Frame& f : t.frames) {
      path += std::abs(f.features[k]);
      f.descriptor = {path};
    }
  }
  return traces;
}

agents::SyntheticStreamParams synthetic_stream_params(const OffloadEvalConfig& cfg, const std::string& split) {
  agents::SyntheticStreamParams p;
  p.horizon = cfg.horizon;
  p.coherence_mean = cfg.coherence_mean;
  p.p_known = cfg.p_known;
  p.redraw_every = cfg.redraw_every;
  p.split = split;
  p.paper_timing = cfg.mdp.quirks.stream_timing;
  p.descriptors = cfg.mdp.store_distances;
  return p;
}

namespace {

using base::mean;

// summary.csv has always written 0 for the standard error of a single episode.
double std_error(const std::vector<double>& v) {
  return v.size() < 2 ? 0.0 : base::standard_error(v);
}

std::vector<Trace> synthetic_traces(const agents::FacenetTable& table, const OffloadEvalConfig& cfg,
                                    const std::string& split, int n, std::uint64_t stream, const std::string& prefix) {
  const agents::SyntheticStream gen(table, synthetic_stream_params(cfg, split));
  std::vector<Trace> traces;
  for (int i = 0; i < n; ++i) {
    check_interrupt();  // many traces take a while: a stop need not wait for them
    traces.push_back(gen.generate(base::derive_seed(cfg.seed, stream, static_cast<std::uint64_t>(i)),
                                  fmt::format("{}{:03}", prefix, i)));
  }
  return traces;
}

}  // namespace

std::string budget_label(double b) {
  return fmt::format("{}", b);
}

namespace {

// The test traces (into the result) and the calibration traces the heuristics' thresholds come from.
std::vector<Trace> read_or_draw_traces(const OffloadEvalConfig& cfg, OffloadEvalResult& result) {
  std::vector<Trace> calibration;
  if (cfg.source == "synthetic") {
    const agents::FacenetTable table = agents::FacenetTable::load(cfg.table);
    result.test_traces =
        synthetic_traces(table, cfg, cfg.test_split, cfg.num_test_traces, base::streams::kTestTraces, "test-");
    calibration = synthetic_traces(table, cfg, cfg.train_split, cfg.num_calibration_traces,
                                   base::streams::kCalibrationTraces, "train-");
  } else {
    result.test_traces = load_traces(cfg, cfg.test_traces_file);
    if (!cfg.train_traces_file.empty()) calibration = load_traces(cfg, cfg.train_traces_file);
  }
  return calibration;
}

EpisodeRow episode_row(const MadePolicy& made, const Trace& trace, const OffloadEvalConfig& cfg, size_t bi, int budget,
                       const agents::EpisodeResult& r) {
  EpisodeRow row;
  row.policy = made.policy->name();
  row.family = made.family;
  row.trace = trace.id;
  row.budget_fraction = cfg.budgets[bi];
  row.budget_index = static_cast<int>(bi);
  row.budget_queries = budget;
  row.reward = r.reward;
  row.loss_term = r.loss_term;
  row.cost_term = r.cost_term;
  row.accuracy = r.accuracy;
  row.robot_queries = r.robot_queries;
  row.cloud_queries = r.cloud_queries;
  row.steps = r.steps;
  row.reward_per_step = r.reward_per_step;
  if (cfg.decisions) {
    row.actions = r.executed_actions;
    row.frames = r.step_frames;
  }
  return row;
}

// Every trace, every budget, every policy; the episodes per policy, so that episodes.csv comes out
// grouped by policy whatever the loop order.
std::vector<std::vector<EpisodeRow>> play_episodes(const OffloadEvalConfig& cfg, std::vector<MadePolicy>& policies,
                                                   const std::vector<Trace>& traces, const ProgressHooks& progress) {
  std::vector<std::vector<EpisodeRow>> per_policy(policies.size());
  for (size_t ti = 0; ti < traces.size(); ++ti) {
    const Trace& trace = traces[ti];
    for (size_t bi = 0; bi < cfg.budgets.size(); ++bi) {
      check_interrupt();
      const int budget = agents::budget_queries(cfg.budgets[bi], trace.horizon());
      double oracle_reward = std::numeric_limits<double>::quiet_NaN();
      for (size_t pi = 0; pi < policies.size(); ++pi) {
        const std::uint64_t seed = base::derive_seed(base::derive_seed(cfg.seed, base::streams::kPolicies, ti), bi, pi);
        const agents::EpisodeResult r = agents::run_episode(*policies[pi].policy, trace, budget, cfg.mdp, seed);
        per_policy[pi].push_back(episode_row(policies[pi], trace, cfg, bi, budget, r));
        if (policies[pi].family == "oracle") oracle_reward = r.reward;
      }
      // The oracle is the exact optimum: anything else beating it is a bug, not a result. (Not in
      // the paper code's environment, where pre-filled stores give frame 0 away.)
      if (!std::isnan(oracle_reward) && !cfg.mdp.quirks.any_env()) {
        for (size_t pi = 0; pi < policies.size(); ++pi) {
          const EpisodeRow& row = per_policy[pi].back();
          if (row.reward > oracle_reward + 1e-9) {
            throw std::logic_error(fmt::format("{} beat the oracle on trace {} at budget {} ({} > {})", row.policy,
                                               trace.id, row.budget_fraction, row.reward, oracle_reward));
          }
        }
      }
      if (progress.advance) progress.advance();
    }
  }
  return per_policy;
}

// The budget group of every episode, beside one group per place in eval.budgets.
constexpr int kAllBudgets = -1;

SummaryRow summary_row(const MadePolicy& made, const std::vector<EpisodeRow>& episodes, int group,
                       const std::string& label) {
  std::vector<double> reward, loss, cost, acc, cq, per_step;
  for (const EpisodeRow& r : episodes) {
    if (group != kAllBudgets && r.budget_index != group) continue;
    reward.push_back(r.reward);
    per_step.push_back(r.reward_per_step);
    loss.push_back(r.loss_term);
    cost.push_back(r.cost_term);
    acc.push_back(r.accuracy);
    cq.push_back(r.cloud_queries);
  }
  SummaryRow s;
  s.policy = made.policy->name();
  s.family = made.family;
  s.budget = label;
  s.episodes = static_cast<int>(reward.size());
  s.reward_mean = mean(reward), s.reward_median = base::median(reward), s.reward_se = std_error(reward);
  s.loss_mean = mean(loss), s.loss_median = base::median(loss), s.loss_se = std_error(loss);
  s.cost_mean = mean(cost), s.cost_median = base::median(cost), s.cost_se = std_error(cost);
  s.accuracy_mean = mean(acc);
  s.cloud_queries_mean = mean(cq);
  s.reward_per_step_median = base::median(per_step);
  return s;
}

// Summaries per (policy, budget) and per policy overall, the best threshold marked, each with its
// cost as a multiple of the reference's.
void summarize(const OffloadEvalConfig& cfg, const std::vector<MadePolicy>& policies,
               const std::vector<std::vector<EpisodeRow>>& per_policy, OffloadEvalResult& result) {
  // Episodes are grouped by the budget's place in eval.budgets, never by its printed value.
  std::vector<std::pair<int, std::string>> groups;
  for (std::size_t bi = 0; bi < cfg.budgets.size(); ++bi) {
    groups.emplace_back(static_cast<int>(bi), budget_label(cfg.budgets[bi]));
  }
  groups.emplace_back(kAllBudgets, "all");
  std::map<std::pair<std::string, std::string>, SummaryRow> by_key;
  std::vector<std::pair<std::string, std::string>> order;
  for (size_t pi = 0; pi < policies.size(); ++pi) {
    for (const auto& [group, g] : groups) {
      SummaryRow s = summary_row(policies[pi], per_policy[pi], group, g);
      order.emplace_back(s.policy, g);
      by_key[{s.policy, g}] = std::move(s);
    }
  }
  // The best heuristic threshold: the best overall reward of the sweep by eval.metric (chosen with
  // hindsight on the test traces, as the paper reports it: an optimistic figure for the baseline).
  const bool paper_metric = cfg.metric == "paper";
  const auto headline_reward = [&](const SummaryRow& s) {
    return paper_metric ? s.reward_per_step_median : s.reward_mean;
  };
  std::string best_heuristic;
  for (const auto& [key, s] : by_key) {
    if (s.family == "robot-heuristic" && key.second == "all" &&
        (best_heuristic.empty() || headline_reward(s) > headline_reward(by_key[{best_heuristic, "all"}]))) {
      best_heuristic = s.policy;
    }
  }
  for (auto& [key, s] : by_key) s.best_in_family = s.family != "robot-heuristic" || s.policy == best_heuristic;

  result.reference_policy = cfg.reference_policy == "robot-heuristic-best" ? best_heuristic : cfg.reference_policy;
  for (const auto& key : order) {
    SummaryRow s = by_key[key];
    const SummaryRow& ref = by_key[{result.reference_policy, key.second}];
    // cost = −reward; a multiple is only defined when the reference's cost is positive.
    const double ref_mean = -ref.reward_mean, ref_median = -ref.reward_median;
    s.cost_multiple_mean = ref_mean > 0 ? -s.reward_mean / ref_mean : NAN;
    s.cost_multiple_median = ref_median > 0 ? -s.reward_median / ref_median : NAN;
    const double ref_step = -ref.reward_per_step_median;
    s.cost_multiple_paper = ref_step > 0 ? -s.reward_per_step_median / ref_step : NAN;
    s.cost_multiple = paper_metric ? s.cost_multiple_paper : s.cost_multiple_mean;
    result.summary.push_back(s);
  }
}

}  // namespace

OffloadEvalResult run_offload_eval(const OffloadEvalConfig& cfg, const ProgressHooks& progress) {
  OffloadEvalResult result;
  const std::vector<Trace> calibration = read_or_draw_traces(cfg, result);

  PolicySettings settings;
  settings.entries = cfg.policies;
  settings.all_robot_run_every = cfg.all_robot_run_every;
  settings.heuristic_mode = cfg.heuristic_mode;
  settings.heuristic_percentiles = cfg.heuristic_percentiles;
  settings.heuristic_thresholds = cfg.heuristic_thresholds;
  settings.rl_sample = cfg.rl_sample;
  MadePolicies made = make_policies(settings, calibration);
  result.heuristic_thresholds = made.heuristic_thresholds;

  if (progress.start) progress.start(result.test_traces.size() * cfg.budgets.size());
  const auto per_policy = play_episodes(cfg, made.policies, result.test_traces, progress);
  for (const auto& rows : per_policy) result.episodes.insert(result.episodes.end(), rows.begin(), rows.end());
  summarize(cfg, made.policies, per_policy, result);
  result.metric = cfg.metric;
  result.variant = cfg.variant;
  return result;
}

}  // namespace offloadsim::sim
