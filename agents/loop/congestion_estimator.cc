#include "agents/loop/congestion_estimator.h"

#include <algorithm>
#include <stdexcept>

namespace offloadsim::agents {

namespace {
double ewma(double old, double sample, double gain, bool first) {
  return first ? sample : old + gain * (sample - old);
}
}  // namespace

CongestionEstimator::CongestionEstimator(EstimatorSettings settings) : settings_(settings) {
  if (!(settings_.window_s > 0) || !(settings_.gain > 0 && settings_.gain <= 1)) {
    throw std::invalid_argument("CongestionEstimator: window must be positive and gain in (0, 1]");
  }
}

void CongestionEstimator::expire(double now_s) {
  // Keep the newest sample even when it is older than the window: an old estimate beats none.
  while (min_rtt_.size() > 1 && min_rtt_.front().first < now_s - settings_.window_s) min_rtt_.pop_front();
  while (max_bw_.size() > 1 && max_bw_.front().first < now_s - settings_.window_s) max_bw_.pop_front();
}

double CongestionEstimator::base_rtt_s() const {
  return min_rtt_.empty() ? 0.0 : min_rtt_.front().second;
}

double CongestionEstimator::bottleneck_bps() const {
  return max_bw_.empty() ? 0.0 : max_bw_.front().second;
}

void CongestionEstimator::on_reply(double now_s, double rtt_s, double service_s, std::uint32_t request_bytes,
                                   bool probe, bool after_timeout) {
  const double rtt = std::max(0.0, rtt_s - service_s);  // the network's part of the round trip
  expire(now_s);
  const bool had_base = !min_rtt_.empty();
  const double base_before = base_rtt_s();
  const double bits = 8.0 * request_bytes;
  // A round trip within a microsecond of the base carries no measurable transfer time.
  if (!probe && had_base && rtt > base_before + 1e-6) {
    const double rate = bits / (rtt - base_before);
    while (!max_bw_.empty() && max_bw_.back().second <= rate) max_bw_.pop_back();
    max_bw_.emplace_back(now_s, rate);
    delivery_ = ewma(delivery_, rate, settings_.gain, delivery_samples_ == 0);
    ++delivery_samples_;
  }
  // The base round trip comes from probes: a query's own bytes would count as part of the path.
  // Until a probe has answered, queries stand in.
  if (probe || !has_probe_) {
    if (probe && !has_probe_) min_rtt_.clear();
    has_probe_ = has_probe_ || probe;
    while (!min_rtt_.empty() && min_rtt_.back().second >= rtt) min_rtt_.pop_back();
    min_rtt_.emplace_back(now_s, rtt);
  }

  const double c = bottleneck_bps();
  const double queue_sample = std::max(0.0, rtt - base_rtt_s() - (c > 0 ? bits / c : 0.0));
  const bool first = samples_ == 0;
  srtt_ = ewma(srtt_, rtt, settings_.gain, first);
  queue_ = ewma(queue_, queue_sample, settings_.gain, first);
  ++samples_;
  if (!probe) {
    // Only a query takes a cloud worker: a probe's service of 0 says nothing about the cloud's.
    service_ = ewma(service_, service_s, settings_.gain, service_samples_ == 0);
    ++service_samples_;
    if (!after_timeout) {  // its time-out was counted already
      timeout_rate_ = ewma(timeout_rate_, 0.0, settings_.gain, !has_outcome_);
      has_outcome_ = true;
    }
  }
}

void CongestionEstimator::on_timeout(double now_s) {
  expire(now_s);
  timeout_rate_ = ewma(timeout_rate_, 1.0, settings_.gain, !has_outcome_);
  has_outcome_ = true;
}

double CongestionEstimator::congestion() const {
  const double total = base_rtt_s() + queue_;
  return total > 0 ? queue_ / total : 0.0;
}

double CongestionEstimator::predicted_reply_s(std::uint32_t bytes) const {
  if (!has_delay()) return 0.0;
  const double transmission = delivery_ > 0 ? 8.0 * bytes / delivery_ : 0.0;
  // With a delivery rate the transfer is bits / rate on top of the base round trip (that rate
  // already includes the queueing the queries met); without one, the smoothed round trip.
  return (delivery_ > 0 ? base_rtt_s() + transmission : srtt_) + service_;
}

}  // namespace offloadsim::agents
