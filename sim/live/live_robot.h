// offloadsim robot: one robot of live mode, a real process. Frames come at the loop's rate from
// a video (decoded in real time, the on-board model run on each frame) or from a trace; per frame
// the same agent as the simulation's (agents::RobotAgent: policy, estimator, price, tokens) decides;
// its queries go asynchronously over a TCP connection (Boost.Asio) to `offloadsim cloud`, with the
// frame's deadline; replies, time-outs and probes feed the same estimator. When the cloud is slow
// or gone, frames fall back on what the robot holds (the agent's rules); a lost connection is
// re-established with exponential back-off. docs/live.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/loop/robot_agent.h"
#include "sim/live/cloud_reader.h"
#include "sim/live/wire.h"
#include "sim/loop/closed_loop.h"

namespace offloadsim::sim::live {

// One frame as the robot's sensors and on-board model give it, made on the robot's worker thread.
struct LiveFrame {
  int robot_prediction = 0;
  double robot_confidence = 0;
  std::vector<double> features;
  PayloadKind kind = PayloadKind::kOpaque;
  std::vector<std::uint8_t> payload;  // empty with payload_bytes > 0: that many zero bytes
  std::uint32_t payload_bytes = 0;
  double inference_s = 0;  // the on-board model's wall time on this frame
};

// Where frames come from: called in frame order, on one thread.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual LiveFrame next(int frame) = 0;
};

struct LiveRobotSettings {
  int robot = 0;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int frames = 0;        // frames to decide about
  double start_s = 1.0;  // the first frame, after the start of the session
  double fps = 10.0;
  double deadline_s = 0.1;
  double timeout_s = 1.0;
  std::uint32_t probe_bytes = 64;
  std::uint32_t max_message_bytes = 4u << 20;
  LabelRange labels{0, 0};  // the classes the cloud's model answers: a reply's label outside is bad
  double backoff_min_s = 0.1, backoff_max_s = 2.0;
};

struct LiveRobotResult {
  std::vector<agents::ScoredFrame> frames;
  std::vector<QueryRecord> queries;
  int connects = 0, disconnects = 0;
  int bad_replies = 0;            // replies (and probe replies) refused by check_reply: no answer
  int late_decisions = 0;         // frames whose on-board model finished after their deadline
  int robot_mismatches = 0;       // frames whose live on-board result differs from the trace's
  double inference_median_s = 0;  // the on-board model, measured
  std::vector<std::string> log;   // connection events, in order
};

// Every label the robot's streams hold (truths and both models' predictions): the classes a cloud
// answering from these traces can name.
LabelRange trace_labels(const std::vector<agents::Trace>& episodes);

// Runs one robot for settings.frames frames; `epoch` is the session's start on the steady clock
// (every robot of a session shares it, so their frames are aligned). `stop` ends the run early
// (Ctrl-C): the frames scored by then are returned.
LiveRobotResult run_live_robot(const LiveRobotSettings& settings, agents::RobotAgent& agent, FrameSource& source,
                               std::chrono::steady_clock::time_point epoch, const std::function<bool()>& stop);

}  // namespace offloadsim::sim::live
