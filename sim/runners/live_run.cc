#include "sim/runners/live_run.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <yaml-cpp/yaml.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "agents/loop/robot_agent.h"
#include "agents/mdp/observation_features.h"
#include "agents/perception/video_perception.h"
#include "base/csv_table.h"
#include "base/input_error.h"
#include "base/random_streams.h"
#include "base/seed.h"
#include "base/stats.h"
#include "sim/io/atomic_file.h"
#include "sim/io/child_process.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/io/run_journal.h"
#include "sim/live/cloud_models.h"
#include "sim/live/cloud_server.h"
#include "sim/live/live_robot.h"
#include "sim/loop/loop_tables.h"
#include "sim/runners/closed_loop_run.h"
#include "sim/runners/emulation.h"
#include "sim/runners/figures.h"
#include "sim/runners/policy_factory.h"
#include "sim/runners/video_traces.h"
#include "sim/scenario/schema.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

using Clock = std::chrono::steady_clock;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- inputs: what kind live prepares once for its processes ----

// Video mode: the perception pass's products the robots need beside their traces.
struct VideoInputs {
  std::string video;
  int frame_step = 1;
  int jpeg_quality = 90;
  agents::RobotCalibration calibration;
  double mean_jpeg_bytes = 0;
  std::map<std::string, std::vector<int>> trace_frames;  // trace id → the video frame of each step
};

VideoInputs read_video_inputs(const Scenario& sc) {
  const std::string dir = sc.text("live.inputs");
  if (dir.empty() || !fs::is_directory(dir)) {
    throw sc.error("live.inputs",
                   dir.empty() ? std::string("a robot in video mode needs the inputs kind live prepares: run the "
                                             "scenario once with `offloadsim run`, then give <out>/inputs here")
                               : fmt::format("'{}' is not a directory", dir));
  }
  VideoInputs v;
  const base::CsvTable cal = base::CsvTable::read((fs::path(dir) / "calibration.csv").string());
  if (cal.rows() != 1) throw base::InputError(cal.path(), 0, "", "expected one row");
  v.video = cal.cell(0, cal.column("video"));
  v.frame_step = cal.integer(0, cal.column("frame_step"));
  v.jpeg_quality = cal.integer(0, cal.column("jpeg_quality"));
  v.calibration.slope = cal.number(0, cal.column("slope"));
  v.calibration.intercept = cal.number(0, cal.column("intercept"));
  v.mean_jpeg_bytes = cal.number(0, cal.column("mean_jpeg_bytes"));
  if (v.frame_step < 1 || !(v.mean_jpeg_bytes > 0)) throw base::InputError(cal.path(), 2, "", "implausible values");
  const base::CsvTable fr = base::CsvTable::read((fs::path(dir) / "frames.csv").string());
  const std::size_t c_trace = fr.column("trace"), c_step = fr.column("step"), c_frame = fr.column("frame");
  for (std::size_t r = 0; r < fr.rows(); ++r) {
    const std::string& id = fr.cell(r, c_trace);
    if (id.empty()) continue;
    std::vector<int>& frames = v.trace_frames[id];
    const int step = fr.integer(r, c_step);
    if (step != static_cast<int>(frames.size()))
      throw base::InputError(fr.path(), fr.line_of(r), "step", "steps of a trace must be consecutive");
    frames.push_back(fr.integer(r, c_frame));
  }
  return v;
}

// Writes <dir>/scenario.yaml: the live scenario the processes load. In video mode it first runs the
// perception pass over the video (both models on every processed frame: the truth is the cloud
// model's count on the raw frame) and points the scenario's stream at its traces.
std::string prepare_inputs(const Scenario& sc, const fs::path& dir, bool progress, std::ostream& out) {
  fs::create_directories(dir);
  std::vector<std::string> overrides;
  if (sc.text("live.source") == "video") {
    const VideoTraceSet set = build_video_traces(sc, "opencv", progress);
    RunRecord ignored;
    write_video_traces(set, dir, out, ignored);
    // The mean JPEG size of the processed frames: the reference size of price and tokens.
    cv::VideoCapture cap(sc.texts("video.files").front(), cv::CAP_FFMPEG);
    const int q = static_cast<int>(sc.integer("camera.jpeg_quality"));
    double bytes = 0;
    int n = 0;
    cv::Mat frame;
    std::vector<std::uint8_t> jpeg;
    for (int i = 0; cap.read(frame); ++i) {
      if (i % sc.integer("video.frame_step") != 0) continue;
      cv::imencode(".jpg", frame, jpeg, {cv::IMWRITE_JPEG_QUALITY, q});
      bytes += static_cast<double>(jpeg.size());
      ++n;
      check_interrupt();
    }
    write_file_atomically(
        dir / "calibration.csv",
        fmt::format("video,frame_step,jpeg_quality,slope,intercept,mean_jpeg_bytes\n{},{},{},{},{},{:.1f}\n",
                    sc.texts("video.files").front(), sc.integer("video.frame_step"), q, set.calibration.slope,
                    set.calibration.intercept, bytes / std::max(n, 1)));
    const fs::path abs = fs::absolute(dir);
    overrides = {"stream.source=traces", "stream.test_traces=" + (abs / "test_traces.csv").string(),
                 "stream.train_traces=" + (abs / "train_traces.csv").string(), "live.inputs=" + abs.string()};
  }
  // The processes load exactly this file: every field resolved, nothing left to defaults that
  // could differ between them.
  const fs::path file = dir / "scenario.yaml";
  write_file_atomically(file, sc.to_yaml());
  const Scenario derived = load_scenario(file.string(), overrides);
  write_file_atomically(file, derived.to_yaml());
  return fs::absolute(file).string();
}

// ---- frame sources ----

// Stream mode: the trace's robot side; the payload is loop.query_bytes of zeros.
class TraceFrameSource final : public live::FrameSource {
 public:
  TraceFrameSource(const agents::RobotAgent& agent, std::uint32_t bytes) : agent_(agent), bytes_(bytes) {}
  live::LiveFrame next(int frame) override {
    const agents::Frame& f = agent_.frame(frame);
    live::LiveFrame lf;
    lf.robot_prediction = f.robot_prediction;
    lf.robot_confidence = f.robot_confidence;
    lf.features = f.features;
    lf.kind = live::PayloadKind::kEmbedding;
    lf.payload_bytes = bytes_;
    return lf;
  }

 private:
  const agents::RobotAgent& agent_;
  std::uint32_t bytes_;
};

// Video mode: decodes the video as a camera would deliver it, runs the on-board model on the frame,
// computes the frame difference to the previous processed frame, and JPEG-encodes it.
class VideoFrameSource final : public live::FrameSource {
 public:
  VideoFrameSource(const VideoInputs& in, std::vector<int> video_frames, agents::HogCounterOptions robot,
                   std::vector<double> edges)
      : in_(in),
        video_frames_(std::move(video_frames)),
        counter_(robot),
        edges_(std::move(edges)),
        cap_(in.video, cv::CAP_FFMPEG) {
    if (!cap_.isOpened()) throw base::InputError(in.video, 0, "", "cannot open the video");
  }
  live::LiveFrame next(int frame) override {
    const int want = video_frames_.at(static_cast<std::size_t>(frame));
    cv::Mat previous;
    if (want >= in_.frame_step) previous = want - in_.frame_step == last_index_ ? last_ : read(want - in_.frame_step);
    const cv::Mat current = read(want);
    if (previous.empty()) previous = current;
    live::LiveFrame lf;
    const auto start = Clock::now();
    agents::FrameRecord rec;
    rec.frame = want;
    rec.robot_count = counter_.count(current);
    rec.frame_diff = agents::frame_difference(previous, current);
    const agents::Frame f = agents::to_mdp_frames({rec}, in_.calibration, edges_).front();
    lf.inference_s = std::chrono::duration<double>(Clock::now() - start).count();
    lf.robot_prediction = f.robot_prediction;
    lf.robot_confidence = f.robot_confidence;
    lf.features = f.features;
    lf.kind = live::PayloadKind::kJpeg;
    cv::imencode(".jpg", current, lf.payload, {cv::IMWRITE_JPEG_QUALITY, in_.jpeg_quality});
    lf.payload_bytes = static_cast<std::uint32_t>(lf.payload.size());
    last_index_ = want;
    last_ = current;
    return lf;
  }

 private:
  // Frame `index` of the video: read on from the last one when it is ahead, else by seeking.
  cv::Mat read(int index) {
    if (index < position_ || index - position_ > 4 * in_.frame_step) {
      cap_.set(cv::CAP_PROP_POS_FRAMES, index);
      position_ = index;
    }
    cv::Mat m;
    while (position_ <= index) {
      if (!cap_.read(m)) throw base::InputError(in_.video, 0, "", fmt::format("cannot decode frame {}", position_));
      ++position_;
    }
    return m.clone();
  }

  const VideoInputs& in_;
  std::vector<int> video_frames_;
  agents::PeopleCounter counter_;
  std::vector<double> edges_;
  cv::VideoCapture cap_;
  int position_ = 0, last_index_ = -1;
  cv::Mat last_;
};

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
  const auto [host, port] = parse_endpoint(o.cloud);
  const int r = o.index - 1;
  LoopStreams streams = loop_streams(sc);
  const MadePolicies made = make_policies(loop_policy_settings(sc), streams.calibration);
  std::size_t p = 0;
  if (!o.policy.empty()) {
    std::string names;
    for (p = 0; p < made.policies.size() && made.policies[p].policy->name() != o.policy; ++p) {
      names += (names.empty() ? "" : ", ") + made.policies[p].policy->name();
    }
    if (p == made.policies.size()) {
      throw base::InputError("--policy", 0, "",
                             fmt::format("'{}' is not one of the scenario's policies: {}", o.policy, names));
    }
  }
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

  live::LiveRobotSettings ls;
  ls.robot = r;
  ls.host = host;
  ls.port = port;
  // The frames kind closed-loop scores: cameras offset by r / R of a period, every deadline in the run.
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
  if (video) {
    ls.labels = {0, static_cast<int>(sc.numbers("video.crowd_edges").size())};
  } else {
    ls.labels = live::trace_labels(episodes);
  }
  ls.backoff_max_s = sc.number("live.backoff_max_s");

  std::unique_ptr<live::FrameSource> source;
  if (video) {
    std::vector<int> video_frames;
    for (const agents::Trace& t : episodes) {
      const auto it = vin->trace_frames.find(t.id);
      if (it == vin->trace_frames.end() || static_cast<int>(it->second.size()) != t.horizon()) {
        throw base::InputError(sc.text("live.inputs") + "/frames.csv", 0, "trace",
                               fmt::format("no frames for trace '{}'", t.id));
      }
      video_frames.insert(video_frames.end(), it->second.begin(), it->second.end());
    }
    sizes->assign(video_frames.size(), 0);
    struct Sized final : live::FrameSource {
      Sized(std::unique_ptr<live::FrameSource> s, std::shared_ptr<std::vector<std::uint32_t>> z)
          : inner(std::move(s)), sizes(std::move(z)) {}
      live::LiveFrame next(int f) override {
        live::LiveFrame lf = inner->next(f);
        (*sizes)[static_cast<std::size_t>(f)] = lf.payload_bytes;  // read by the agent only after this returns
        return lf;
      }
      std::unique_ptr<live::FrameSource> inner;
      std::shared_ptr<std::vector<std::uint32_t>> sizes;
    };
    source = std::make_unique<Sized>(
        std::make_unique<VideoFrameSource>(*vin, std::move(video_frames), video_counter_options(sc, "robot"),
                                           sc.numbers("video.crowd_edges")),
        sizes);
  } else {
    source = std::make_unique<TraceFrameSource>(agent, fixed_bytes);
  }

  Clock::time_point epoch = Clock::now();
  if (o.start_at_unix > 0) {
    const double now_unix = unix_now();
    epoch += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.start_at_unix - now_unix));
  }
  fmt::print(out, "robot{} ({}) → cloud {}:{}: {} frames at {} frames/s, deadline {:.0f} ms\n", o.index, policy.name(),
             host, port, ls.frames, ls.fps, ls.deadline_s * 1e3);
  out.flush();
  const std::function<bool()> stop = interrupt_requested;
  const live::LiveRobotResult res = live::run_live_robot(ls, agent, *source, epoch, stop);
  for (const std::string& line : res.log) fmt::print(out, "{}\n", line);

  ClosedLoopResult r_all;
  r_all.frames = res.frames;
  r_all.queries = res.queries;
  std::string decisions = kDecisionsHeader, queries = kQueriesHeader, summary = kSummaryHeader;
  append_decisions(decisions, policy.name(), sc.seed(), r_all);
  append_queries(queries, policy.name(), sc.seed(), r_all);
  summary += summary_csv_line(summarise(policy.name(), sc.seed(), r, r_all, ls.fps, {}));
  const fs::path dir = o.out_dir.empty() ? fs::path(".") : fs::path(o.out_dir);
  fs::create_directories(dir);
  write_file_atomically(dir / "decisions.csv", decisions);
  write_file_atomically(dir / "queries.csv", queries);
  write_file_atomically(dir / "summary.csv", summary);
  const nlohmann::json j = {{"robot", o.index},
                            {"policy", policy.name()},
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
  fmt::print(out, "robot{}: {} frames scored, {} queries, {} connects, {} disconnects, {} bad replies\n", o.index,
             res.frames.size(),
             std::count_if(res.queries.begin(), res.queries.end(), [](const QueryRecord& q) { return !q.probe; }),
             res.connects, res.disconnects, res.bad_replies);
  return interrupt_requested() ? 130 : 0;
}

// ---- kind: live ----

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

struct Compared {
  std::string policy, robot;
  SummaryLine live;
  std::map<std::string, double> sim;  // the sim summary's columns
};

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
  const int robots = static_cast<int>(lsc.integer("robots.count"));
  const double fps = lsc.number("loop.fps");
  const std::string exe = self_executable();

  // ns3: one network namespace per process, joined by the scenario's network in real time.
  std::unique_ptr<Emulation> emulation;
  std::string cloud_host = "127.0.0.1";
  std::vector<std::string> cloud_prefix;
  std::vector<std::vector<std::string>> robot_prefix(static_cast<std::size_t>(robots));
  if (lsc.text("live.network") == "ns3") {
    emulation = std::make_unique<Emulation>(lsc, scenario, live_dir, out);
    cloud_host = emulation->cloud_address();
    cloud_prefix = emulation->cloud_command_prefix();
    for (int r = 0; r < robots; ++r) robot_prefix[static_cast<std::size_t>(r)] = emulation->robot_command_prefix(r);
  }
  const auto with_prefix = [](std::vector<std::string> prefix, const std::vector<std::string>& args) {
    prefix.insert(prefix.end(), args.begin(), args.end());
    return prefix;
  };

  const fs::path port_file = live_dir / "cloud.port";
  ChildProcess cloud = ChildProcess::start(
      with_prefix(cloud_prefix, {exe, "cloud", scenario, "--address", emulation ? "0.0.0.0" : cloud_host, "--port-file",
                                 port_file.string(), "--stats", (live_dir / "cloud.json").string()}),
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
  fmt::print(out, "cloud: pid {}, {}:{} ({})\n", cloud.pid(), cloud_host, port,
             emulation ? "across the emulated network" : "loopback");
  out.flush();

  std::string decisions = kDecisionsHeader, queries = kQueriesHeader, summary = kSummaryHeader;
  std::vector<SummaryLine> lines;
  std::vector<double> service_ms, inference_ms;
  for (std::size_t p = 0; p < made.policies.size(); ++p) {
    const std::string name = made.policies[p].policy->name();
    const fs::path pdir = live_dir / name;
    fs::create_directories(pdir);
    const double start_at = unix_now() + 1.0;  // time for every robot to start and connect
    std::vector<ChildProcess> children;
    for (int r = 1; r <= robots; ++r) {
      children.push_back(ChildProcess::start(
          with_prefix(robot_prefix[static_cast<std::size_t>(r - 1)],
                      {exe, "robot", scenario, "--index", std::to_string(r), "--policy", name, "--cloud",
                       fmt::format("{}:{}", cloud_host, port), "--out", (pdir / fmt::format("robot{}", r)).string(),
                       "--start-at", fmt::format("{:.6f}", start_at)}),
          (pdir / fmt::format("robot{}.log", r)).string()));
    }
    std::unique_ptr<Progress> bar;
    const double run_s = lsc.number("run.duration_s") + 1.0;
    if (opt.progress) bar = std::make_unique<Progress>(name + " (live s)", static_cast<std::size_t>(std::ceil(run_s)));
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
      if (emulation) emulation->check_lag();  // throws when the simulator fell too far behind
      if (bar) {
        const auto elapsed = static_cast<std::size_t>(std::chrono::duration<double>(Clock::now() - t0).count());
        for (; shown < std::min(elapsed, static_cast<std::size_t>(std::ceil(run_s))); ++shown) bar->advance();
      }
      if (!all_done) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (bar) bar->finish();
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
        std::string& table = std::string(f) == "decisions.csv" ? decisions : queries;
        while (std::getline(in, line)) table += line + "\n";
      }
      for (const QueryRecord& q : one.queries) {
        if (!q.probe && q.replied_s >= 0) service_ms.push_back(q.service_s * 1e3);
      }
      std::ifstream j(rdir / "robot.json");
      const nlohmann::json rj = nlohmann::json::parse(j, nullptr, false);
      if (rj.is_object() && rj.contains("inference_median_ms")) inference_ms.push_back(rj["inference_median_ms"]);
    }
    for (int r = 0; r < robots; ++r) {
      lines.push_back(summarise(name, sc.seed(), r, merged, fps, {}));
      summary += summary_csv_line(lines.back());
    }
    lines.push_back(summarise(name, sc.seed(), -1, merged, fps, {}));
    summary += summary_csv_line(lines.back());
  }
  stop_children({&cloud}, 10);
  if (emulation) {
    emulation->check_lag();  // it fell behind after the last robot ended: the run still failed
    emulation->stop();
    RunJournal::note(dir / "emulation_lag.csv");
    fs::copy_file(emulation->lag_file(), dir / "emulation_lag.csv", fs::copy_options::overwrite_existing);
    rec.outputs.push_back("emulation_lag.csv");
    fmt::print(out, "{}\n", emulation->lag_summary());
  }
  rec.outputs.push_back("live");
  for (const auto& [file, text] : {std::pair<const char*, const std::string*>{"decisions.csv", &decisions},
                                   {"queries.csv", &queries},
                                   {"summary.csv", &summary}}) {
    write_file_atomically(dir / file, *text);
    rec.outputs.push_back(file);
  }

  fmt::print(out, "\nlive: {:<20} {:>7} {:>9} {:>8} {:>8} {:>9} {:>9}\n", "policy", "robot", "reward/f", "query/s",
             "on time", "lat p50", "lat p95");
  for (const SummaryLine& s : lines) {
    fmt::print(out, "      {:<20} {:>7} {:>9.3f} {:>8.2f} {:>8} {:>9} {:>9}\n", s.policy, s.robot, s.reward_per_frame,
               s.queries_per_s, std::isnan(s.on_time_share) ? "-" : fmt::format("{:.1f}%", 100 * s.on_time_share),
               std::isnan(s.latency_p50) ? "-" : fmt::format("{:.1f} ms", s.latency_p50),
               std::isnan(s.latency_p95) ? "-" : fmt::format("{:.1f} ms", s.latency_p95));
  }

  if (!lsc.flag("live.compare")) return;
  if (service_ms.empty()) service_ms.push_back(lsc.number("cloud.service_ms"));
  std::string times = "cloud_ms\n";
  for (double ms : service_ms) times += fmt::format("{:.3f}\n", ms);
  write_file_atomically(dir / "inputs" / "live_service_times.csv", times);
  const double inference = inference_ms.empty() ? 0 : base::median(inference_ms);
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
  write_file_atomically(dir / "comparison.csv", cmp);
  rec.outputs.push_back("comparison.csv");
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_live.py", dir);
    rec.outputs.insert(rec.outputs.end(), {"fig_live_vs_sim.png", "fig_live_vs_sim.pdf"});
  }
  rec.notes["live_inference_median_ms"] = inference;
  rec.notes["live_service_median_ms"] = base::median(service_ms);
}

}  // namespace offloadsim::sim
