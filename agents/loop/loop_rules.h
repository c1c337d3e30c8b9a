// The closed loop's rules that turn a robot's own congestion estimate into what it decides with —
// a query's price, an episode's tokens, the network view its policy sees (docs/loop.md) — shared by
// every backend that plays them: the robot agent (ns-3 and live) and the congestion surrogate
// (agents/mdp/congestion_surrogate.h).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "agents/loop/congestion_estimator.h"
#include "agents/loop/network_view.h"

namespace offloadsim::agents {

// A query of `bytes` costs the paper's cloud cost on an idle path, more as the robot measures
// congestion: c · (1 + gain · κ · bytes / mean bytes), κ = queueing / (base + queueing) ∈ [0, 1).
inline double query_price(const CongestionEstimator& e, double cloud_cost, double gain, std::uint32_t bytes,
                          double mean_bytes) {
  return cloud_cost * (1.0 + gain * e.congestion() * bytes / mean_bytes);
}

// An episode's tokens: min(N, ⌊share · delivery rate · episode length / mean query bytes⌋), N the
// paper's per-episode budget; N without a delivery-rate sample.
inline int episode_grant(const CongestionEstimator& e, int paper_budget, double share, double episode_s,
                         double mean_bytes) {
  if (!e.has_delivery()) return paper_budget;
  const double affordable = share * e.delivery_bps() / 8.0 * episode_s / mean_bytes;
  return affordable < paper_budget ? static_cast<int>(std::floor(affordable + 1e-9)) : paper_budget;
}

// The view of a robot deciding on a query of `bytes` (max_in_flight is the caller's). recent: its
// last `recent_count` queries' network round trips, newest first (at most kRecentRtts are read).
template <typename It>
void fill_network_view(NetworkView& v, const CongestionEstimator& e, It recent, int recent_count, double price,
                       std::uint32_t bytes, double deadline_s, int tokens, int in_flight) {
  v.has_delay = e.has_delay();
  v.has_delivery = e.has_delivery();
  v.rtt_s = e.rtt_s();
  v.recent_rtts = std::min(recent_count, kRecentRtts);
  std::copy_n(recent, v.recent_rtts, v.recent_rtt_s.begin());
  v.base_rtt_s = e.base_rtt_s();
  v.queue_delay_s = e.queue_delay_s();
  v.delivery_bps = e.delivery_bps();
  v.timeout_rate = e.timeout_rate();
  v.service_s = e.service_s();
  v.price = price;
  v.predicted_reply_s = e.predicted_reply_s(bytes);
  v.time_to_deadline_s = deadline_s;
  v.tokens = tokens;
  v.in_flight = in_flight;
}

}  // namespace offloadsim::agents
