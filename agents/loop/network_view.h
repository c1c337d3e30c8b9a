// What a robot knows of the network when it decides: its own estimate from what it observed (its
// queries' round trips, their delivery rates, its probes, its time-outs), the price of a cloud query
// and the tokens left. Never a simulator's internals: the same view exists on a real robot.
#pragma once

#include <array>

namespace offloadsim::agents {

// How many of its latest round trips a robot keeps in view.
inline constexpr int kRecentRtts = 3;

struct NetworkView {
  bool has_delay = false;     // at least one round trip measured
  bool has_delivery = false;  // at least one query's delivery rate measured
  double rtt_s = 0;           // smoothed network round trip (reply time minus the cloud's service time)
  // The last queries' network round trips, newest first; the first recent_rtts are set.
  std::array<double, kRecentRtts> recent_rtt_s{};
  int recent_rtts = 0;
  double base_rtt_s = 0;          // the smallest recent round trip: the path without queues
  double queue_delay_s = 0;       // smoothed queueing: round trip − base − transmission
  double delivery_bps = 0;        // smoothed delivery rate of queries (bits/s)
  double timeout_rate = 0;        // smoothed share of queries that timed out
  double service_s = 0;           // smoothed service time the cloud reports
  double price = 0;               // price of a query of this frame's size, now
  double predicted_reply_s = 0;   // expected reply time for this frame's query
  double time_to_deadline_s = 0;  // from now to this frame's deadline
  int tokens = 0;                 // queries left in this episode's grant
  int in_flight = 0;              // queries sent and neither answered nor timed out
  int max_in_flight = 0;
};

}  // namespace offloadsim::agents
