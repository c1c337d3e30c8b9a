#include "sim/runners/live_run.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "agents/mdp/observation_features.h"
#include "base/csv_table.h"
#include "base/stats.h"
#include "sim/io/atomic_file.h"
#include "sim/io/child_process.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/io/run_journal.h"
#include "sim/loop/loop_tables.h"
#include "sim/runners/closed_loop_run.h"
#include "sim/runners/emulation.h"
#include "sim/runners/figures.h"
#include "sim/runners/live_inputs.h"
#include "sim/runners/loop_inputs.h"
#include "sim/runners/policy_factory.h"
#include "sim/scenario/schema.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

std::string log_tail(const fs::path& log, std::size_t lines = 8) {
  std::ifstream in(log);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string s;
  for (const auto& l : last) s += "\n    " + l;
  return s.empty() ? std::string(" (empty log)") : s;
}

// Stops every child (SIGTERM, then SIGKILL after `grace_s`) and reaps them.
void stop_children(std::vector<ChildProcess*> children, double grace_s) {
  for (ChildProcess* c : children) c->signal(SIGTERM);
  for (ChildProcess* c : children) {
    if (!c->wait_for(grace_s)) {
      c->signal(SIGKILL);
      c->wait_for(5);
    }
  }
}

// Removes from a resolved live scenario every field kind closed-loop does not take, and sets the
// measured service and inference times: the same experiment, simulated.
std::string write_sim_scenario(const std::string& live_file, const fs::path& file, const std::string& service_csv,
                               double inference_ms, const Scenario& live) {
  YAML::Node root = YAML::LoadFile(live_file);
  std::function<void(YAML::Node, const std::string&)> prune = [&](YAML::Node n, const std::string& prefix) {
    std::vector<std::string> drop;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.as<std::string>();
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      if (const FieldSpec* f = find_field(path)) {
        if (!f->kinds.empty() && std::find(f->kinds.begin(), f->kinds.end(), "closed-loop") == f->kinds.end())
          drop.push_back(key);
      } else if (it->second.IsMap()) {
        prune(it->second, path);
        if (it->second.size() == 0) drop.push_back(key);
      }
    }
    for (const auto& k : drop) n.remove(k);
  };
  prune(root, "");
  root["kind"] = "closed-loop";
  root["name"] = live.name() + "-sim";
  root["cloud"]["service_times"] = service_csv;
  root["run"]["seeds"] = 1;  // the live run is one run, of its seed
  if (live.text("live.source") == "video") {
    if (inference_ms > 0) root["robot"]["inference_ms"] = inference_ms;
    root["loop"]["query_video"] = live.texts("video.files").front();
    root["camera"]["width"] = 0;
    root["camera"]["height"] = 0;
  }
  YAML::Emitter e;
  e << root;
  write_file_atomically(
      file, std::string("# The live run's scenario as kind closed-loop (written by kind live)\n") + e.c_str() + "\n");
  return file.string();
}

}  // namespace
namespace {

using Clock = std::chrono::steady_clock;

// Where the processes run: on loopback, or (live.network: ns3) each in a network namespace of its
// own, joined by the scenario's network in real time.
struct Placement {
  std::unique_ptr<Emulation> emulation;
  std::string cloud_host = "127.0.0.1";
  std::vector<std::string> cloud_prefix;
  std::vector<std::vector<std::string>> robot_prefix;
};

Placement place_processes(const Scenario& lsc, const std::string& scenario, const fs::path& live_dir,
                          std::ostream& out) {
  const int robots = static_cast<int>(lsc.integer("robots.count"));
  Placement pl;
  pl.robot_prefix.resize(static_cast<std::size_t>(robots));
  if (lsc.text("live.network") == "ns3") {
    pl.emulation = std::make_unique<Emulation>(lsc, scenario, live_dir, out);
    pl.cloud_host = pl.emulation->cloud_address();
    pl.cloud_prefix = pl.emulation->cloud_command_prefix();
    for (int r = 0; r < robots; ++r)
      pl.robot_prefix[static_cast<std::size_t>(r)] = pl.emulation->robot_command_prefix(r);
  }
  return pl;
}

std::vector<std::string> with_prefix(std::vector<std::string> prefix, const std::vector<std::string>& args) {
  prefix.insert(prefix.end(), args.begin(), args.end());
  return prefix;
}

// Starts the cloud process and waits, at most 60 s, for the port it listens on.
std::pair<ChildProcess, std::uint16_t> start_cloud(const Placement& pl, const std::string& exe,
                                                   const std::string& scenario, const fs::path& live_dir) {
  const fs::path port_file = live_dir / "cloud.port";
  ChildProcess cloud = ChildProcess::start(
      with_prefix(pl.cloud_prefix, {exe, "cloud", scenario, "--address", pl.emulation ? "0.0.0.0" : pl.cloud_host,
                                    "--port-file", port_file.string(), "--stats", (live_dir / "cloud.json").string()}),
      (live_dir / "cloud.log").string());
  std::uint16_t port = 0;
  for (const auto until = Clock::now() + std::chrono::seconds(60); port == 0;) {
    if (std::ifstream in(port_file); in >> port && port != 0) break;
    if (cloud.poll()) {
      throw std::runtime_error(fmt::format("the cloud process ended before listening (exit {}); {}:{}", *cloud.poll(),
                                           (live_dir / "cloud.log").string(), log_tail(live_dir / "cloud.log")));
    }
    if (Clock::now() > until) throw std::runtime_error("the cloud process did not listen within 60 s");
    if (interrupt_requested()) {
      stop_children({&cloud}, 5);
      check_interrupt();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {std::move(cloud), port};
}

// What the robots of every policy produced, in kind closed-loop's tables, and the cloud's service
// times and the robots' on-board times they measured.
struct LiveTables {
  std::string decisions = kDecisionsHeader, queries = kQueriesHeader, summary = kSummaryHeader;
  std::vector<SummaryLine> lines;
  std::vector<double> service_ms, inference_ms;
};

// Starts one robot process per robot playing `name`, all on a common start a second ahead, and
// waits for them to end (progress by seconds; Ctrl-C stops them and the cloud; an emulation that
// falls behind real time fails the run).
std::vector<ChildProcess> run_robots(const Scenario& lsc, const std::string& name, const fs::path& pdir,
                                     const Placement& pl, const std::string& exe, const std::string& scenario,
                                     std::uint16_t port, ChildProcess& cloud, bool progress) {
  const int robots = static_cast<int>(lsc.integer("robots.count"));
  const double start_at = unix_now() + 1.0;  // time for every robot to start and connect
  std::vector<ChildProcess> children;
  for (int r = 1; r <= robots; ++r) {
    children.push_back(ChildProcess::start(
        with_prefix(pl.robot_prefix[static_cast<std::size_t>(r - 1)],
                    {exe, "robot", scenario, "--index", std::to_string(r), "--policy", name, "--cloud",
                     fmt::format("{}:{}", pl.cloud_host, port), "--out", (pdir / fmt::format("robot{}", r)).string(),
                     "--start-at", fmt::format("{:.6f}", start_at)}),
        (pdir / fmt::format("robot{}.log", r)).string()));
  }
  std::unique_ptr<Progress> bar;
  const double run_s = lsc.number("run.duration_s") + 1.0;
  if (progress) bar = std::make_unique<Progress>(name + " (live s)", static_cast<std::size_t>(std::ceil(run_s)));
  const auto t0 = Clock::now();
  std::size_t shown = 0;
  for (bool all_done = false; !all_done;) {
    all_done = true;
    for (ChildProcess& c : children) all_done = c.poll().has_value() && all_done;
    if (interrupt_requested()) {
      std::vector<ChildProcess*> all = {&cloud};
      for (ChildProcess& c : children) all.push_back(&c);
      stop_children(all, 5);
      check_interrupt();
    }
    if (pl.emulation) pl.emulation->check_lag();  // throws when the simulator fell too far behind
    if (bar) {
      const auto elapsed = static_cast<std::size_t>(std::chrono::duration<double>(Clock::now() - t0).count());
      for (; shown < std::min(elapsed, static_cast<std::size_t>(std::ceil(run_s))); ++shown) bar->advance();
    }
    if (!all_done) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (bar) bar->finish();
  return children;
}

// Reads each robot's tables (a robot that failed fails the run, with its log's tail) into `t`:
// its rows, a summary per robot and of all robots, the service and on-board times it measured.
void collect_robots(std::vector<ChildProcess>& children, const std::string& name, const fs::path& pdir,
                    std::uint64_t seed, double fps, LiveTables& t) {
  const int robots = static_cast<int>(children.size());
  ClosedLoopResult merged;
  for (int r = 1; r <= robots; ++r) {
    ChildProcess& c = children[static_cast<std::size_t>(r - 1)];
    const fs::path log = pdir / fmt::format("robot{}.log", r);
    if (*c.poll() != 0) {
      throw std::runtime_error(
          fmt::format("robot {} ({}) exited with {}; {}:{}", r, name, *c.poll(), log.string(), log_tail(log)));
    }
    const fs::path rdir = pdir / fmt::format("robot{}", r);
    const ClosedLoopResult one =
        read_loop_tables((rdir / "decisions.csv").string(), (rdir / "queries.csv").string(), name);
    merged.frames.insert(merged.frames.end(), one.frames.begin(), one.frames.end());
    merged.queries.insert(merged.queries.end(), one.queries.begin(), one.queries.end());
    for (const auto* f : {"decisions.csv", "queries.csv"}) {
      std::ifstream in(rdir / f);
      std::string line;
      std::getline(in, line);  // the header
      std::string& table = std::string(f) == "decisions.csv" ? t.decisions : t.queries;
      while (std::getline(in, line)) table += line + "\n";
    }
    for (const QueryRecord& q : one.queries) {
      if (!q.probe && q.replied_s >= 0) t.service_ms.push_back(q.service_s * 1e3);
    }
    std::ifstream j(rdir / "robot.json");
    const nlohmann::json rj = nlohmann::json::parse(j, nullptr, false);
    if (rj.is_object() && rj.contains("inference_median_ms")) t.inference_ms.push_back(rj["inference_median_ms"]);
  }
  for (int r = 0; r <= robots; ++r) {
    t.lines.push_back(summarise(name, seed, r < robots ? r : -1, merged, fps, {}));  // each robot, then all (-1)
    t.summary += summary_csv_line(t.lines.back());
  }
}

void print_live_table(const std::vector<SummaryLine>& lines, std::ostream& out) {
  fmt::print(out, "\nlive: {:<20} {:>7} {:>9} {:>8} {:>8} {:>9} {:>9}\n", "policy", "robot", "reward/f", "query/s",
             "on time", "lat p50", "lat p95");
  for (const SummaryLine& s : lines) {
    fmt::print(out, "      {:<20} {:>7} {:>9.3f} {:>8.2f} {:>8} {:>9} {:>9}\n", s.policy, s.robot, s.reward_per_frame,
               s.queries_per_s, std::isnan(s.on_time_share) ? "-" : fmt::format("{:.1f}%", 100 * s.on_time_share),
               std::isnan(s.latency_p50) ? "-" : fmt::format("{:.1f} ms", s.latency_p50),
               std::isnan(s.latency_p95) ? "-" : fmt::format("{:.1f} ms", s.latency_p95));
  }
}

// comparison.csv: each live summary line beside the simulated run's, metric by metric.
std::string compare_summaries(const std::vector<SummaryLine>& lines, const base::CsvTable& st, std::ostream& out) {
  std::string cmp = "policy,robot,metric,live,sim,difference\n";
  const std::vector<std::pair<std::string, double SummaryLine::*>> metrics = {
      {"latency_p50_ms", &SummaryLine::latency_p50},
      {"latency_p95_ms", &SummaryLine::latency_p95},
      {"net_rtt_p50_ms", &SummaryLine::net_rtt_p50},
      {"on_time_share", &SummaryLine::on_time_share},
      {"queries_per_s", &SummaryLine::queries_per_s},
      {"reward_per_frame", &SummaryLine::reward_per_frame},
      {"accuracy", &SummaryLine::accuracy}};
  fmt::print(out, "\nsim versus live (all robots)\n{:<20} {:<18} {:>10} {:>10}\n", "policy", "metric", "live", "sim");
  for (const SummaryLine& s : lines) {
    std::size_t row = st.rows();
    for (std::size_t i = 0; i < st.rows(); ++i) {
      if (st.cell(i, st.column("policy")) == s.policy && st.cell(i, st.column("robot")) == s.robot) row = i;
    }
    for (const auto& [metric, member] : metrics) {
      const double live_v = s.*member;
      const double sim_v =
          row < st.rows() && st.cell(row, st.column(metric)) != "NA" ? st.number(row, st.column(metric)) : std::nan("");
      const auto f = [](double x) { return std::isnan(x) ? std::string("NA") : fmt::format("{:.4f}", x); };
      cmp += fmt::format("{},{},{},{},{},{}\n", s.policy, s.robot, metric, f(live_v), f(sim_v), f(live_v - sim_v));
      if (s.robot == "all") fmt::print(out, "{:<20} {:<18} {:>10} {:>10}\n", s.policy, metric, f(live_v), f(sim_v));
    }
  }
  return cmp;
}

// The same scenario as kind closed-loop, with the service and on-board times measured live, in
// <out>/sim; then comparison.csv, live against simulated.
void compare_with_simulation(const Scenario& sc, const Scenario& lsc, const std::string& scenario, LiveTables& t,
                             const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const fs::path dir = opt.out_dir;
  if (t.service_ms.empty()) t.service_ms.push_back(lsc.number("cloud.service_ms"));
  std::string times = "cloud_ms\n";
  for (double ms : t.service_ms) times += fmt::format("{:.3f}\n", ms);
  write_file_atomically(dir / "inputs" / "live_service_times.csv", times);
  const double inference = t.inference_ms.empty() ? 0 : base::median(t.inference_ms);
  const std::string sim_file =
      write_sim_scenario(scenario, dir / "inputs" / "sim_scenario.yaml",
                         fs::absolute(dir / "inputs" / "live_service_times.csv").string(), inference, lsc);
  const Scenario sim_sc = load_scenario(sim_file);
  check_closed_loop(sim_sc);
  fmt::print(out,
             "\nsimulating the same scenario (kind closed-loop, {}; service times and on-board inference as "
             "measured live)\n",
             sim_sc.text("network.type"));
  RunOptions sim_opt = opt;
  sim_opt.out_dir = dir / "sim";
  sim_opt.figures = false;
  fs::create_directories(sim_opt.out_dir);
  RunRecord sim_rec;
  std::ostringstream sim_out;
  run_closed_loop_kind(sim_sc, sim_opt, sim_out, sim_rec);
  write_file_atomically(sim_opt.out_dir / "scenario.resolved.yaml", sim_sc.to_yaml());
  rec.outputs.push_back("sim");
  const base::CsvTable st = base::CsvTable::read((sim_opt.out_dir / "summary.csv").string());
  write_file_atomically(dir / "comparison.csv", compare_summaries(t.lines, st, out));
  rec.outputs.push_back("comparison.csv");
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_live.py", dir);
    rec.outputs.insert(rec.outputs.end(), {"fig_live_vs_sim.png", "fig_live_vs_sim.pdf"});
  }
  rec.notes["live_inference_median_ms"] = inference;
  rec.notes["live_service_median_ms"] = base::median(t.service_ms);
}

}  // namespace

void check_live(const Scenario& sc) {
  const auto& policies = sc.texts("eval.policies");
  for (const std::string& p : policies) {
    if (p == "oracle" || p == "paper-oracle")
      throw sc.error("eval.policies", "'" + p + "' knows the future; a live robot cannot");
    if (p == "rl")
      throw sc.error("eval.policies", "'rl' exists only in kind rl-train; give a saved policy as {rl: file.pt}");
  }
  if (policies.empty()) throw sc.error("eval.policies", "no policy to run");
  if (!sc.texts("robots.streams").empty()) {
    throw sc.error("robots.streams",
                   "live robots send only their queries: use [] (simulated sensor load: background.*)");
  }
  if (sc.text("live.source") == "video") {
    if (sc.texts("video.files").size() != 1) throw sc.error("video.files", "a live run reads one video");
    const auto& edges = sc.numbers("video.crowd_edges");
    if (!std::is_sorted(edges.begin(), edges.end())) throw sc.error("video.crowd_edges", "must be increasing");
    check_saved_policies(sc, agents::feature_names({"frame_diff"}, {false, false}), true);
  }
  if (sc.number("loop.start_s") >= sc.number("run.duration_s")) {
    throw sc.error("loop.start_s", fmt::format("{} s is not before the end of the run (run.duration_s {} s)",
                                               sc.number("loop.start_s"), sc.number("run.duration_s")));
  }
  if (sc.text("live.network") == "ns3") check_emulation(sc);
}

void run_live_kind(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const fs::path dir = opt.out_dir;
  const fs::path live_dir = dir / "live";
  std::error_code ec;
  fs::remove_all(live_dir, ec);  // an earlier run's processes' files: never mixed with this run's
  fs::create_directories(live_dir);
  const std::string scenario = prepare_inputs(sc, dir / "inputs", opt.progress, out);
  rec.outputs.push_back("inputs");
  check_interrupt();
  const Scenario lsc = load_scenario(scenario);
  LoopStreams streams = loop_streams(lsc);
  const MadePolicies made = make_policies(loop_policy_settings(lsc), streams.calibration);
  const std::string exe = self_executable();
  const Placement pl = place_processes(lsc, scenario, live_dir, out);
  auto [cloud, port] = start_cloud(pl, exe, scenario, live_dir);
  fmt::print(out, "cloud: pid {}, {}:{} ({})\n", cloud.pid(), pl.cloud_host, port,
             pl.emulation ? "across the emulated network" : "loopback");
  out.flush();

  LiveTables t;
  for (std::size_t p = 0; p < made.policies.size(); ++p) {
    const std::string name = made.policies[p].policy->name();
    const fs::path pdir = live_dir / name;
    fs::create_directories(pdir);
    std::vector<ChildProcess> children = run_robots(lsc, name, pdir, pl, exe, scenario, port, cloud, opt.progress);
    collect_robots(children, name, pdir, sc.seed(), lsc.number("loop.fps"), t);
  }
  stop_children({&cloud}, 10);
  if (pl.emulation) {
    pl.emulation->check_lag();  // it fell behind after the last robot ended: the run still failed
    pl.emulation->stop();
    RunJournal::note(dir / "emulation_lag.csv");
    fs::copy_file(pl.emulation->lag_file(), dir / "emulation_lag.csv", fs::copy_options::overwrite_existing);
    rec.outputs.push_back("emulation_lag.csv");
    fmt::print(out, "{}\n", pl.emulation->lag_summary());
  }
  rec.outputs.push_back("live");
  for (const auto& [file, text] : {std::pair<const char*, const std::string*>{"decisions.csv", &t.decisions},
                                   {"queries.csv", &t.queries},
                                   {"summary.csv", &t.summary}}) {
    write_file_atomically(dir / file, *text);
    rec.outputs.push_back(file);
  }
  print_live_table(t.lines, out);
  if (lsc.flag("live.compare")) compare_with_simulation(sc, lsc, scenario, t, opt, out, rec);
}

}  // namespace offloadsim::sim
