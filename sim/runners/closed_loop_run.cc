#include "sim/runners/closed_loop_run.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/learning/rl_policy.h"
#include "agents/loop/robot_agent.h"
#include "agents/mdp/observation_features.h"
#include "agents/streams/synthetic_stream.h"
#include "base/random_streams.h"
#include "base/seed.h"
#include "netmodels/sensors/video_frames.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/loop/closed_loop.h"
#include "sim/loop/loop_tables.h"
#include "sim/runners/closed_loop_report.h"
#include "sim/runners/figures.h"
#include "sim/runners/network_study.h"
#include "sim/runners/offload_eval.h"
#include "sim/runners/policy_factory.h"
#include "sim/scenario/schema.h"

namespace offloadsim::sim {

namespace nm = netmodels;

namespace {

struct LoopInputs {
  std::vector<std::vector<agents::Trace>> episodes;  // per robot
  std::vector<agents::Trace> calibration;
  std::vector<std::uint32_t> query_sizes;  // per frame of a video, or one value
  double mean_query_bytes = 0;
  std::string query_what;
};

}  // namespace

namespace {
constexpr int kMaxFramesPerRobot = 1000000;
}  // namespace
namespace {
LoopInputs load_inputs(const Scenario& sc, bool progress) {
  LoopInputs in;
  LoopStreams streams = loop_streams(sc);
  in.episodes = std::move(streams.episodes);
  in.calibration = std::move(streams.calibration);
  QuerySizes q = loop_query_sizes(sc, progress);
  in.query_sizes = std::move(q.bytes);
  in.query_what = std::move(q.what);
  in.mean_query_bytes = q.mean;
  return in;
}

}  // namespace

namespace {

ClosedLoopSpec loop_spec(const Scenario& sc, const Sources& src) {
  ClosedLoopSpec s;
  s.network = network_run_spec(sc, src);
  s.cloud_server = static_cast<int>(sc.integer("cloud.server")) - 1;
  s.cloud_workers = static_cast<int>(sc.integer("cloud.workers"));
  s.reply_bytes = static_cast<std::uint32_t>(sc.integer("loop.reply_bytes"));
  s.probe_bytes = static_cast<std::uint32_t>(sc.integer("loop.probe_bytes"));
  s.start_s = sc.number("loop.start_s");
  s.fps = sc.number("loop.fps");
  s.deadline_s = loop_deadline_s(sc);
  s.timeout_s = sc.number("loop.timeout_ms") / 1000.0;
  return s;
}

// The paper's state features of the scenario's stream; a saved policy may add the network's.
std::vector<std::string> paper_features(const LoopInputs& in) {
  return agents::feature_names(in.episodes.front().front().feature_names, {false, false});
}

}  // namespace

void check_closed_loop(const Scenario& sc) {
  check_network_scenario(sc);
  check_capacity_share(sc);
  const auto& policies = sc.texts("eval.policies");
  for (const std::string& p : policies) {
    if (p == "oracle" || p == "paper-oracle")
      throw sc.error("eval.policies", "'" + p + "' knows the future; a robot in the closed loop cannot");
    if (p == "rl")
      throw sc.error("eval.policies", "'rl' exists only in kind rl-train; give a saved policy as {rl: file.pt}");
  }
  if (policies.empty()) throw sc.error("eval.policies", "no policy to run");
  // decisions.csv has a row per policy, robot and frame (docs/limits.md).
  if (const int frames = loop_frames_needed(sc); frames > kMaxFramesPerRobot) {
    throw sc.error("loop.fps",
                   fmt::format("{} frames/s over run.duration_s ({} s) is {} frames per robot; at most {}",
                               sc.number("loop.fps"), sc.number("run.duration_s"), frames, kMaxFramesPerRobot));
  }
  if (sc.integer("cloud.server") > sc.integer("servers.count")) {
    throw sc.error("cloud.server", fmt::format("server {} does not exist (servers.count is {})",
                                               sc.integer("cloud.server"), sc.integer("servers.count")));
  }
  if (sc.number("loop.start_s") >= sc.number("run.duration_s")) {
    throw sc.error("loop.start_s", fmt::format("{} s is not before the end of the run (run.duration_s {} s)",
                                               sc.number("loop.start_s"), sc.number("run.duration_s")));
  }
  if (sc.text("stream.source") == "traces" && sc.text("stream.test_traces").empty()) {
    throw sc.error("stream.test_traces", "required when stream.source is 'traces'");
  }
  const bool heuristic = std::any_of(policies.begin(), policies.end(), [](const std::string& p) {
    return p == "robot-heuristic" || p == "congestion-aware";
  });
  if (sc.text("stream.source") == "traces" && heuristic && sc.text("stream.train_traces").empty()) {
    throw sc.error("stream.train_traces",
                   "required with stream.source 'traces' for robot-heuristic and congestion-aware (thresholds are "
                   "calibrated on training traces, never on the test traces)");
  }
  if (!sc.text("cloud.service_times").empty()) {
    read_for_field(sc, "cloud.service_times", [&](const std::string&) { loop_service_times(sc); });
  }
  if (!sc.text("loop.query_video").empty()) {
    read_for_field(sc, "loop.query_video", [](const std::string& f) { nm::encode_video_frames(f, 0, 0, 50, 1); });
  }
  const LoopInputs in = load_inputs(sc, false);
  check_saved_policies(sc, paper_features(in), true);
  if (sc.has("loop.reference_policy")) {  // the kinds that share these checks have no comparison
    std::vector<std::string> names;
    for (const auto& made : make_policies(loop_policy_settings(sc), in.calibration).policies)
      names.push_back(made.policy->name());
    reference_policy(sc, names);
  }
}

struct ClosedLoopExperiment::Inputs {
  LoopInputs in;
  Sources src;
  PolicySettings settings;
  agents::RobotAgentSettings agent;
  std::vector<MadePolicies> made;  // per robot: one instance of each policy (policies keep state)
  std::uint64_t seed = 0;
};

ClosedLoopExperiment::ClosedLoopExperiment(const Scenario& sc, bool progress) : inputs_(std::make_unique<Inputs>()) {
  Inputs& x = *inputs_;
  x.in = load_inputs(sc, progress);
  const auto& what = sc.texts("robots.streams");
  x.src = make_sources(sc, std::find(what.begin(), what.end(), "video") != what.end(), progress);
  spec_ = loop_spec(sc, x.src);
  capacity_ = apply_capacity_share(sc, spec_.network);
  spec_.service_times_s = loop_service_times(sc);
  x.settings = loop_policy_settings(sc);
  for (int r = 0; r < spec_.network.robots; ++r) x.made.push_back(make_policies(x.settings, x.in.calibration));
  x.agent = loop_agent_settings(sc, x.in.mean_query_bytes);
  x.seed = sc.seed();
  description_ =
      fmt::format("queries: {}, mean {:.0f} bytes; cloud: {} worker(s), {}", x.in.query_what, x.in.mean_query_bytes,
                  sc.integer("cloud.workers"),
                  sc.text("cloud.service_times").empty() ? fmt::format("{} ms per query", sc.number("cloud.service_ms"))
                                                         : "service times from " + sc.text("cloud.service_times"));
  if (!x.src.camera_what.empty()) description_ = "camera: " + x.src.camera_what + "\n" + description_;
  if (capacity_) description_ += "\n" + describe(*capacity_);
}

ClosedLoopExperiment::~ClosedLoopExperiment() = default;

std::size_t ClosedLoopExperiment::policies() const {
  return inputs_->made.front().policies.size();
}

std::string ClosedLoopExperiment::policy_name(std::size_t p) const {
  return inputs_->made.front().policies.at(p).policy->name();
}

double ClosedLoopExperiment::fps() const {
  return inputs_->agent.fps;
}

const std::vector<agents::Trace>& ClosedLoopExperiment::episodes(int robot) const {
  return inputs_->in.episodes.at(static_cast<std::size_t>(robot));
}

const std::vector<std::uint32_t>& ClosedLoopExperiment::query_sizes() const {
  return inputs_->in.query_sizes;
}

agents::RobotAgentSettings ClosedLoopExperiment::agent_settings(std::size_t p) const {
  agents::RobotAgentSettings a = inputs_->agent;
  a.network_features = inputs_->made.front().policies.at(p).network_features;
  return a;
}

agents::Policy& ClosedLoopExperiment::policy(std::size_t p, int robot) {
  return *inputs_->made.at(static_cast<std::size_t>(robot)).policies.at(p).policy;
}

std::uint64_t ClosedLoopExperiment::seed() const {
  return inputs_->seed;
}

std::uint64_t ClosedLoopExperiment::policy_seed(std::size_t p) const {
  return base::derive_seed(inputs_->seed, base::streams::kLoopPolicies, p);
}

int ClosedLoopExperiment::frames(int robot) const {
  int available = 0;
  for (const agents::Trace& t : episodes(robot)) available += t.horizon();
  return loop_frames(spec_, robot, spec_.network.robots, available);
}

ClosedLoopResult ClosedLoopExperiment::run(std::size_t p) {
  Inputs& x = *inputs_;
  const std::vector<std::uint32_t>& sizes = x.in.query_sizes;
  const auto query_bytes = [&sizes](int frame) { return sizes[static_cast<std::size_t>(frame) % sizes.size()]; };
  const agents::RobotAgentSettings settings = agent_settings(p);
  std::vector<std::unique_ptr<agents::RobotAgent>> agents_;
  std::vector<LoopRobot> loop_robots;
  for (int r = 0; r < spec_.network.robots; ++r) {
    const std::vector<agents::Trace>& eps = x.in.episodes[static_cast<std::size_t>(r)];
    agents_.push_back(std::make_unique<agents::RobotAgent>(
        r, *x.made[static_cast<std::size_t>(r)].policies.at(p).policy, eps, query_bytes, settings, policy_seed(p)));
    LoopRobot lr;
    lr.agent = agents_.back().get();
    lr.frames = agents_.back()->frames();
    lr.cloud_answer = [agent = agents_.back().get()](int frame) {
      const agents::Frame& f = agent->frame(frame);
      return std::pair<int, double>{f.cloud_prediction, f.cloud_confidence};
    };
    loop_robots.push_back(std::move(lr));
  }
  return run_closed_loop(spec_, loop_robots);
}

ClosedLoopResult ClosedLoopExperiment::replay(const std::vector<QueryRecord>& queries) {
  std::vector<LoopRobot> loop_robots(static_cast<std::size_t>(spec_.network.robots));
  for (const QueryRecord& q : queries) loop_robots.at(static_cast<std::size_t>(q.robot)).replay.push_back(q);
  return run_closed_loop(spec_, loop_robots);
}

namespace {

// Inserts `,seed` after the first cell of every line of a network table (its condition: the policy).
std::string with_seed(const std::string& rows, const std::string& seed) {
  std::string out;
  std::size_t at = 0;
  while (at < rows.size()) {
    std::size_t end = rows.find('\n', at);
    if (end == std::string::npos) end = rows.size();
    const std::string line = rows.substr(at, end - at);
    const std::size_t comma = line.find(',');
    out += comma == std::string::npos ? line : line.substr(0, comma) + "," + seed + line.substr(comma);
    out += '\n';
    at = end + 1;
  }
  return out;
}

// Policy p's simulation (of the experiment's seed), as the text it adds to each table.
UnitParts policy_parts(ClosedLoopExperiment& experiment, const Scenario& sc, std::size_t p) {
  const std::string name = experiment.policy_name(p);
  const std::uint64_t seed = experiment.seed();
  const ClosedLoopResult r = experiment.run(p);
  check_interrupt();  // Ctrl-C ended the simulation early: nothing of it is written
  UnitParts parts;
  for (const std::string& e : r.errors) parts["warnings"] += fmt::format("warning: {} (seed {}): {}\n", name, seed, e);
  append_decisions(parts["decisions"], name, seed, r);
  append_queries(parts["queries"], name, seed, r);
  const Tables headers;
  Tables tables;
  std::vector<SensorStream> streams;
  for (const Row& row : add_run(tables, name, r.network, sc.number("run.warmup_s"))) {
    streams.push_back({row.flow, row.goodput, row.pub_drops + row.sub_drops});
  }
  const std::string seed_text = std::to_string(seed);
  parts["rates"] = with_seed(tables.rates.substr(headers.rates.size()), seed_text);
  parts["messages"] = with_seed(tables.messages.substr(headers.messages.size()), seed_text);
  parts["background"] = with_seed(tables.background.substr(headers.background.size()), seed_text);
  parts["flows"] = with_seed(tables.flows.substr(headers.flows.size()), seed_text);
  for (int robot = 0; robot < experiment.spec().network.robots; ++robot) {
    parts["summary"] += summary_csv_line(summarise(name, seed, robot, r, experiment.fps(), streams));
  }
  parts[kOverallPart] = summary_csv_line(summarise(name, seed, -1, r, experiment.fps(), streams));
  parts["summary"] += parts[kOverallPart];
  return parts;
}

// Each part of every policy, in policy order.
std::string joined(const std::vector<UnitParts>& units, const std::string& part) {
  std::string text;
  for (const UnitParts& u : units) {
    const auto it = u.find(part);
    if (it != u.end()) text += it->second;
  }
  return text;
}

}  // namespace

// The scenario of the run's k-th seed: seed + k (as a sweep's replications), the rest as given.
Scenario seed_scenario(const Scenario& sc, std::size_t k) {
  if (k == 0) return sc;
  std::vector<std::string> sets = sc.overrides();
  sets.push_back(fmt::format("seed={}", sc.seed() + k));
  return load_scenario(sc.file(), sets);
}

namespace {
std::size_t loop_seeds(const Scenario& sc) {
  return static_cast<std::size_t>(sc.integer("run.seeds"));
}
}  // namespace

UnitParts closed_loop_unit(const Scenario& sc, std::size_t unit, const std::function<void()>& tick) {
  const std::size_t seeds = loop_seeds(sc);
  ClosedLoopExperiment experiment(seed_scenario(sc, unit % seeds), false);
  experiment.spec().network.stop_requested = interrupt_requested;
  experiment.spec().network.on_second = [&tick](double) { tick(); };
  return policy_parts(experiment, sc, unit / seeds);
}

namespace {

// The simulations, one per policy and seed (unit p·seeds + k: policy p, seed + k): in parallel
// children (each its own ns-3), or one after the other here (--jobs 1, one unit, or pcap, whose
// files every run would write at once).
std::vector<UnitParts> run_closed_loop_units(ClosedLoopExperiment& experiment, const Scenario& sc,
                                             const RunOptions& opt, const std::vector<std::string>& policies,
                                             std::size_t seeds, std::ostream& out, RunRecord& rec) {
  const bool pcap = sc.flag("network.pcap");
  const std::size_t ticks = static_cast<std::size_t>(std::ceil(experiment.spec().network.duration_s));
  UnitPlan plan;
  plan.what = seeds > 1 ? "runs" : "policies";
  plan.key = seeds > 1 ? "run" : "policy";
  for (const std::string& name : policies) {
    for (std::size_t k = 0; k < seeds; ++k)
      plan.names.push_back(seeds > 1 ? fmt::format("{} seed {}", name, sc.seed() + k) : name);
  }
  plan.ticks_per_unit = ticks;
  plan.in_one_process = pcap;
  std::unique_ptr<ClosedLoopExperiment> other;  // the experiment of a seed other than the first
  std::size_t other_seed = 0;
  return run_units(
      sc, opt, plan,
      [&](std::size_t u) {
        const std::size_t k = u % seeds;
        if (k != 0 && (!other || other_seed != k)) {
          other = std::make_unique<ClosedLoopExperiment>(seed_scenario(sc, k), false);
          other_seed = k;
        }
        ClosedLoopExperiment& x = k == 0 ? experiment : *other;
        ClosedLoopSpec& spec = x.spec();
        if (pcap) {
          const std::string prefix = seeds > 1 ? fmt::format("pcap-seed{}", x.seed()) : "pcap";
          spec.network.wifi.pcap_prefix = (opt.out_dir / prefix).string();
        }
        spec.network.stop_requested = interrupt_requested;
        std::unique_ptr<Progress> bar;
        spec.network.on_second = nullptr;
        if (opt.progress) {
          bar = std::make_unique<Progress>(plan.names[u] + " (simulated s)", ticks);
          spec.network.on_second = [&bar](double) { bar->advance(); };
        }
        UnitParts parts = policy_parts(x, sc, u / seeds);
        spec.network.on_second = nullptr;  // it points at this unit's bar
        if (bar) bar->finish();
        return parts;
      },
      out, rec);
}

void write_closed_loop_tables(const Scenario& sc, const ClosedLoopExperiment& experiment,
                              const std::vector<UnitParts>& units, const std::vector<std::string>& policies,
                              const SeedMetrics& metrics, std::size_t reference, const RunOptions& opt,
                              RunRecord& rec) {
  const Tables headers;
  const std::vector<std::pair<const char*, std::string>> files = {
      {"decisions.csv", kDecisionsHeader + joined(units, "decisions")},
      {"queries.csv", kQueriesHeader + joined(units, "queries")},
      {"summary.csv", kSummaryHeader + joined(units, "summary")},
      {"comparison.csv", comparison_csv(policies, metrics, reference)},
      {"rates.csv", with_seed(headers.rates, "seed") + joined(units, "rates")},
      {"messages.csv", with_seed(headers.messages, "seed") + joined(units, "messages")},
      {"background.csv", with_seed(headers.background, "seed") + joined(units, "background")}};
  for (const auto& [file, text] : files) {
    write_file_atomically(opt.out_dir / file, text);
    rec.outputs.push_back(file);
  }
  if (sc.flag("network.flow_monitor")) {
    write_file_atomically(opt.out_dir / "flows.csv", with_seed(headers.flows, "seed") + joined(units, "flows"));
    rec.outputs.push_back("flows.csv");
  }
  if (experiment.capacity()) write_cell_capacity(*experiment.capacity(), opt, rec);
}

}  // namespace

void run_closed_loop_kind(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  ClosedLoopExperiment experiment(sc, opt.progress);
  fmt::print(out, "{}\n", experiment.description());
  const std::size_t seeds = loop_seeds(sc);
  std::vector<std::string> policies;
  for (std::size_t p = 0; p < experiment.policies(); ++p) policies.push_back(experiment.policy_name(p));
  const std::size_t reference = reference_policy(sc, policies);

  const std::vector<UnitParts> units = run_closed_loop_units(experiment, sc, opt, policies, seeds, out, rec);
  fmt::print(out, "{}", joined(units, "warnings"));
  note_identical_policies(units, policies, seeds, out, rec);

  const SeedMetrics metrics = seed_metrics(units, seeds);
  write_closed_loop_tables(sc, experiment, units, policies, metrics, reference, opt, rec);
  rec.notes["seeds"] = {{"first", sc.seed()}, {"count", seeds}, {"reference_policy", policies[reference]}};

  fmt::print(out, "\n{}", comparison_table(policies, metrics, reference));
  fmt::print(out,
             "{}.\nreward/f: mean reward per frame with the measured price, ± half its 95% CI over seeds "
             "(Student's t); Δ: its difference from {}, paired by seed; fixed/f: with the paper's constant costs;\n"
             "on time: queries answered by the frame's deadline ({:.0f} ms); tokens: mean grant per episode. "
             "comparison.csv has every metric.\n",
             seeds > 1 ? fmt::format("means over {} seeds ({}–{}), each policy on the same network, streams and "
                                     "seed",
                                     seeds, sc.seed(), sc.seed() + seeds - 1)
                       : fmt::format("one seed ({}): no interval; run.seeds gives more", sc.seed()),
             policies[reference], loop_deadline_s(sc) * 1e3);
  if (opt.figures && sc.flag("output.figures")) draw_closed_loop_figures(sc, opt, rec);
}

}  // namespace offloadsim::sim
