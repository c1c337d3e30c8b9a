#include "sim/runners/closed_loop_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "base/csv_table.h"
#include "base/stats.h"
#include "sim/loop/loop_tables.h"
#include "sim/runners/closed_loop_run.h"
#include "sim/runners/figures.h"

namespace offloadsim::sim {

namespace {

// The column names of a table's header (its first line).
std::vector<std::string> header_columns(const std::string& header) {
  return base::split_csv_line(header.substr(0, header.find('\n')));
}

// The index of `name` in a header line.
std::size_t column_of(const std::string& header, const std::string& name) {
  const std::vector<std::string> h = header_columns(header);
  return static_cast<std::size_t>(std::find(h.begin(), h.end(), name) - h.begin());
}

// Per policy, the action executed at each robot's frame of every seed in turn, from its units'
// decisions rows.
std::vector<std::vector<std::string>> executed_actions(const std::vector<UnitParts>& units, std::size_t seeds) {
  const std::size_t robot = column_of(kDecisionsHeader, "robot"), frame = column_of(kDecisionsHeader, "frame"),
                    executed = column_of(kDecisionsHeader, "executed");
  std::vector<std::vector<std::string>> out(units.size() / seeds);
  for (std::size_t u = 0; u < units.size(); ++u) {
    const auto it = units[u].find("decisions");
    if (it == units[u].end()) continue;
    std::istringstream rows(it->second);
    for (std::string row; std::getline(rows, row);) {
      const std::vector<std::string> cells = base::split_csv_line(row);
      // What ran: a request the budget refused ran on board, as a policy that never asked did.
      out[u / seeds].push_back(cells.at(robot) + "," + cells.at(frame) + "," + cells.at(executed));
    }
  }
  return out;
}

// What every figure says of the run: the network, the robots, the background, the seed.
std::string condition_line(const Scenario& sc) {
  std::string net = sc.text("network.type");
  if (net == "wifi") {
    net = fmt::format("WiFi {}, {} MHz, {}×{}", sc.text("network.wifi.standard"),
                      sc.integer("network.wifi.channel_width"), sc.integer("network.wifi.spatial_streams"),
                      sc.integer("network.wifi.spatial_streams"));
  } else if (net == "lte") {
    net = fmt::format("LTE, {} uplink RBs", sc.integer("network.lte.ul_resource_blocks"));
  }
  const auto& streams = sc.texts("robots.streams");
  std::string what;
  for (const std::string& s : streams) what += (what.empty() ? "" : " + ") + s;
  const long long flows = sc.integer("background.flows");
  const std::string bg = flows == 0 ? "no background traffic"
                                    : fmt::format("{} {} {}{}", flows, sc.text("background.kind"),
                                                  sc.text("background.direction"), flows > 1 ? "s" : "");
  const long long seeds = sc.integer("run.seeds");
  const std::string seed = seeds > 1 ? fmt::format("{} seeds ({}–{})", seeds, sc.seed(), sc.seed() + seeds - 1)
                                     : fmt::format("seed {}", sc.seed());
  return fmt::format("{} · {} robots ({}) · {} · {} · {:g} s simulated", net, sc.integer("robots.count"),
                     what.empty() ? "queries only" : what, bg, seed, sc.number("run.duration_s"));
}

}  // namespace

// Pairs of policies that executed the same action at every frame of every robot: one behaviour
// under two names, which a table of their rows does not show.
std::vector<std::pair<std::size_t, std::size_t>> identical_policies(const std::vector<UnitParts>& units,
                                                                    std::size_t seeds) {
  const auto acts = executed_actions(units, seeds);
  std::vector<std::pair<std::size_t, std::size_t>> same;
  for (std::size_t b = 1; b < acts.size(); ++b) {
    for (std::size_t a = 0; a < b; ++a) {
      if (!acts[a].empty() && acts[a] == acts[b]) {
        same.emplace_back(a, b);
        break;
      }
    }
  }
  return same;
}

std::vector<std::string> closed_loop_figure_options(const Scenario& sc) {
  std::vector<std::string> o = {"--condition", condition_line(sc), "--deadline-ms",
                                fmt::format("{:g}", loop_deadline_s(sc) * 1e3)};
  const double end = sc.number("run.duration_s");
  const auto& start = sc.numbers("background.start_s");
  const auto& stop = sc.numbers("background.stop_s");
  for (long long k = 0; k < sc.integer("background.flows"); ++k) {
    const auto at = [&](const std::vector<double>& v) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(k))];
    };
    if (at(start) >= end) continue;
    o.push_back("--background");
    o.push_back(fmt::format("{:g},{:g}", at(start), std::min(at(stop), end)));
  }
  return o;
}

SeedMetrics seed_metrics(const std::vector<UnitParts>& units, std::size_t seeds) {
  const std::vector<std::string> header = header_columns(kSummaryHeader);
  SeedMetrics m(units.size() / seeds, std::vector<std::map<std::string, double>>(seeds));
  for (std::size_t u = 0; u < units.size(); ++u) {
    std::string line = units[u].at(kOverallPart);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    const std::vector<std::string> cells = base::split_csv_line(line);
    std::map<std::string, double>& row = m[u / seeds][u % seeds];
    for (std::size_t c = 0; c < header.size() && c < cells.size(); ++c) {
      if (header[c] == "policy" || header[c] == "robot" || header[c] == "seed") continue;
      row[header[c]] = cells[c] == "NA" ? std::nan("") : std::stod(cells[c]);
    }
  }
  return m;
}

std::size_t reference_policy(const Scenario& sc, const std::vector<std::string>& policies) {
  const std::string& want = sc.text("loop.reference_policy");
  if (want.empty()) return 0;
  const auto it = std::find(policies.begin(), policies.end(), want);
  if (it == policies.end()) {
    std::string names;
    for (const std::string& p : policies) names += (names.empty() ? "" : ", ") + p;
    throw sc.error("loop.reference_policy", fmt::format("'{}' is not among the run's policies: {}", want, names));
  }
  return static_cast<std::size_t>(it - policies.begin());
}

const char* const kComparisonHeader =
    "policy,metric,seeds,mean,ci95_low,ci95_high,reference,pairs,difference,difference_ci95_low,"
    "difference_ci95_high\n";

namespace {

// The metrics comparison.csv compares, as summary.csv names them.
const std::vector<std::string> kComparedMetrics = {"reward_per_frame",
                                                   "reward_fixed_cost_per_frame",
                                                   "accuracy",
                                                   "queries_per_s",
                                                   "on_time_share",
                                                   "timeouts",
                                                   "latency_p50_ms",
                                                   "latency_p95_ms",
                                                   "net_rtt_p50_ms",
                                                   "price_mean",
                                                   "tokens_granted_mean",
                                                   "sensor_goodput_mbps"};

struct Interval {
  std::size_t n = 0;
  double mean = std::nan(""), half = std::nan("");
};

Interval interval(const std::vector<double>& v) {
  return {v.size(), base::mean(v), base::ci95_half_width(v)};
}

// Policy p's values of `metric` over the seeds where it has one.
Interval over_seeds(const SeedMetrics& m, std::size_t p, const std::string& metric) {
  std::vector<double> v;
  for (const auto& seed : m[p]) {
    if (const double x = seed.at(metric); !std::isnan(x)) v.push_back(x);
  }
  return interval(v);
}

// Policy p − the reference, seed by seed, over the seeds where both have a value.
Interval paired(const SeedMetrics& m, std::size_t p, std::size_t reference, const std::string& metric) {
  std::vector<double> d;
  for (std::size_t k = 0; k < m[p].size(); ++k) {
    const double a = m[p][k].at(metric), b = m[reference][k].at(metric);
    if (!std::isnan(a) && !std::isnan(b)) d.push_back(a - b);
  }
  return interval(d);
}

std::string num(double x, int digits) {
  return std::isnan(x) ? "NA" : fmt::format("{:.{}f}", x, digits);
}

}  // namespace

std::string comparison_csv(const std::vector<std::string>& policies, const SeedMetrics& m, std::size_t reference) {
  std::string csv = kComparisonHeader;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    for (const std::string& metric : kComparedMetrics) {
      const Interval a = over_seeds(m, p, metric);
      const Interval d = paired(m, p, reference, metric);
      csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", policies[p], metric, a.n, num(a.mean, 4),
                         num(a.mean - a.half, 4), num(a.mean + a.half, 4), policies[reference], d.n, num(d.mean, 4),
                         num(d.mean - d.half, 4), num(d.mean + d.half, 4));
    }
  }
  return csv;
}

std::string comparison_table(const std::vector<std::string>& policies, const SeedMetrics& m, std::size_t reference) {
  const auto shown = [](double x, const char* format) {
    return std::isnan(x) ? std::string("-") : fmt::format(fmt::runtime(format), x);
  };
  std::string t = fmt::format("{:<22} {:>9} {:>7} {:>9} {:>7} {:>9} {:>8} {:>8} {:>8} {:>9} {:>9} {:>7} {:>7} {:>10}\n",
                              "policy (all robots)", "reward/f", "±", "Δ", "±", "fixed/f", "accuracy", "query/s",
                              "on time", "lat p50", "lat p95", "price", "tokens", "sensor");
  for (std::size_t p = 0; p < policies.size(); ++p) {
    const auto mean = [&](const char* metric) { return over_seeds(m, p, metric).mean; };
    const Interval r = over_seeds(m, p, "reward_per_frame");
    const Interval d = paired(m, p, reference, "reward_per_frame");
    t += fmt::format(
        "{:<22} {:>9.3f} {:>7} {:>9} {:>7} {:>9.3f} {:>8.3f} {:>8.2f} {:>8} {:>9} {:>9} {:>7} {:>7.1f} {:>10}\n",
        policies[p], r.mean, shown(r.half, "{:.3f}"), p == reference ? std::string("(ref)") : shown(d.mean, "{:+.3f}"),
        p == reference ? std::string("") : shown(d.half, "{:.3f}"), mean("reward_fixed_cost_per_frame"),
        mean("accuracy"), mean("queries_per_s"), shown(100 * mean("on_time_share"), "{:.1f}%"),
        shown(mean("latency_p50_ms"), "{:.1f} ms"), shown(mean("latency_p95_ms"), "{:.1f} ms"),
        shown(mean("price_mean"), "{:.2f}"), mean("tokens_granted_mean"),
        fmt::format("{:.1f} Mbps", mean("sensor_goodput_mbps")));
  }
  return t;
}

void note_identical_policies(const std::vector<UnitParts>& units, const std::vector<std::string>& policies,
                             std::size_t seeds, std::ostream& out, RunRecord& rec) {
  nlohmann::json same = nlohmann::json::array();
  for (const auto& [a, b] : identical_policies(units, seeds)) {
    fmt::print(out,
               "note: {} executed the same action as {} at every frame of every robot{}: the two rows are one "
               "behaviour here\n",
               policies[b], policies[a], seeds > 1 ? " and seed" : "");
    same.push_back({policies[a], policies[b]});
  }
  if (!same.empty()) rec.notes["identical_decisions"] = same;
}

void draw_closed_loop_figures(const Scenario& sc, const RunOptions& opt, RunRecord& rec) {
  // An earlier run's figures in this folder (a policy no longer run, an older name) would pass
  // for this run's: the script draws them all again.
  for (const auto& e : std::filesystem::directory_iterator(opt.out_dir)) {
    if (e.path().filename().string().rfind("fig_closed_loop_", 0) == 0) std::filesystem::remove(e.path());
  }
  draw_figures("plot_closed_loop.py", opt.out_dir, closed_loop_figure_options(sc));
  std::vector<std::string> drawn;  // the policies figure and a timeline per policy
  for (const auto& e : std::filesystem::directory_iterator(opt.out_dir)) {
    const std::string f = e.path().filename().string();
    if (f.rfind("fig_closed_loop_", 0) == 0) drawn.push_back(f);
  }
  std::sort(drawn.begin(), drawn.end());
  rec.outputs.insert(rec.outputs.end(), drawn.begin(), drawn.end());
}

}  // namespace offloadsim::sim
