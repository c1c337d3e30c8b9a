#include <string>
#include <vector>

#include "sim/scenario/schema_parts.h"

// The schema's fields of the closed loop, the congestion traces and surrogate, live mode and output.

namespace offloadsim::sim::schema_parts {

void add_loop_fields(std::vector<FieldSpec>& s) {
  // ---- closed-loop: offload agents inside the ns-3 network (docs/loop.md) ----
  auto loop = [&](std::string path, FieldType type, std::string unit, Value def, double lo, double hi,
                  std::string help) {
    s.push_back(field(std::move(path), type, std::move(unit), std::move(def), lo, hi, std::move(help), kLoop));
  };
  loop("loop.fps", FieldType::kNumber, "frames/s", 10.0, 0.1, 1000, "Frames each robot decides about per second.");
  loop("loop.deadline_ms", FieldType::kNumber, "ms", 0.0, 0, 1e6,
       "A frame's answer must be in hand this long after the frame arrives; 0: one frame period.");
  loop("loop.start_s", FieldType::kNumber, "s", 1.0, 0.5, 1e6,
       "The first frame (after association or attach and the TCP handshake to the cloud).");
  loop("loop.timeout_ms", FieldType::kNumber, "ms", 1000.0, 1, 1e6,
       "A query not answered this long after it was sent is given up (a time-out for the estimator).");
  loop("loop.max_in_flight", FieldType::kInt, "queries", 4LL, 1, 1000,
       "At most this many queries outstanding per robot; a query beyond it runs the robot model instead.");
  loop("loop.query_bytes", FieldType::kInt, "bytes", 512LL, 1, 1e8,
       "A query's payload when loop.query_video is not set: 512 = a 128-float embedding.");
  s.push_back(
      optional_file("loop.query_video",
                    "A video whose frames, JPEG-encoded at camera.width × camera.height and camera.jpeg_quality, "
                    "give each query's payload (frame f of the stream: the video's frame f mod its length).",
                    kLoop));
  loop("loop.budget", FieldType::kNumber, "fraction of T", 0.3, 0, 1,
       "The paper's per-episode budget N/T: the most an episode can grant when bandwidth is plentiful.");
  loop("loop.budget_share", FieldType::kNumber, "", 0.1, 1e-6, 1,
       "Tokens per episode are at most this share of the measured delivery rate × episode length ÷ mean query size.");
  loop("loop.price_gain", FieldType::kNumber, "", 2.0, 0, 1e6,
       "A query's price is mdp.cost.cloud · (1 + gain · κ · bytes ÷ mean bytes), κ = queueing ÷ (base RTT + "
       "queueing) as the robot measures it: the paper's constant cost on an idle path.");
  loop("loop.probe_interval_s", FieldType::kNumber, "s", 0.5, 0.01, 1e6,
       "Every robot sends a probe (loop.probe_bytes, answered without a worker) this often: its small round trip "
       "gives the path's base delay, and a robot that never queries still has an estimate.");
  loop("loop.probe_bytes", FieldType::kInt, "bytes", 64LL, 1, 1e6, "Payload of a probe.");
  loop("loop.reply_bytes", FieldType::kInt, "bytes", 64LL, 17, 1e6, "A reply's size (the label message).");

  loop("loop.estimator_window_s", FieldType::kNumber, "s", 10.0, 0.1, 1e6,
       "Window of the estimator's min-RTT and max-delivery-rate filters (BBR's 10 s).");
  s.push_back(field("loop.network_features", FieldType::kBool, "", false, -kInf, kInf,
                    "Train a policy that sees the network features (smoothed and the last three round trips, "
                    "queueing, delivery rate, time-out rate, price, predicted reply, tokens left; docs/loop.md) "
                    "besides the paper's state. Off: the paper's state. Where saved policies play, each sees the "
                    "features it was trained on (its sidecar's), so both kinds play in one paired run.",
                    {"surrogate-train"}));
  loop("robot.inference_ms", FieldType::kNumber, "ms", kRobotInferenceMs, 0, 1e6,
       "The on-board model's time per frame; its result counts only if ready by the deadline. Default: the "
       "measured median of the OpenCV robot model (docs/loop.md).");
  loop("cloud.workers", FieldType::kInt, "workers", 1LL, 1, 1000, "Queries the cloud serves at once.");
  loop("cloud.service_ms", FieldType::kNumber, "ms", kCloudServiceMs, 0, 1e6,
       "The cloud model's time per query. Default: the measured median of the OpenCV cloud model (docs/loop.md).");
  s.push_back(
      optional_file("cloud.service_times",
                    "A timing CSV with a cloud_ms column: service times are drawn from it (seeded) instead of "
                    "cloud.service_ms. With width and height columns (perception-timing's timing.csv), only the rows "
                    "of the queries' frame size (camera.width × camera.height) are drawn from.",
                    kLoop));
  loop("cloud.server", FieldType::kInt, "server", 1LL, 1, 1000, "The server that hosts the cloud (1: the first).");
  s.push_back(field("run.seeds", FieldType::kInt, "seeds", 5LL, 1, 1000,
                    "Seeds the closed loop runs: seed, seed + 1, …, each a whole replication (robots' streams, "
                    "channel, service times, policies' draws) that every policy plays, so that policies are "
                    "compared paired by seed (comparison.csv). A sweep that replicates by itself sets 1.",
                    {"closed-loop"}));
  s.push_back(field("loop.reference_policy", FieldType::kString, "", std::string(""), -kInf, kInf,
                    "The policy every other is compared with, paired by seed (comparison.csv and the terminal "
                    "table's Δ column): a name as the run prints it (e.g. all-robot, congestion-aware-q50); "
                    "empty: the first of eval.policies.",
                    {"closed-loop"}));

  // ---- congestion traces and the surrogate (docs/congestion.md) ----
  s.push_back(field("loop.query_rates", FieldType::kNumberList, "queries/frame",
                    std::vector<double>{0.1, 0.3, 0.6, 1.0}, 0, 1,
                    "The scripted policy (eval.policies: scripted) runs once per rate: at every frame it asks for the "
                    "cloud with this probability, otherwise runs the robot model, blind to everything (the "
                    "congestion traces' probe of the network; tokens and the in-flight limit still apply).",
                    {"closed-loop", "congestion-traces", "surrogate-check", "live"}));
  s.push_back(field("traces.networks", FieldType::kChoiceList, "", std::vector<std::string>{"wifi", "lte"}, -kInf, kInf,
                    "The grid of the congestion kinds: its networks (network.type of each condition).",
                    {"congestion-traces", "surrogate-check", "surrogate-train"}));
  s.back().choices = {"wifi", "lte", "wired"};
  s.push_back(field("traces.robots", FieldType::kNumberList, "robots", std::vector<double>{1, 4}, 1, 1000,
                    "The grid of the congestion kinds: robots per cell (robots.count of each condition).",
                    {"congestion-traces", "surrogate-check", "surrogate-train"}));
  s.push_back(
      field("traces.background_mbps", FieldType::kNumberList, "Mbps", std::vector<double>{0, 20}, 0, 1e6,
            "The grid of the congestion kinds: background load, one constant-rate (UDP) download of this rate through "
            "the cell, 0 none (overrides background.*).",
            {"congestion-traces", "surrogate-check", "surrogate-train"}));
  s.push_back(
      optional_file("surrogate.traces",
                    "surrogate-check, surrogate-train: the congestion_traces.csv (kind congestion-traces, over the "
                    "same grid, with another seed) whose answered queries and probes fit each condition's cell.",
                    {"surrogate-check", "surrogate-train"}));
  // ---- live: the agent as real processes over sockets (docs/live.md) ----
  s.push_back(choice("live.source", {"video", "stream"}, "video",
                     "video: robots read video.files[0] in real time, run the OpenCV robot model on each frame and "
                     "send it as a JPEG (camera.jpeg_quality) to the OpenCV cloud model; stream: robots play "
                     "stream.* traces, send loop.query_bytes, and the cloud answers from the same traces.",
                     kLive));
  s.push_back(choice("live.network", {"loopback", "ns3"}, "loopback",
                     "loopback: robots and cloud talk over 127.0.0.1; ns3: each process in its own network namespace, "
                     "joined to the scenario's ns-3 network (network.*) run in real time.",
                     kLive));
  s.push_back(field("live.max_connections", FieldType::kInt, "connections", 64LL, 1, 100000,
                    "The cloud accepts at most this many connections; the ones beyond are closed at once.", kLive));
  s.push_back(field("live.max_message_kb", FieldType::kInt, "KiB", 4096LL, 1, 1048576,
                    "The largest request the cloud reads (checked before allocating); larger closes the connection.",
                    kLive));
  s.push_back(field("live.read_timeout_s", FieldType::kNumber, "s", 10.0, 0.01, 1e6,
                    "The cloud closes a connection idle this long, or this slow to finish a message.", kLive));
  s.push_back(field("live.backoff_max_s", FieldType::kNumber, "s", 2.0, 0.01, 3600,
                    "A robot reconnects after 0.1 s, doubling up to this, while the cloud is unreachable.", kLive));
  s.push_back(field("live.compare", FieldType::kBool, "", true, -kInf, kInf,
                    "Also run the same scenario in pure simulation (kind closed-loop, with the service and inference "
                    "times the live run measured) and write comparison.csv.",
                    kLive));
  s.push_back(field("live.max_lag_ms", FieldType::kNumber, "ms", 50.0, 0.1, 1e6,
                    "ns3: the run fails when the real-time simulator stays this far behind the wall clock for a "
                    "second (shorter excursions are counted and reported).",
                    kLive));
  s.push_back(field("live.inputs", FieldType::kString, "", std::string(), -kInf, kInf,
                    "A directory of prepared inputs (frames.csv, calibration.csv) for `offloadsim robot` in video "
                    "mode; kind live writes one (<out>/inputs/) and sets it.",
                    kLive));

  // ---- output ----
  s.push_back(field("output.figures", FieldType::kBool, "", true, -kInf, kInf,
                    "Draw the figures (PNG and PDF) with analysis/ after the CSVs are written.", {}));
}

}  // namespace offloadsim::sim::schema_parts
