// The interface between an offloading robot and whatever carries its queries: an ns-3 network
// (sim/loop), a fast surrogate, or real sockets. The backend owns time and transport; the agent
// owns decisions, caches, the congestion estimate, price and budget. It never sees a backend type.
//
// Per frame the backend calls, in time order:
//   on_frame(f, now)      frame f arrives; the agent decides, and may ask for a query to be sent;
//   on_deadline(f, now)   frame f's deadline: the agent scores the frame with what it has by then.
// At any time: on_reply / on_timeout for a query it asked for, on_probe_reply for a probe, and
// probe_due(now) asks whether the robot wants a probe sent (one every probe interval, when none of
// its queries is in flight: a probe's small round trip is how it knows its path's base delay).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace offloadsim::agents {

// A request the backend must carry to the cloud.
struct QueryRequest {
  std::uint64_t id = 0;
  int frame = 0;
  std::uint32_t bytes = 0;  // the request's payload: a JPEG frame or an embedding
};

struct Decision {
  int requested_action = 0;  // what the policy asked for (agents::Action)
  int executed_action = 0;   // what the robot does (a query without tokens or room runs the robot model)
  std::optional<QueryRequest> query;
};

// The cloud's answer to a query, as the robot receives it.
struct CloudReply {
  std::uint64_t query_id = 0;
  int label = 0;
  double confidence = 1.0;
  double service_s = 0;  // the cloud's own time on it, reported in the reply
  double now_s = 0;      // when it arrived
};

// One scored frame: what was decided, what was used and why, and the estimate at decision time.
struct ScoredFrame {
  int robot = 0;
  int frame = 0;
  int episode = 0;
  int step = 0;  // t within the episode
  double t_s = 0;
  int requested_action = 0;
  int executed_action = 0;
  std::string reason;  // why executed differs from requested: "", "no tokens", "in-flight limit"
  std::uint64_t query_id = 0;
  std::uint32_t bytes = 0;             // query payload (0: no query)
  double sent_s = -1, replied_s = -1;  // -1: not sent / no reply (yet)
  bool timed_out = false;
  bool on_time = false;  // a query answered by the deadline, or an on-board result ready by then
  std::string used;      // robot | cloud | past_robot | past_cloud | none
  std::string why;       // how that prediction was chosen
  int prediction = -1;
  int true_label = 0;
  bool correct = false;
  double price = 0;         // the price charged for this frame's action (a query: the measured price)
  double reward = 0;        // −α·loss − β·price
  double reward_fixed = 0;  // −α·loss − β·(the paper's constant cost of the executed action)
  int tokens = 0;           // tokens left after the decision
  int tokens_granted = 0;   // this episode's grant
  // The estimate when the frame was decided.
  double est_rtt_ms = 0, est_base_rtt_ms = 0, est_queue_ms = 0, est_delivery_mbps = 0, est_timeout_rate = 0,
         est_predicted_reply_ms = 0;
};

class OffloadAgent {
 public:
  virtual ~OffloadAgent() = default;
  virtual Decision on_frame(int frame, double now_s) = 0;
  virtual ScoredFrame on_deadline(int frame, double now_s) = 0;
  virtual void on_reply(const CloudReply& reply) = 0;
  virtual void on_timeout(std::uint64_t query_id, double now_s) = 0;
  virtual void on_probe_reply(double rtt_s, double service_s, std::uint32_t bytes, double now_s) = 0;
  virtual bool probe_due(double now_s) const = 0;
  virtual void on_probe_sent(double now_s) = 0;
};

}  // namespace offloadsim::agents
