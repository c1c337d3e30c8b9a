#include "agents/mdp/observation_features.h"

#include <cmath>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

namespace offloadsim::agents {

namespace {

double norm(const std::vector<double>& a) {
  double n2 = 0.0;
  for (double x : a) n2 += x * x;
  return std::sqrt(n2);
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("store distances: input descriptors of different lengths");
  double d2 = 0.0;
  for (size_t i = 0; i < a.size(); ++i) d2 += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(d2);
}

}  // namespace

const std::vector<std::string>& network_feature_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"net_rtt_ms"};
    for (int k = 1; k <= kRecentRtts; ++k) n.push_back(fmt::format("net_recent_rtt_{}_ms", k));
    for (const char* s : {"net_queue_ms", "net_delivery_mbps", "net_timeout_rate", "net_price",
                          "net_predicted_reply_ms", "net_tokens"}) {
      n.emplace_back(s);
    }
    return n;
  }();
  return names;
}

std::vector<double> network_feature_scales(double timeout_s, double delivery_mbps, double max_price, int horizon) {
  if (!(timeout_s > 0) || !(delivery_mbps > 0) || !(max_price > 0) || horizon < 1) {
    throw std::invalid_argument("network feature scales must be positive");
  }
  const double ms = timeout_s * 1e3;
  std::vector<double> s(1 + kRecentRtts, ms);  // net_rtt_ms, net_recent_rtt_k_ms
  for (double x : {ms, delivery_mbps, 1.0, max_price, ms, static_cast<double>(horizon)}) s.push_back(x);
  return s;
}

std::vector<std::string> feature_names(const std::vector<std::string>& stream_features, FeatureSet set) {
  std::vector<std::string> names = stream_features;
  if (set.store_distances) names.insert(names.end(), std::begin(kStoreDistanceNames), std::end(kStoreDistanceNames));
  if (set.network) names.insert(names.end(), network_feature_names().begin(), network_feature_names().end());
  return names;
}

void extract_features(const Frame& f, const Frame* robot_input, const Frame* cloud_input, const NetworkView* net,
                      FeatureSet set, std::vector<double>& out) {
  out = f.features;
  if (set.store_distances) {
    if (f.descriptor.empty()) throw std::invalid_argument("store distances need input descriptors; the frame has none");
    for (const Frame* stored : {robot_input, cloud_input}) {
      out.push_back(stored == nullptr ? 2.0 * norm(f.descriptor) : distance(f.descriptor, stored->descriptor));
    }
  }
  if (set.network) {
    if (net == nullptr) throw std::invalid_argument("network features need the robot's view of the network");
    const NetworkView& v = *net;
    out.push_back(v.rtt_s * 1e3);
    // The last round trips, newest first; 0 where there were not that many yet.
    for (int k = 0; k < kRecentRtts; ++k) out.push_back(k < v.recent_rtts ? v.recent_rtt_s[k] * 1e3 : 0.0);
    for (double x : {v.queue_delay_s * 1e3, v.delivery_bps / 1e6, v.timeout_rate, v.price, v.predicted_reply_s * 1e3,
                     static_cast<double>(v.tokens)}) {
      out.push_back(x);
    }
  }
}

}  // namespace offloadsim::agents
