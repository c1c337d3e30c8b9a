#include "sim/cli/live_processes.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <utility>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "agents/loop/robot_agent.h"
#include "base/input_error.h"
#include "base/random_streams.h"
#include "base/seed.h"
#include "sim/cli/live_frame_sources.h"
#include "sim/io/atomic_file.h"
#include "sim/io/child_process.h"
#include "sim/io/interrupt.h"
#include "sim/live/cloud_models.h"
#include "sim/live/cloud_server.h"
#include "sim/live/live_robot.h"
#include "sim/loop/loop_tables.h"
#include "sim/runners/live_inputs.h"
#include "sim/runners/loop_inputs.h"
#include "sim/runners/policy_factory.h"
#include "sim/runners/video_traces.h"
#include "sim/scenario/schema.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

using Clock = std::chrono::steady_clock;

std::pair<std::string, std::uint16_t> parse_endpoint(const std::string& s) {
  const auto colon = s.rfind(':');
  const auto bad = [&]() {
    return base::InputError("--cloud", 0, "", fmt::format("'{}' is not HOST:PORT (e.g. 127.0.0.1:7070)", s));
  };
  if (colon == std::string::npos || colon == 0) throw bad();
  const std::string port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) throw bad();
  const int p = std::stoi(port);
  if (p < 1 || p > 65535) throw bad();
  return {s.substr(0, colon), static_cast<std::uint16_t>(p)};
}

Scenario load_live_scenario(const std::string& file, const std::vector<std::string>& overrides) {
  Scenario sc = load_scenario(file, overrides);
  if (sc.kind() != "live")
    throw sc.error("kind", fmt::format("'{}': offloadsim cloud and robot run kind live", sc.kind()));
  return sc;
}

std::unique_ptr<live::CloudModel> make_cloud_model(const Scenario& sc, const std::string& which) {
  if (which == "constant") return std::make_unique<live::ConstantCloudModel>();
  if (!which.empty()) throw base::InputError("--model", 0, "", fmt::format("'{}' is not a model (constant)", which));
  if (sc.text("live.source") == "video") {
    return std::make_unique<live::OpenCvCloudModel>(video_counter_options(sc, "cloud"),
                                                    sc.numbers("video.crowd_edges"));
  }
  LoopStreams streams = loop_streams(sc);
  std::vector<std::vector<agents::Frame>> frames;
  for (const auto& episodes : streams.episodes) {
    std::vector<agents::Frame> s;
    for (const auto& t : episodes) s.insert(s.end(), t.frames.begin(), t.frames.end());
    frames.push_back(std::move(s));
  }
  return std::make_unique<live::TraceCloudModel>(std::move(frames));
}

// The index of the policy a robot plays: the one named (refused, with the names, if the scenario
// has no such policy), or the scenario's first.
std::size_t chosen_policy(const MadePolicies& made, const std::string& name) {
  if (name.empty()) return 0;
  std::string names;
  std::size_t p = 0;
  for (; p < made.policies.size() && made.policies[p].policy->name() != name; ++p) {
    names += (names.empty() ? "" : ", ") + made.policies[p].policy->name();
  }
  if (p == made.policies.size()) {
    throw base::InputError("--policy", 0, "",
                           fmt::format("'{}' is not one of the scenario's policies: {}", name, names));
  }
  return p;
}

// The session of robot r: the frames kind closed-loop scores (cameras offset by r / R of a
// period, every deadline in the run), time-outs, probes and the cloud's classes.
live::LiveRobotSettings session_settings(const Scenario& sc, int r, const std::pair<std::string, std::uint16_t>& cloud,
                                         const agents::RobotAgent& agent, const std::vector<agents::Trace>& episodes) {
  const int robots = static_cast<int>(sc.integer("robots.count"));
  live::LiveRobotSettings ls;
  ls.robot = r;
  ls.host = cloud.first;
  ls.port = cloud.second;
  ls.fps = sc.number("loop.fps");
  ls.deadline_s = loop_deadline_s(sc);
  ls.start_s = sc.number("loop.start_s") + static_cast<double>(r) / robots / ls.fps;
  const int fit =
      static_cast<int>(std::floor((sc.number("run.duration_s") - 1e-9 - ls.deadline_s - ls.start_s) * ls.fps)) + 1;
  ls.frames = std::clamp(fit, 0, agent.frames());
  ls.timeout_s = sc.number("loop.timeout_ms") / 1e3;
  ls.probe_bytes = static_cast<std::uint32_t>(sc.integer("loop.probe_bytes"));
  ls.max_message_bytes = 1u << 16;  // replies are 40 bytes
  // The cloud's classes: the crowd levels the video's counter buckets into, or every label the
  // robot's stream holds (the trace model answers from it).
  if (sc.text("live.source") == "video") {
    ls.labels = {0, static_cast<int>(sc.numbers("video.crowd_edges").size())};
  } else {
    ls.labels = live::trace_labels(episodes);
  }
  ls.backoff_max_s = sc.number("live.backoff_max_s");
  return ls;
}

// The video frame of every step of the robot's episodes, in order.
std::vector<int> episode_video_frames(const Scenario& sc, const VideoInputs& vin,
                                      const std::vector<agents::Trace>& episodes) {
  std::vector<int> video_frames;
  for (const agents::Trace& t : episodes) {
    const auto it = vin.trace_frames.find(t.id);
    if (it == vin.trace_frames.end() || static_cast<int>(it->second.size()) != t.horizon()) {
      throw base::InputError(sc.text("live.inputs") + "/frames.csv", 0, "trace",
                             fmt::format("no frames for trace '{}'", t.id));
    }
    video_frames.insert(video_frames.end(), it->second.begin(), it->second.end());
  }
  return video_frames;
}

// decisions.csv, queries.csv and summary.csv in kind closed-loop's columns, and robot.json.
void write_robot_outputs(const RobotProcessOptions& o, const Scenario& sc, int r, const std::string& policy, double fps,
                         const live::LiveRobotResult& res, const agents::RobotAgent& agent) {
  ClosedLoopResult r_all;
  r_all.frames = res.frames;
  r_all.queries = res.queries;
  std::string decisions = kDecisionsHeader, queries = kQueriesHeader, summary = kSummaryHeader;
  append_decisions(decisions, policy, sc.seed(), r_all);
  append_queries(queries, policy, sc.seed(), r_all);
  summary += summary_csv_line(summarise(policy, sc.seed(), r, r_all, fps, {}));
  const fs::path dir = o.out_dir.empty() ? fs::path(".") : fs::path(o.out_dir);
  fs::create_directories(dir);
  write_file_atomically(dir / "decisions.csv", decisions);
  write_file_atomically(dir / "queries.csv", queries);
  write_file_atomically(dir / "summary.csv", summary);
  const nlohmann::json j = {{"robot", o.index},
                            {"policy", policy},
                            {"frames", res.frames.size()},
                            {"connects", res.connects},
                            {"disconnects", res.disconnects},
                            {"bad_replies", res.bad_replies},
                            {"late_decisions", res.late_decisions},
                            {"robot_result_mismatches", res.robot_mismatches},
                            {"inference_median_ms", res.inference_median_s * 1e3},
                            {"unmatched_replies", agent.unmatched_replies()},
                            {"replies_after_timeout", agent.replies_after_timeout()},
                            {"log", res.log}};
  write_file_atomically(dir / "robot.json", j.dump(2) + "\n");
}

}  // namespace

// ---- offloadsim cloud ----

int cloud_main(const CloudProcessOptions& o, std::ostream& out) {
  stop_with_parent();
  const Scenario sc = load_live_scenario(o.scenario, o.overrides);
  const std::unique_ptr<live::CloudModel> model = make_cloud_model(sc, o.model);
  live::CloudServerSettings s;
  s.address = o.address;
  s.port = o.port;
  s.workers = static_cast<int>(sc.integer("cloud.workers"));
  s.max_connections = static_cast<int>(sc.integer("live.max_connections"));
  s.max_message_bytes = static_cast<std::uint32_t>(sc.integer("live.max_message_kb") * 1024);
  s.read_timeout_s = sc.number("live.read_timeout_s");
  boost::asio::io_context io;
  const auto log = [&out](const std::string& line) {
    fmt::print(out, "[{:.3f}] {}\n", unix_now(), line);
    out.flush();
  };
  live::CloudServer server(io, s, *model, log);
  log(
      fmt::format("cloud listening on {}:{} — model {}, {} worker(s), at most {} connections, messages ≤ {} KiB, "
                  "read time-out {} s",
                  s.address, server.port(), model->describe(), s.workers, s.max_connections,
                  sc.integer("live.max_message_kb"), s.read_timeout_s));
  if (!o.port_file.empty()) write_file_atomically(o.port_file, std::to_string(server.port()) + "\n");
  const auto start = Clock::now();
  boost::asio::steady_timer poll(io);
  std::function<void()> watch = [&]() {
    poll.expires_after(std::chrono::milliseconds(50));
    poll.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      const bool over = o.duration_s > 0 && std::chrono::duration<double>(Clock::now() - start).count() >= o.duration_s;
      if (interrupt_requested() || over) {
        server.stop();
        io.stop();
        return;
      }
      watch();
    });
  };
  watch();
  io.run();
  const live::CloudServerStats& st = server.stats();
  log(
      fmt::format("cloud stopped: {} requests and {} probes served; {} connections accepted, {} refused (cap), {} "
                  "evicted (idlest, for a new one), {} closed for malformed messages, {} for time-outs",
                  st.requests.load(), st.probes.load(), st.accepted.load(), st.refused.load(), st.evicted.load(),
                  st.malformed.load(), st.timed_out.load()));
  if (!o.stats_file.empty()) {
    nlohmann::json j = {{"requests", st.requests.load()},   {"probes", st.probes.load()},
                        {"accepted", st.accepted.load()},   {"refused", st.refused.load()},
                        {"evicted", st.evicted.load()},     {"malformed", st.malformed.load()},
                        {"timed_out", st.timed_out.load()}, {"model", model->describe()}};
    write_file_atomically(o.stats_file, j.dump(2) + "\n");
  }
  return interrupt_requested() ? 130 : 0;  // stopped by a signal, as every other subcommand says
}

// ---- offloadsim robot ----

int robot_main(const RobotProcessOptions& o, std::ostream& out) {
  stop_with_parent();
  const Scenario sc = load_live_scenario(o.scenario, o.overrides);
  const int robots = static_cast<int>(sc.integer("robots.count"));
  if (o.index < 1 || o.index > robots) {
    throw base::InputError("--index", 0, "",
                           fmt::format("robot {} does not exist (robots.count is {})", o.index, robots));
  }
  const auto cloud = parse_endpoint(o.cloud);
  const int r = o.index - 1;
  LoopStreams streams = loop_streams(sc);
  const MadePolicies made = make_policies(loop_policy_settings(sc), streams.calibration);
  const std::size_t p = chosen_policy(made, o.policy);
  agents::Policy& policy = *made.policies[p].policy;

  const bool video = sc.text("live.source") == "video";
  std::unique_ptr<VideoInputs> vin;
  if (video) vin = std::make_unique<VideoInputs>(read_video_inputs(sc));
  const double mean_bytes = video ? vin->mean_jpeg_bytes : static_cast<double>(sc.integer("loop.query_bytes"));
  agents::RobotAgentSettings as = loop_agent_settings(sc, mean_bytes);
  as.network_features = made.policies[p].network_features;
  // Video: the on-board model really runs before the decision, so its time has passed already.
  if (video) as.inference_s = 0;
  const std::vector<agents::Trace>& episodes = streams.episodes.at(static_cast<std::size_t>(r));
  auto sizes = std::make_shared<std::vector<std::uint32_t>>();
  const std::uint32_t fixed_bytes = static_cast<std::uint32_t>(sc.integer("loop.query_bytes"));
  std::function<std::uint32_t(int)> query_bytes;
  if (video) {
    query_bytes = [sizes, mean_bytes](int f) {
      const auto i = static_cast<std::size_t>(f);
      return i < sizes->size() && (*sizes)[i] > 0 ? (*sizes)[i] : static_cast<std::uint32_t>(mean_bytes);
    };
  } else {
    query_bytes = [fixed_bytes](int) { return fixed_bytes; };
  }
  agents::RobotAgent agent(r, policy, episodes, query_bytes, as,
                           base::derive_seed(sc.seed(), base::streams::kLoopPolicies, p));
  const live::LiveRobotSettings ls = session_settings(sc, r, cloud, agent, episodes);
  const std::unique_ptr<live::FrameSource> source =
      video ? video_frame_source(*vin, episode_video_frames(sc, *vin, episodes), video_counter_options(sc, "robot"),
                                 sc.numbers("video.crowd_edges"), sizes)
            : trace_frame_source(agent, fixed_bytes);

  Clock::time_point epoch = Clock::now();
  if (o.start_at_unix > 0) {
    const double now_unix = unix_now();
    epoch += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.start_at_unix - now_unix));
  }
  fmt::print(out, "robot{} ({}) → cloud {}:{}: {} frames at {} frames/s, deadline {:.0f} ms\n", o.index, policy.name(),
             cloud.first, cloud.second, ls.frames, ls.fps, ls.deadline_s * 1e3);
  out.flush();
  const std::function<bool()> stop = interrupt_requested;
  const live::LiveRobotResult res = live::run_live_robot(ls, agent, *source, epoch, stop);
  for (const std::string& line : res.log) fmt::print(out, "{}\n", line);
  write_robot_outputs(o, sc, r, policy.name(), ls.fps, res, agent);
  fmt::print(out, "robot{}: {} frames scored, {} queries, {} connects, {} disconnects, {} bad replies\n", o.index,
             res.frames.size(),
             std::count_if(res.queries.begin(), res.queries.end(), [](const QueryRecord& q) { return !q.probe; }),
             res.connects, res.disconnects, res.bad_replies);
  return interrupt_requested() ? 130 : 0;
}

}  // namespace offloadsim::sim
