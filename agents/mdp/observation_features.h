// One feature extractor for every place a policy acts: the MDP (OffloadEnv: training and
// offload-eval), the closed loop in ns-3 and the live robots (RobotAgent), so that a policy sees
// the same numbers, in the same order, under the same names, wherever it runs. Beyond the paper's
// fixed state (t, budget, stores; agents/mdp/state_normalizer.h), φ is, in this order:
//
//   1. the stream's per-frame features (Trace::feature_names: frame_diff, …);
//   2. with MdpParams::store_distances, how far the input is from the one each store answered
//      (robot_store_distance, cloud_store_distance; Frame::descriptor);
//   3. with network features, the robot's own view of the network (NetworkView): its smoothed
//      round trip, its last kRecentRtts round trips, queueing delay, delivery rate, time-out
//      rate, a query's price and predicted reply time, and the tokens it has left.
//
// A saved policy's sidecar lists the names; docs/rl.md and docs/loop.md give their meaning.
#pragma once

#include <string>
#include <vector>

#include "agents/loop/network_view.h"
#include "agents/mdp/trace.h"

namespace offloadsim::agents {

struct FeatureSet {
  bool store_distances = false;  // part 2
  bool network = false;          // part 3
};

inline constexpr const char* kStoreDistanceNames[] = {"robot_store_distance", "cloud_store_distance"};

// The network part's names, in order (part 3).
const std::vector<std::string>& network_feature_names();

// Scales of the network part for StateNormalizer (trace files cannot fit them): times (ms) by the
// query time-out, the delivery rate by `delivery_mbps`, the time-out rate by 1, the price by its
// largest value, tokens by the episode length.
std::vector<double> network_feature_scales(double timeout_s, double delivery_mbps, double max_price, int horizon);

// Every feature's name, given the stream's.
std::vector<std::string> feature_names(const std::vector<std::string>& stream_features, FeatureSet set);

// φ of frame f into out (replaced). robot_input / cloud_input: the frames whose answers the stores
// hold (nullptr: the store is empty, and its distance is 2·‖f's descriptor‖). net is read when
// set.network (required then). Throws std::invalid_argument when the store distances need
// descriptors the frames lack.
void extract_features(const Frame& f, const Frame* robot_input, const Frame* cloud_input, const NetworkView* net,
                      FeatureSet set, std::vector<double>& out);

}  // namespace offloadsim::agents
