// One robot's offloading agent in the closed loop: the paper's MDP played over real time, where a
// cloud answer arrives when the network delivers it, not at once.
//
// - Frames arrive at `fps`; they are grouped into episodes (the traces of the robot's stream), so a
//   policy sees the paper's state (t, T − t, budget) and runs unchanged.
// - A query's answer counts for its frame only if it arrives by the frame's deadline; otherwise the
//   frame is scored with what the robot had by then (the newer of its stored robot and cloud
//   predictions), and the late answer still updates the cloud store for later frames. The robot
//   model's own inference time counts against the same deadline.
// - Price: a query costs the paper's cloud cost on an idle path, more as the robot measures
//   congestion: c · (1 + gain · κ · bytes / mean bytes), κ = queueing / (base + queueing) ∈ [0, 1).
// - Budget: each episode grants min(N, ⌊share · delivery rate · episode length / mean query bytes⌋)
//   tokens, N = ⌊fraction · T⌋ the paper's per-episode budget; without a delivery-rate sample the
//   grant is N. A query needs a token and room under `max_in_flight`, else the robot model runs
//   (the paper's soft constraint).
// docs/loop.md gives the reasons for each definition.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include "agents/loop/congestion_estimator.h"
#include "agents/loop/network_view.h"
#include "agents/loop/offload_agent.h"
#include "agents/mdp/observation_features.h"
#include "agents/mdp/offload_mdp.h"
#include "agents/mdp/trace.h"
#include "agents/policies/policy.h"

namespace offloadsim::agents {

struct RobotAgentSettings {
  MdpParams mdp;
  double fps = 10.0;
  double deadline_s = 0.1;
  double inference_s = 0.0;
  double timeout_s = 1.0;
  int max_in_flight = 4;
  double budget_fraction = 0.3;
  double budget_share = 0.1;
  double price_gain = 2.0;
  double probe_interval_s = 0.5;
  double mean_query_bytes = 512;  // the reference size of price and tokens
  bool network_features = false;  // append the network features to the policy's observation
  EstimatorSettings estimator;
};

class RobotAgent final : public OffloadAgent {
 public:
  // `episodes`: the robot's stream, episode after episode (frame f is the f-th frame of their
  // concatenation). `query_bytes(f)`: the payload a query for frame f carries.
  RobotAgent(int robot, Policy& policy, std::vector<Trace> episodes, std::function<std::uint32_t(int)> query_bytes,
             RobotAgentSettings settings, std::uint64_t seed);

  int frames() const { return static_cast<int>(frame_index_.size()); }
  // Frame f of the robot's stream (what its models and the cloud answer on it).
  const Frame& frame(int f) const;
  const CongestionEstimator& estimator() const { return estimator_; }
  const NetworkView& view() const { return view_; }
  int unmatched_replies() const { return unmatched_replies_; }
  // Replies to queries given up on (after their time-out): measured by the estimator, not used.
  int replies_after_timeout() const { return replies_after_timeout_; }
  int in_flight() const { return static_cast<int>(in_flight_.size()); }
  // The feature names a policy sees (agents/mdp/observation_features.h).
  std::vector<std::string> feature_names() const;

  // A live robot's on-board model ran on frame f: its output replaces the trace's robot side of
  // that frame (prediction, confidence, features) before the frame is decided.
  void set_robot_view(int frame, int prediction, double confidence, std::vector<double> features);

  Decision on_frame(int frame, double now_s) override;
  ScoredFrame on_deadline(int frame, double now_s) override;
  void on_reply(const CloudReply& reply) override;
  void on_timeout(std::uint64_t query_id, double now_s) override;
  void on_probe_reply(double rtt_s, double service_s, std::uint32_t bytes, double now_s) override;
  bool probe_due(double now_s) const override;
  void on_probe_sent(double now_s) override { last_probe_s_ = now_s; }

 private:
  struct Cache {
    StoredPrediction p;
    int frame = -1;  // the frame the prediction is about
  };
  struct Pending {
    ScoredFrame rec;
    Cache reused;               // kPastRobot / kPastCloud: the store at decision time
    double robot_ready_s = -1;  // kRobot: when the on-board result is ready
  };
  struct InFlight {
    int frame = 0;
    double sent_s = 0;
    std::uint32_t bytes = 0;
  };

  void begin_episode(int episode, double now_s);
  // A reply's round trip and service into the estimator and the recent round trips.
  void measure(const CloudReply& reply, const InFlight& q, bool after_timeout);
  void promote_robot_results(double now_s);
  void update_view(int frame, double now_s);
  double price(std::uint32_t bytes) const;
  FeatureSet feature_set() const;
  int age(const Cache& c, int frame, int horizon) const;

  int robot_;
  Policy& policy_;
  std::vector<Trace> episodes_;
  std::vector<std::pair<int, int>> frame_index_;  // frame → (episode, step)
  std::function<std::uint32_t(int)> query_bytes_;
  RobotAgentSettings settings_;
  std::uint64_t seed_;
  CongestionEstimator estimator_;
  NetworkView view_;
  std::vector<double> features_;     // the observation's features φ
  std::deque<double> recent_rtt_s_;  // the last queries' network round trips, newest first

  int episode_ = -1;
  int budget_initial_ = 0, budget_ = 0;
  Cache robot_store_, cloud_store_;
  std::deque<std::pair<double, Cache>> robot_results_;  // (ready time, result), in time order
  std::map<int, Pending> pending_;                      // frames decided, not yet scored
  std::map<std::uint64_t, InFlight> in_flight_;
  // Queries given up on whose reply may still come: the newest kMaxGivenUp (a reply that never
  // comes must not hold memory).
  static constexpr std::size_t kMaxGivenUp = 256;
  std::map<std::uint64_t, InFlight> given_up_;
  struct Answer {
    double now_s = 0;
    int label = 0;
  };
  std::map<std::uint64_t, Answer> replied_;  // query → its reply, for frames not yet scored
  std::uint64_t next_query_ = 1;
  double last_probe_s_ = -1e9;
  int unmatched_replies_ = 0;
  int replies_after_timeout_ = 0;
};

}  // namespace offloadsim::agents
