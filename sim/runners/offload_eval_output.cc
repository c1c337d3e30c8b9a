#include "sim/runners/offload_eval.h"

#include <cmath>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/streams/trace_csv.h"
#include "sim/io/atomic_file.h"
#include "sim/io/progress.h"
#include "sim/runners/figures.h"

// kind offload-eval's files and printed table: episodes.csv, summary.csv, decisions.csv, test_traces.csv.

namespace offloadsim::sim {

using agents::Trace;

void write_episodes_csv(std::ostream& out, const std::vector<EpisodeRow>& rows) {
  out << "policy,family,trace,budget_fraction,budget_queries,reward,loss_term,cost_term,accuracy,robot_queries,"
         "cloud_queries,steps,reward_per_step\n";
  for (const EpisodeRow& r : rows) {
    fmt::print(out, "{},{},{},{},{},{},{},{},{:.6f},{},{},{},{:.6f}\n", r.policy, r.family, r.trace,
               budget_label(r.budget_fraction), r.budget_queries, r.reward, r.loss_term, r.cost_term, r.accuracy,
               r.robot_queries, r.cloud_queries, r.steps, r.reward_per_step);
  }
}

namespace {
std::string num(double x) {
  return std::isnan(x) ? "" : fmt::format("{:.6f}", x);
}
}  // namespace

void write_summary_csv(std::ostream& out, const std::vector<SummaryRow>& rows, const std::string& reference,
                       const std::string& metric) {
  out << "policy,family,budget_fraction,episodes,reward_mean,reward_median,reward_se,loss_term_mean,loss_term_median,"
         "loss_term_se,cost_term_mean,cost_term_median,cost_term_se,accuracy_mean,cloud_queries_mean,"
         "cost_multiple_mean,cost_multiple_median,reference_policy,best_in_family,reward_per_step_median,"
         "cost_multiple_paper,metric,cost_multiple\n";
  for (const SummaryRow& s : rows) {
    fmt::print(out, "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", s.policy, s.family,
               s.budget, s.episodes, num(s.reward_mean), num(s.reward_median), num(s.reward_se), num(s.loss_mean),
               num(s.loss_median), num(s.loss_se), num(s.cost_mean), num(s.cost_median), num(s.cost_se),
               num(s.accuracy_mean), num(s.cloud_queries_mean), num(s.cost_multiple_mean), num(s.cost_multiple_median),
               reference, s.best_in_family ? 1 : 0, num(s.reward_per_step_median), num(s.cost_multiple_paper), metric,
               num(s.cost_multiple));
  }
}

void write_decisions_csv(std::ostream& out, const OffloadEvalResult& result) {
  using agents::kActionNames;
  std::map<std::string, const Trace*> traces;
  for (const Trace& t : result.test_traces) traces[t.id] = &t;
  out << "policy,family,trace,budget_fraction,frame,action,robot_confidence,true_label\n";
  for (const EpisodeRow& r : result.episodes) {
    const Trace& t = *traces.at(r.trace);
    for (size_t i = 0; i < r.actions.size(); ++i) {
      // With the paper code's two-stage steps a frame can take several rows, one per step.
      const int frame = r.frames[i];
      const agents::Frame& f = t.frames[static_cast<size_t>(frame)];
      fmt::print(out, "{},{},{},{},{},{},{},{}\n", r.policy, r.family, r.trace, budget_label(r.budget_fraction), frame,
                 kActionNames[r.actions[i]], f.robot_confidence, f.true_label);
    }
  }
}

std::string format_summary_table(const OffloadEvalResult& result) {
  const auto multiple = [](double x) { return std::isnan(x) ? std::string("-") : fmt::format("{:.2f}", x); };
  std::string s =
      fmt::format("{:<24} {:>9} {:>9} {:>7} {:>9} {:>9} {:>8} {:>9} {:>9} {:>9}\n", "policy (all budgets)", "reward",
                  "median", "s.e.", "loss", "cost", "accuracy", "cost×ref", "med×ref", "step×ref");
  for (const SummaryRow& r : result.summary) {
    if (r.budget != "all") continue;
    const std::string mark = r.family == "robot-heuristic" && r.best_in_family ? " *" : "";
    s +=
        fmt::format("{:<24} {:>9.2f} {:>9.2f} {:>7.2f} {:>9.2f} {:>9.2f} {:>8.3f} {:>9} {:>9} {:>9}\n", r.policy + mark,
                    r.reward_mean, r.reward_median, r.reward_se, r.loss_mean, r.cost_mean, r.accuracy_mean,
                    multiple(r.cost_multiple_mean), multiple(r.cost_multiple_median), multiple(r.cost_multiple_paper));
  }
  s += fmt::format(
      "reference for cost multiples: {} (cost = −reward; multiple = policy cost ÷ reference cost): cost×ref from mean "
      "episode rewards, med×ref from their medians, step×ref the paper's (median over episodes of the mean reward "
      "per step){}\n",
      result.reference_policy, result.metric == "paper" ? "; headline (eval.metric): step×ref" : "");
  if (result.variant != "standard") {
    s += fmt::format("mdp.variant: {} (docs/mdp.md, \"The paper's code\")\n", result.variant);
  }
  if (!result.heuristic_thresholds.empty()) {
    s += "* best threshold of the robot-heuristic sweep; thresholds (calibration confidences):";
    for (const auto& [q, threshold] : result.heuristic_thresholds) s += fmt::format(" q{:g}={:.3f}", q, threshold);
    s += "\n";
  }
  return s;
}

void run_offload_eval_outputs(const Scenario& sc, const OffloadEvalConfig& cfg, const RunOptions& opt,
                              std::ostream& out, RunRecord& rec) {
  std::unique_ptr<Progress> progress;
  ProgressHooks hooks;
  if (opt.progress) {
    hooks.start = [&](size_t total) { progress = std::make_unique<Progress>("offload-eval", total); };
    hooks.advance = [&] { progress->advance(); };
  }
  const OffloadEvalResult result = run_offload_eval(cfg, hooks);
  if (progress) progress->finish();

  {
    AtomicFile f(opt.out_dir / "episodes.csv");
    write_episodes_csv(f.stream(), result.episodes);
    f.commit();
  }
  {
    AtomicFile f(opt.out_dir / "summary.csv");
    write_summary_csv(f.stream(), result.summary, result.reference_policy, result.metric);
    f.commit();
  }
  {
    AtomicFile f(opt.out_dir / "test_traces.csv");
    agents::write_traces_csv(f.stream(), result.test_traces);
    f.commit();
  }
  rec.outputs.insert(rec.outputs.end(), {"episodes.csv", "summary.csv", "test_traces.csv"});
  if (cfg.decisions) {
    AtomicFile f(opt.out_dir / "decisions.csv");
    write_decisions_csv(f.stream(), result);
    f.commit();
    rec.outputs.push_back("decisions.csv");
  }
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_offload_eval.py", opt.out_dir);
    for (const char* f : {"fig_reward_boxplot", "fig_loss_cost"}) {
      rec.outputs.push_back(std::string(f) + ".png");
      rec.outputs.push_back(std::string(f) + ".pdf");
    }
  }
  fmt::print(out, "\n{}", format_summary_table(result));
}

}  // namespace offloadsim::sim
