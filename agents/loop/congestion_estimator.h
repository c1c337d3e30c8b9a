// A robot's estimate of the congestion on its path to the cloud, from what it can observe itself:
// the round trips of its queries and probes (reply time minus the service time the cloud reports in
// its reply), the bytes each query carried, and its time-outs. The reading is the one delay-based
// congestion control uses (TCP Vegas, BBR):
//   base round trip  b = min of recent probe round trips      (the path with empty queues; BBR's min_rtt;
//                                                               queries only until a probe has answered)
//   bottleneck rate  C = max of recent delivery rates          (BBR's btl_bw)
//   delivery rate    of a query = its bits / (round trip − b)  (what the path gave that query)
//   queueing delay   of a sample = round trip − b − bits / C   (≥ 0; what remains once propagation
//                                                               and transmission are taken out)
// Smoothed values are exponentially weighted moving averages (gain 1/8, as TCP's srtt). docs/loop.md.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>

namespace offloadsim::agents {

struct EstimatorSettings {
  double window_s = 10.0;  // the min and max filters' window (BBR: 10 s for min_rtt)
  double gain = 0.125;     // EWMA gain
};

class CongestionEstimator {
 public:
  explicit CongestionEstimator(EstimatorSettings settings = {});

  // A reply arrived at `now_s`, `rtt_s` after its request was sent; the cloud spent `service_s`
  // on it; the request carried `request_bytes`. Probes carry few bytes and give no delivery rate.
  // `after_timeout`: the robot had given up on the query; its reply still measures the path and
  // the cloud, but is no success for the time-out rate (without it a cloud slower than the
  // time-out would never be seen).
  void on_reply(double now_s, double rtt_s, double service_s, std::uint32_t request_bytes, bool probe,
                bool after_timeout = false);
  // A query was given up on.
  void on_timeout(double now_s);

  bool has_delay() const { return samples_ > 0; }
  bool has_delivery() const { return delivery_samples_ > 0; }
  double rtt_s() const { return srtt_; }
  double base_rtt_s() const;
  double queue_delay_s() const { return queue_; }
  double bottleneck_bps() const;
  double delivery_bps() const { return delivery_; }
  double timeout_rate() const { return timeout_rate_; }
  double service_s() const { return service_; }
  // The fraction of the round trip spent queueing, q / (b + q), in [0, 1): Vegas's reading of how
  // congested the path is, independent of the path's length.
  double congestion() const;
  // Expected time from sending a query of `bytes` to its reply.
  double predicted_reply_s(std::uint32_t bytes) const;

 private:
  void expire(double now_s);

  EstimatorSettings settings_;
  std::uint64_t samples_ = 0, delivery_samples_ = 0, service_samples_ = 0;
  double srtt_ = 0, queue_ = 0, delivery_ = 0, timeout_rate_ = 0, service_ = 0;
  bool has_outcome_ = false;
  bool has_probe_ = false;
  std::deque<std::pair<double, double>> min_rtt_;  // (time, rtt), increasing rtt: a monotonic min filter
  std::deque<std::pair<double, double>> max_bw_;   // (time, rate), decreasing rate: a monotonic max filter
};

}  // namespace offloadsim::agents
