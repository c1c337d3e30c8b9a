#include "sim/runners/surrogate_check.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/eval/surrogate_runner.h"
#include "base/csv_table.h"
#include "base/input_error.h"
#include "base/random_streams.h"
#include "base/seed.h"
#include "base/stats.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/runners/closed_loop_run.h"
#include "sim/runners/congestion_traces.h"
#include "sim/runners/figures.h"
#include "sim/runners/network_study.h"

namespace offloadsim::sim {

namespace {

constexpr int kMinQueriesToFit = 10;
constexpr int kMinQueriesToCompare = 5;
constexpr double kMedianTolerance = 0.10, kP95Tolerance = 0.20, kMinKendall = 0.8;

std::string num(double x, int digits = 3) {
  return std::isnan(x) ? "NA" : fmt::format("{:.{}f}", x, digits);
}

}  // namespace

std::map<std::string, FittedCell> fit_cells(const std::string& traces_csv, int cloud_workers) {
  const base::CsvTable t = base::CsvTable::read(traces_csv);
  const std::size_t network = t.column("network"), robots = t.column("robots"), bg = t.column("background_mbps"),
                    policy = t.column("policy"), sent = t.column("sent_s"), bytes = t.column("bytes"),
                    wire = t.column("network_ms"), service = t.column("service_ms");
  struct Rows {
    std::vector<agents::WireSample> samples;
    std::vector<double> service_s;
    std::map<std::string, int> runs;
    int robots = 0;
    int first_line = 0;
  };
  std::map<std::string, Rows> by_condition;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string key = t.cell(r, network) + "," + t.cell(r, robots) + "," + t.cell(r, bg);
    Rows& c = by_condition[key];
    if (c.first_line == 0) {
      c.first_line = t.line_of(r);
      c.robots = t.integer(r, robots);
      if (c.robots < 1) throw base::InputError(traces_csv, c.first_line, "robots", t.cell(r, robots) + " is not ≥ 1");
    }
    if (t.cell(r, wire).empty()) continue;  // no query, or no reply within the run
    const int run = c.runs.emplace(t.cell(r, policy), static_cast<int>(c.runs.size())).first->second;
    const double w = t.number(r, wire) / 1e3;
    if (!(w >= 0)) throw base::InputError(traces_csv, t.line_of(r), "network_ms", t.cell(r, wire) + " is negative");
    c.samples.push_back({run, t.number(r, sent), static_cast<std::uint32_t>(t.integer(r, bytes)), w});
    c.service_s.push_back(t.number(r, service) / 1e3);
  }
  // The probes beside the traces: they pin each cell's base round trip.
  const std::string probes_csv = (std::filesystem::path(traces_csv).parent_path() / "congestion_probes.csv").string();
  if (!std::filesystem::exists(probes_csv)) {
    throw base::InputError(probes_csv, 0, "", "missing: kind congestion-traces writes it beside " + traces_csv);
  }
  const base::CsvTable p = base::CsvTable::read(probes_csv);
  const std::size_t p_network = p.column("network"), p_robots = p.column("robots"), p_bg = p.column("background_mbps"),
                    p_policy = p.column("policy"), p_sent = p.column("sent_s"), p_rtt = p.column("rtt_ms"),
                    p_bytes = p.column("bytes");
  for (std::size_t r = 0; r < p.rows(); ++r) {
    if (p.cell(r, p_rtt).empty()) continue;
    const auto c = by_condition.find(p.cell(r, p_network) + "," + p.cell(r, p_robots) + "," + p.cell(r, p_bg));
    if (c == by_condition.end()) continue;
    const auto run = c->second.runs.find(p.cell(r, p_policy));
    if (run == c->second.runs.end()) continue;  // a run without answered queries tells nothing of C
    const double rtt = p.number(r, p_rtt) / 1e3;
    if (!(rtt >= 0)) throw base::InputError(probes_csv, p.line_of(r), "rtt_ms", p.cell(r, p_rtt) + " is negative");
    c->second.samples.push_back(
        {run->second, p.number(r, p_sent), static_cast<std::uint32_t>(p.integer(r, p_bytes)), rtt, true});
  }
  std::map<std::string, FittedCell> out;
  for (auto& [key, c] : by_condition) {
    if (static_cast<int>(c.service_s.size()) < kMinQueriesToFit) {
      throw base::InputError(traces_csv, c.first_line, "",
                             fmt::format("condition {} has {} answered queries; the surrogate needs at least {} to "
                                         "fit its cell",
                                         key, c.service_s.size(), kMinQueriesToFit));
    }
    const agents::CellFit fit = agents::fit_cell_model(c.samples);
    FittedCell f;
    f.queries = static_cast<int>(c.service_s.size());
    f.probes = static_cast<int>(fit.probe_jitter_s.size());
    f.model.name = key;
    std::replace(f.model.name.begin(), f.model.name.end(), ',', '/');
    f.model.robots = c.robots;
    f.model.base_rtt_s = fit.base_rtt_s;
    f.model.capacity_bps = fit.capacity_bps;
    f.model.jitter_s = fit.jitter_s;
    f.model.probe_jitter_s = fit.probe_jitter_s;
    f.model.service_s = std::move(c.service_s);
    f.model.cloud_workers = cloud_workers;
    f.mean_abs_error_s = fit.mean_abs_error_s;
    out.emplace(key, std::move(f));
  }
  return out;
}

void check_surrogate_traces(const Scenario& sc, const std::string& why) {
  if (sc.text("surrogate.traces").empty()) throw sc.error("surrogate.traces", "required: " + why);
  for (double robots : sc.numbers("traces.robots")) {
    if (robots != std::floor(robots) || robots < 1) {
      throw sc.error("traces.robots", fmt::format("{} is not a whole number of robots ≥ 1", robots));
    }
  }
  read_for_field(sc, "surrogate.traces", [&](const std::string& f) {
    const auto cells = fit_cells(f, 1);
    for (const CongestionCondition& c : congestion_conditions(sc)) {
      if (!cells.count(condition_cells(c))) {
        throw base::InputError(f, 0, "",
                               "no traces of condition " + condition_cells(c) +
                                   " (network,robots,background_mbps); run kind congestion-traces over the same grid");
      }
    }
  });
}

void check_surrogate_check(const Scenario& sc) {
  check_surrogate_traces(sc, "a congestion_traces.csv recorded with another seed");
  // The check compares the surrogate's frames with the loop's one for one, each scored in the step
  // that decided it: so within a frame period (training takes longer deadlines, scored as they pass).
  if (sc.number("loop.deadline_ms") > 1000.0 / sc.number("loop.fps") + 1e-9) {
    throw sc.error("loop.deadline_ms",
                   fmt::format("{} ms is more than a frame period ({} ms at loop.fps {}): the check compares each "
                               "frame as scored in the step that decided it",
                               sc.number("loop.deadline_ms"), 1000.0 / sc.number("loop.fps"), sc.number("loop.fps")));
  }
  check_congestion_traces(sc);
}

void run_surrogate_check(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const std::vector<CongestionCondition> conditions = congestion_conditions(sc);
  const std::map<std::string, FittedCell> cells =
      fit_cells(sc.text("surrogate.traces"), static_cast<int>(sc.integer("cloud.workers")));
  std::string models = "network,robots,background_mbps,queries,probes,base_rtt_ms,capacity_mbps,mean_abs_error_ms\n";
  std::string check =
      "network,robots,background_mbps,policy,ns3_frames,surrogate_frames,ns3_queries,surrogate_queries,"
      "ns3_latency_p50_ms,surrogate_latency_p50_ms,p50_error,p50_ok,ns3_latency_p95_ms,surrogate_latency_p95_ms,"
      "p95_error,p95_ok,ns3_on_time,surrogate_on_time,ns3_reward_per_frame,surrogate_reward_per_frame\n";
  std::string ranking = "network,robots,background_mbps,policies,kendall_tau,ranking_ok\n";
  std::unique_ptr<Progress> bar;
  if (opt.progress) bar = std::make_unique<Progress>("surrogate-check (conditions)", conditions.size());
  fmt::print(out, "{:<18} {:<16} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}\n", "condition", "policy", "p50 ns-3", "p50 sur.",
             "p95 ns-3", "p95 sur.", "R ns-3", "R sur.");
  for (std::size_t ci = 0; ci < conditions.size(); ++ci) {
    const CongestionCondition& c = conditions[ci];
    const std::string cond = condition_cells(c);
    const FittedCell& cell = cells.at(cond);
    fmt::format_to(std::back_inserter(models), "{},{},{},{:.3f},{:.3f},{:.3f}\n", cond, cell.queries, cell.probes,
                   cell.model.base_rtt_s * 1e3, cell.model.capacity_bps / 1e6, cell.mean_abs_error_s * 1e3);
    const Scenario csc = condition_scenario(sc, c);
    ClosedLoopExperiment experiment(csc, false);
    experiment.spec().network.stop_requested = interrupt_requested;
    agents::SurrogateSettings settings;
    settings.probe_bytes = static_cast<std::uint32_t>(csc.integer("loop.probe_bytes"));
    // The surrogate's clock starts at the loop's first frame: the run ends this much later.
    const double run_s = csc.number("run.duration_s") - csc.number("loop.start_s");
    std::vector<double> ns3_reward, sur_reward;
    for (std::size_t p = 0; p < experiment.policies(); ++p) {
      const std::string name = experiment.policy_name(p);
      settings.robot = experiment.agent_settings(p);
      const ClosedLoopResult r = experiment.run(p);
      check_interrupt();  // Ctrl-C ended the simulation early: nothing of it is written
      std::vector<double> ns3_latency, ns3_rewards;
      int ns3_on_time = 0, ns3_queries = 0;
      for (const QueryRecord& q : r.queries) {
        if (q.probe) continue;
        ++ns3_queries;
        if (q.replied_s >= 0) ns3_latency.push_back(q.replied_s - q.sent_s);
      }
      for (const agents::ScoredFrame& f : r.frames) {
        ns3_rewards.push_back(f.reward);
        ns3_on_time += f.executed_action == agents::kCloud && f.on_time;
      }
      std::vector<agents::Policy*> policies;
      std::vector<std::vector<agents::Trace>> episodes;
      std::vector<int> frames;
      for (int k = 0; k < c.robots; ++k) {
        policies.push_back(&experiment.policy(p, k));
        episodes.push_back(experiment.episodes(k));
        frames.push_back(experiment.frames(k));
      }
      const std::vector<agents::SurrogateFrame> s = agents::play_cell(
          cell.model, settings, experiment.query_sizes(), episodes, policies, frames, experiment.policy_seed(p),
          base::derive_seed(sc.seed(), base::streams::kSurrogateCells, ci));
      std::vector<double> sur_latency, sur_rewards;
      int sur_on_time = 0, sur_queries = 0;
      for (const agents::SurrogateFrame& f : s) {
        sur_rewards.push_back(f.reward);
        if (f.outcome.executed_action != agents::kCloud) continue;
        ++sur_queries;
        sur_on_time += f.outcome.on_time;
        const double sent = f.robot / static_cast<double>(c.robots) / settings.robot.fps + f.frame / settings.robot.fps;
        if (sent + f.outcome.latency_s <= run_s) sur_latency.push_back(f.outcome.latency_s);  // ns-3 sees it too
      }
      const bool comparable = static_cast<int>(ns3_latency.size()) >= kMinQueriesToCompare &&
                              static_cast<int>(sur_latency.size()) >= kMinQueriesToCompare;
      const double n50 = base::median(ns3_latency) * 1e3, s50 = base::median(sur_latency) * 1e3;
      const double n95 = base::lower_quantile(ns3_latency, 0.95) * 1e3,
                   s95 = base::lower_quantile(sur_latency, 0.95) * 1e3;
      const double e50 = comparable ? s50 / n50 - 1 : std::nan(""), e95 = comparable ? s95 / n95 - 1 : std::nan("");
      const auto ok = [&](double e, double tol) { return comparable ? (std::abs(e) <= tol ? "1" : "0") : "NA"; };
      ns3_reward.push_back(base::mean(ns3_rewards));
      sur_reward.push_back(base::mean(sur_rewards));
      fmt::format_to(std::back_inserter(check), "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", cond, name,
                     ns3_rewards.size(), sur_rewards.size(), ns3_queries, sur_queries, num(n50), num(s50), num(e50, 4),
                     ok(e50, kMedianTolerance), num(n95), num(s95), num(e95, 4), ok(e95, kP95Tolerance),
                     ns3_queries ? num(static_cast<double>(ns3_on_time) / ns3_queries, 4) : "NA",
                     sur_queries ? num(static_cast<double>(sur_on_time) / sur_queries, 4) : "NA",
                     num(ns3_reward.back(), 4), num(sur_reward.back(), 4));
      fmt::print(out, "{:<18} {:<16} {:>9} {:>9} {:>9} {:>9} {:>8.3f} {:>8.3f}\n", cond, name, num(n50, 1), num(s50, 1),
                 num(n95, 1), num(s95, 1), ns3_reward.back(), sur_reward.back());
    }
    const double tau = base::kendall_tau(ns3_reward, sur_reward);
    fmt::format_to(std::back_inserter(ranking), "{},{},{},{}\n", cond, ns3_reward.size(), num(tau, 4),
                   std::isnan(tau) ? "NA" : (tau >= kMinKendall ? "1" : "0"));
    fmt::print(out, "{:<18} ranking by reward: Kendall τ = {}\n", cond, num(tau, 2));
    if (bar) bar->advance();
  }
  if (bar) bar->finish();
  write_file_atomically(opt.out_dir / "cell_models.csv", models);
  write_file_atomically(opt.out_dir / "surrogate_check.csv", check);
  write_file_atomically(opt.out_dir / "surrogate_ranking.csv", ranking);
  rec.outputs.insert(rec.outputs.end(), {"cell_models.csv", "surrogate_check.csv", "surrogate_ranking.csv"});
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_surrogate_check.py", opt.out_dir);
    rec.outputs.insert(rec.outputs.end(), {"fig_surrogate_check.png", "fig_surrogate_check.pdf"});
  }
}

}  // namespace offloadsim::sim
