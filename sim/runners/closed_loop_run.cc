#include "sim/runners/closed_loop_run.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/learning/rl_policy.h"
#include "agents/loop/robot_agent.h"
#include "agents/streams/facenet_table.h"
#include "agents/streams/synthetic_stream.h"
#include "agents/streams/trace_csv.h"
#include "netmodels/sensors/video_frames.h"
#include "sim/base/csv_table.h"
#include "sim/base/input_error.h"
#include "sim/base/random_streams.h"
#include "sim/base/seed.h"
#include "sim/base/stats.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/loop/closed_loop.h"
#include "sim/runners/figures.h"
#include "sim/runners/network_study.h"
#include "sim/runners/offload_eval.h"
#include "sim/runners/policy_factory.h"

namespace offloadsim::sim {

namespace nm = netmodels;

namespace {

const char* const kActionNames[] = {"past_robot", "past_cloud", "robot", "cloud"};

struct LoopInputs {
  std::vector<std::vector<agents::Trace>> episodes;  // per robot
  std::vector<agents::Trace> calibration;
  std::vector<std::uint32_t> query_sizes;  // per frame of a video, or one value
  double mean_query_bytes = 0;
  std::string query_what;
};

double deadline_s(const Scenario& sc) {
  const double d = sc.number("loop.deadline_ms");
  return d > 0 ? d / 1000.0 : 1.0 / sc.number("loop.fps");
}

// Frames a robot needs: every frame whose deadline falls within the run.
constexpr int kMaxFramesPerRobot = 1000000;

int frames_needed(const Scenario& sc) {
  return static_cast<int>(
             std::ceil((sc.number("run.duration_s") - sc.number("loop.start_s")) * sc.number("loop.fps"))) +
         1;
}

PolicySettings policy_settings(const Scenario& sc) {
  PolicySettings p;
  p.entries = sc.texts("eval.policies");
  p.all_robot_run_every = static_cast<int>(sc.integer("eval.all_robot_run_every"));
  p.heuristic_percentiles = sc.numbers("eval.heuristic_percentiles");
  p.rl_sample = sc.flag("eval.rl_sample");
  return p;
}

LoopInputs load_inputs(const Scenario& sc, bool progress) {
  LoopInputs in;
  const int robots = static_cast<int>(sc.integer("robots.count"));
  const int need = frames_needed(sc);
  const std::uint64_t seed = sc.seed();
  if (sc.text("stream.source") == "synthetic") {
    const agents::FacenetTable table = agents::FacenetTable::load(sc.text("stream.table"));
    agents::SyntheticStreamParams p;
    p.horizon = static_cast<int>(sc.integer("stream.horizon"));
    p.coherence_mean = sc.number("stream.coherence_mean");
    p.p_known = sc.number("stream.p_known");
    p.redraw_every = static_cast<int>(sc.integer("stream.redraw_every"));
    p.split = sc.text("stream.test_split");
    const agents::SyntheticStream test(table, p);
    for (int r = 0; r < robots; ++r) {
      std::vector<agents::Trace> eps;
      const std::uint64_t robot_seed =
          base::derive_seed(seed, base::streams::kLoopRobotTraces, static_cast<std::uint64_t>(r));
      for (int e = 0, frames = 0; frames < need; ++e) {
        eps.push_back(test.generate(base::derive_seed(robot_seed, 0, static_cast<std::uint64_t>(e)),
                                    fmt::format("robot{}-{:03}", r + 1, e)));
        frames += eps.back().horizon();
      }
      in.episodes.push_back(std::move(eps));
    }
    p.split = sc.text("stream.train_split");
    const agents::SyntheticStream train(table, p);
    for (long long i = 0; i < sc.integer("eval.calibration_traces"); ++i) {
      in.calibration.push_back(
          train.generate(base::derive_seed(seed, base::streams::kLoopCalibration, static_cast<std::uint64_t>(i)),
                         fmt::format("train-{:03}", i)));
    }
  } else {
    // Robot r plays traces r, r + R, r + 2R, … of the file (cycling): robots see different traces
    // whenever the file has at least as many traces as there are robots.
    const std::vector<agents::Trace> traces = agents::read_traces_csv(sc.text("stream.test_traces"));
    for (int r = 0; r < robots; ++r) {
      std::vector<agents::Trace> eps;
      for (std::size_t k = static_cast<std::size_t>(r), frames = 0; static_cast<int>(frames) < need; k += robots) {
        eps.push_back(traces[k % traces.size()]);
        frames += eps.back().frames.size();
      }
      in.episodes.push_back(std::move(eps));
    }
    if (!sc.text("stream.train_traces").empty())
      in.calibration = agents::read_traces_csv(sc.text("stream.train_traces"));
  }
  if (!sc.text("loop.query_video").empty()) {
    const nm::EncodedVideo v = encode_camera_video(sc, sc.text("loop.query_video"), progress);
    in.query_sizes = v.frame_bytes;
    in.query_what = fmt::format("JPEG frames of {} ({}×{}, q{})", sc.text("loop.query_video"), v.width, v.height,
                                sc.integer("camera.jpeg_quality"));
  } else {
    in.query_sizes = {static_cast<std::uint32_t>(sc.integer("loop.query_bytes"))};
    in.query_what = "a fixed payload (loop.query_bytes)";
  }
  in.mean_query_bytes =
      std::accumulate(in.query_sizes.begin(), in.query_sizes.end(), 0.0) / static_cast<double>(in.query_sizes.size());
  return in;
}

std::vector<double> service_times(const Scenario& sc) {
  if (sc.text("cloud.service_times").empty()) return {sc.number("cloud.service_ms") / 1000.0};
  const base::CsvTable t = base::CsvTable::read(sc.text("cloud.service_times"));
  const std::size_t c = t.column("cloud_ms");
  std::vector<double> v;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const double ms = t.number(r, c);
    if (!(ms >= 0) || !std::isfinite(ms)) {
      throw base::InputError(t.path(), t.line_of(r), "cloud_ms", "a service time must be a finite number ≥ 0");
    }
    v.push_back(ms / 1000.0);
  }
  if (v.empty()) throw base::InputError(t.path(), 0, "cloud_ms", "no rows");
  return v;
}

agents::RobotAgentSettings agent_settings(const Scenario& sc, double mean_query_bytes) {
  agents::RobotAgentSettings a;
  a.mdp = mdp_params(sc);
  a.fps = sc.number("loop.fps");
  a.deadline_s = deadline_s(sc);
  a.inference_s = sc.number("robot.inference_ms") / 1000.0;
  a.timeout_s = sc.number("loop.timeout_ms") / 1000.0;
  a.max_in_flight = static_cast<int>(sc.integer("loop.max_in_flight"));
  a.budget_fraction = sc.number("loop.budget");
  a.budget_share = sc.number("loop.budget_share");
  a.price_gain = sc.number("loop.price_gain");
  a.probe_interval_s = sc.number("loop.probe_interval_s");
  a.mean_query_bytes = mean_query_bytes;
  a.network_features = sc.flag("loop.network_features");
  a.estimator.window_s = sc.number("loop.estimator_window_s");
  return a;
}

ClosedLoopSpec loop_spec(const Scenario& sc, const Sources& src) {
  ClosedLoopSpec s;
  s.network = network_run_spec(sc, src);
  s.cloud_server = static_cast<int>(sc.integer("cloud.server")) - 1;
  s.cloud_workers = static_cast<int>(sc.integer("cloud.workers"));
  s.reply_bytes = static_cast<std::uint32_t>(sc.integer("loop.reply_bytes"));
  s.probe_bytes = static_cast<std::uint32_t>(sc.integer("loop.probe_bytes"));
  s.start_s = sc.number("loop.start_s");
  s.fps = sc.number("loop.fps");
  s.deadline_s = deadline_s(sc);
  s.timeout_s = sc.number("loop.timeout_ms") / 1000.0;
  return s;
}

std::string num(double x, int digits = 3) {
  return std::isnan(x) ? "NA" : fmt::format("{:.{}f}", x, digits);
}

struct SummaryLine {
  std::string policy, robot;
  int frames = 0, episodes = 0, cloud_queries = 0, robot_runs = 0, timeouts = 0, on_time_queries = 0;
  double reward_per_frame = 0, reward_fixed_per_frame = 0, accuracy = 0, episode_reward_mean = 0, episode_reward_se = 0,
         queries_per_s = 0, on_time_share = 0, latency_p50 = 0, latency_p95 = 0, latency_p99 = 0, price_mean = 0,
         tokens_granted_mean = 0, sensor_goodput_mbps = 0;
  std::uint64_t bytes_offloaded = 0, sensor_drops = 0;
};

// Summarises the frames and queries of `robot` (-1: all robots) under one policy.
SummaryLine summarise(const std::string& policy, int robot, const ClosedLoopResult& r, double fps,
                      const std::vector<Row>& streams) {
  SummaryLine s;
  s.policy = policy;
  s.robot = robot < 0 ? "all" : fmt::format("robot{}", robot + 1);
  std::vector<double> reward, reward_fixed, price, granted;
  std::map<std::pair<int, int>, double> episode_reward;
  int correct = 0;
  for (const agents::ScoredFrame& f : r.frames) {
    if (robot >= 0 && f.robot != robot) continue;
    ++s.frames;
    reward.push_back(f.reward);
    reward_fixed.push_back(f.reward_fixed);
    correct += f.correct ? 1 : 0;
    episode_reward[{f.robot, f.episode}] += f.reward;
    if (f.step == 0) granted.push_back(f.tokens_granted);
    if (f.executed_action == agents::kCloud) {
      ++s.cloud_queries;
      s.on_time_queries += f.on_time ? 1 : 0;
      s.bytes_offloaded += f.bytes;
      price.push_back(f.price);
    }
    if (f.executed_action == agents::kRobot) ++s.robot_runs;
  }
  std::vector<double> latency_ms;
  for (const QueryRecord& q : r.queries) {
    if (q.probe || (robot >= 0 && q.robot != robot)) continue;
    if (q.timed_out) ++s.timeouts;
    if (q.replied_s >= 0) latency_ms.push_back((q.replied_s - q.sent_s) * 1e3);
  }
  std::vector<double> episodes;
  for (const auto& [key, total] : episode_reward) episodes.push_back(total);
  s.episodes = static_cast<int>(episodes.size());
  s.reward_per_frame = base::mean(reward);
  s.reward_fixed_per_frame = base::mean(reward_fixed);
  s.accuracy = s.frames > 0 ? static_cast<double>(correct) / s.frames : std::nan("");
  s.episode_reward_mean = base::mean(episodes);
  s.episode_reward_se = base::standard_error(episodes);
  const double robot_seconds = static_cast<double>(s.frames) / fps;
  s.queries_per_s = robot_seconds > 0 ? s.cloud_queries / robot_seconds : std::nan("");
  s.on_time_share = s.cloud_queries > 0 ? static_cast<double>(s.on_time_queries) / s.cloud_queries : std::nan("");
  s.latency_p50 = base::lower_quantile(latency_ms, 0.5);
  s.latency_p95 = base::lower_quantile(latency_ms, 0.95);
  s.latency_p99 = base::lower_quantile(latency_ms, 0.99);
  s.price_mean = base::mean(price);
  s.tokens_granted_mean = base::mean(granted);
  const std::string prefix = fmt::format("robot{}-", robot + 1);
  for (const Row& row : streams) {
    if (robot >= 0 && row.flow.rfind(prefix, 0) != 0) continue;
    s.sensor_goodput_mbps += row.goodput;
    s.sensor_drops += row.pub_drops + row.sub_drops;
  }
  return s;
}

const char* const kSummaryHeader =
    "policy,robot,frames,episodes,reward_per_frame,reward_fixed_cost_per_frame,episode_reward_mean,episode_reward_se,"
    "accuracy,cloud_queries,queries_per_s,on_time_share,timeouts,latency_p50_ms,latency_p95_ms,latency_p99_ms,"
    "price_mean,tokens_granted_mean,robot_runs,bytes_offloaded,sensor_goodput_mbps,sensor_drops\n";

std::string summary_csv_line(const SummaryLine& s) {
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", s.policy, s.robot, s.frames,
                     s.episodes, num(s.reward_per_frame, 4), num(s.reward_fixed_per_frame, 4),
                     num(s.episode_reward_mean, 3), num(s.episode_reward_se, 3), num(s.accuracy, 4), s.cloud_queries,
                     num(s.queries_per_s, 3), num(s.on_time_share, 4), s.timeouts, num(s.latency_p50, 3),
                     num(s.latency_p95, 3), num(s.latency_p99, 3), num(s.price_mean, 3), num(s.tokens_granted_mean, 2),
                     s.robot_runs, s.bytes_offloaded, num(s.sensor_goodput_mbps, 3), s.sensor_drops);
}

const char* const kDecisionsHeader =
    "policy,robot,frame,episode,step,t_s,action,executed,reason,query_id,bytes,sent_s,replied_s,latency_ms,on_time,"
    "timed_out,used,why,prediction,true_label,correct,loss,price,reward,reward_fixed_cost,tokens,tokens_granted,"
    "est_rtt_ms,est_base_rtt_ms,est_queue_ms,est_delivery_mbps,est_timeout_rate,est_predicted_reply_ms,"
    "true_cloud_queue,true_ap_queue,true_channel_busy_s\n";

void append_decisions(std::string& csv, const std::string& policy, const ClosedLoopResult& r) {
  for (const agents::ScoredFrame& f : r.frames) {
    const bool sent = f.sent_s >= 0;
    const bool replied = f.replied_s >= 0;
    const GroundTruth& gt = r.ground_truth.at({f.robot, f.frame});
    fmt::format_to(std::back_inserter(csv),
                   "{},robot{},{},{},{},{:.6f},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},"
                   "{},{},{},{},{},{}\n",
                   policy, f.robot + 1, f.frame, f.episode, f.step, f.t_s, kActionNames[f.requested_action],
                   kActionNames[f.executed_action], f.reason, sent ? std::to_string(f.query_id) : "", f.bytes,
                   sent ? fmt::format("{:.6f}", f.sent_s) : "", replied ? fmt::format("{:.6f}", f.replied_s) : "",
                   sent && replied ? num((f.replied_s - f.sent_s) * 1e3) : "", f.on_time ? 1 : 0, f.timed_out ? 1 : 0,
                   f.used, f.why, f.prediction, f.true_label, f.correct ? 1 : 0, f.correct ? 0 : 1, num(f.price, 4),
                   num(f.reward, 4), num(f.reward_fixed, 4), f.tokens, f.tokens_granted, num(f.est_rtt_ms),
                   num(f.est_base_rtt_ms), num(f.est_queue_ms), num(f.est_delivery_mbps), num(f.est_timeout_rate, 4),
                   num(f.est_predicted_reply_ms), gt.cloud_queue, num(gt.network.ap_queue_packets, 0),
                   num(gt.network.channel_busy_s, 6));
  }
}

void append_queries(std::string& csv, const std::string& policy, const ClosedLoopResult& r) {
  for (const QueryRecord& q : r.queries) {
    const bool replied = q.replied_s >= 0;
    fmt::format_to(std::back_inserter(csv), "{},robot{},{},{},{},{},{:.6f},{},{},{},{}\n", policy, q.robot + 1,
                   q.probe ? "probe" : "query", q.id, q.frame >= 0 ? std::to_string(q.frame) : "", q.bytes, q.sent_s,
                   replied ? fmt::format("{:.6f}", q.replied_s) : "",
                   replied ? num((q.replied_s - q.sent_s) * 1e3) : "", replied ? num(q.service_s * 1e3) : "",
                   q.timed_out ? 1 : 0);
  }
}

// The feature names a saved policy was trained on (its sidecar's).
std::vector<std::string> expected_features(const Scenario& sc, const LoopInputs& in) {
  std::vector<std::string> names = in.episodes.front().front().feature_names;
  if (sc.flag("loop.network_features")) {
    for (const auto& n : agents::network_feature_names()) names.push_back(n);
  }
  return names;
}

}  // namespace

void check_closed_loop(const Scenario& sc) {
  check_network_scenario(sc);
  const auto& policies = sc.texts("eval.policies");
  for (const std::string& p : policies) {
    if (p == "oracle")
      throw sc.error("eval.policies", "the oracle knows the future; a robot in the closed loop cannot");
    if (p == "rl")
      throw sc.error("eval.policies", "'rl' exists only in kind rl-train; give a saved policy as {rl: file.pt}");
  }
  if (policies.empty()) throw sc.error("eval.policies", "no policy to run");
  // decisions.csv has a row per policy, robot and frame (docs/limits.md).
  if (const int frames = frames_needed(sc); frames > kMaxFramesPerRobot) {
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
    read_for_field(sc, "cloud.service_times", [&](const std::string&) { service_times(sc); });
  }
  if (!sc.text("loop.query_video").empty()) {
    read_for_field(sc, "loop.query_video", [](const std::string& f) { nm::encode_video_frames(f, 0, 0, 50, 1); });
  }
  const LoopInputs in = load_inputs(sc, false);
  check_saved_policies(sc, expected_features(sc, in),
                       sc.flag("loop.network_features") ? "" : "; loop.network_features is off");
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
  spec_.service_times_s = service_times(sc);
  x.settings = policy_settings(sc);
  for (int r = 0; r < spec_.network.robots; ++r) x.made.push_back(make_policies(x.settings, x.in.calibration));
  x.agent = agent_settings(sc, x.in.mean_query_bytes);
  x.seed = sc.seed();
  description_ =
      fmt::format("queries: {}, mean {:.0f} bytes; cloud: {} worker(s), {}", x.in.query_what, x.in.mean_query_bytes,
                  sc.integer("cloud.workers"),
                  sc.text("cloud.service_times").empty() ? fmt::format("{} ms per query", sc.number("cloud.service_ms"))
                                                         : "service times from " + sc.text("cloud.service_times"));
  if (!x.src.camera_what.empty()) description_ = "camera: " + x.src.camera_what + "\n" + description_;
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

ClosedLoopResult ClosedLoopExperiment::run(std::size_t p) {
  Inputs& x = *inputs_;
  const std::vector<std::uint32_t>& sizes = x.in.query_sizes;
  const auto query_bytes = [&sizes](int frame) { return sizes[static_cast<std::size_t>(frame) % sizes.size()]; };
  std::vector<std::unique_ptr<agents::RobotAgent>> agents_;
  std::vector<LoopRobot> loop_robots;
  for (int r = 0; r < spec_.network.robots; ++r) {
    const std::vector<agents::Trace>& eps = x.in.episodes[static_cast<std::size_t>(r)];
    agents_.push_back(std::make_unique<agents::RobotAgent>(
        r, *x.made[static_cast<std::size_t>(r)].policies.at(p).policy, eps, query_bytes, x.agent,
        base::derive_seed(x.seed, base::streams::kLoopPolicies, p)));
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

void run_closed_loop_kind(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  ClosedLoopExperiment experiment(sc, opt.progress);
  fmt::print(out, "{}\n", experiment.description());
  ClosedLoopSpec& spec = experiment.spec();
  if (sc.flag("network.pcap")) spec.network.wifi.pcap_prefix = (opt.out_dir / "pcap").string();
  spec.network.stop_requested = interrupt_requested;
  const int robots = spec.network.robots;

  std::string decisions = kDecisionsHeader;
  std::string queries = "policy,robot,kind,id,frame,bytes,sent_s,replied_s,latency_ms,service_ms,timed_out\n";
  std::string summary = kSummaryHeader;
  Tables tables;
  std::vector<SummaryLine> overall;
  for (std::size_t p = 0; p < experiment.policies(); ++p) {
    const std::string name = experiment.policy_name(p);
    std::unique_ptr<Progress> bar;
    if (opt.progress) {
      bar = std::make_unique<Progress>(name + " (simulated s)",
                                       static_cast<std::size_t>(std::ceil(spec.network.duration_s)));
      spec.network.on_second = [&bar](double) { bar->advance(); };
    } else {
      spec.network.on_second = nullptr;
    }
    const ClosedLoopResult r = experiment.run(p);
    check_interrupt();  // Ctrl-C ended the simulation early: nothing of it is written
    if (bar) bar->finish();
    for (const std::string& e : r.errors) fmt::print(out, "warning: {}: {}\n", name, e);
    append_decisions(decisions, name, r);
    append_queries(queries, name, r);
    const std::vector<Row> streams = add_run(tables, name, r.network, sc.number("run.warmup_s"));
    for (int robot = 0; robot < robots; ++robot)
      summary += summary_csv_line(summarise(name, robot, r, experiment.fps(), streams));
    overall.push_back(summarise(name, -1, r, experiment.fps(), streams));
    summary += summary_csv_line(overall.back());
  }

  for (const auto& [file, text] : {std::pair<const char*, const std::string*>{"decisions.csv", &decisions},
                                   {"queries.csv", &queries},
                                   {"summary.csv", &summary}}) {
    write_file_atomically(opt.out_dir / file, *text);
    rec.outputs.push_back(file);
  }
  for (const auto& [file, text] : {std::pair<const char*, const std::string*>{"rates.csv", &tables.rates},
                                   {"messages.csv", &tables.messages},
                                   {"background.csv", &tables.background}}) {
    write_file_atomically(opt.out_dir / file, *text);
    rec.outputs.push_back(file);
  }
  if (sc.flag("network.flow_monitor")) {
    write_file_atomically(opt.out_dir / "flows.csv", tables.flows);
    rec.outputs.push_back("flows.csv");
  }

  fmt::print(out, "\n{:<22} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>9} {:>7} {:>7} {:>10}\n", "policy (all robots)",
             "reward/f", "fixed/f", "accuracy", "query/s", "on time", "lat p50", "lat p95", "price", "tokens",
             "sensor");
  const auto shown = [](double x, const char* format) {
    return std::isnan(x) ? std::string("-") : fmt::format(fmt::runtime(format), x);
  };
  for (const SummaryLine& s : overall) {
    fmt::print(out, "{:<22} {:>9.3f} {:>9.3f} {:>8.3f} {:>8.2f} {:>8} {:>9} {:>9} {:>7} {:>7.1f} {:>10}\n", s.policy,
               s.reward_per_frame, s.reward_fixed_per_frame, s.accuracy, s.queries_per_s,
               shown(100 * s.on_time_share, "{:.1f}%"), shown(s.latency_p50, "{:.1f} ms"),
               shown(s.latency_p95, "{:.1f} ms"), shown(s.price_mean, "{:.2f}"), s.tokens_granted_mean,
               fmt::format("{:.1f} Mbps", s.sensor_goodput_mbps));
  }
  fmt::print(out,
             "reward/f: mean reward per frame with the measured price; fixed/f: with the paper's constant costs; "
             "on time: queries answered by the frame's deadline ({:.0f} ms); tokens: mean grant per episode\n",
             deadline_s(sc) * 1e3);
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_closed_loop.py", opt.out_dir);
    for (const char* f : {"fig_closed_loop_policies", "fig_closed_loop_timeline"}) {
      rec.outputs.push_back(std::string(f) + ".png");
      rec.outputs.push_back(std::string(f) + ".pdf");
    }
  }
}

}  // namespace offloadsim::sim
