#include "agents/mdp/state_normalizer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace offloadsim::agents {

namespace {
float unit(double x) {
  return static_cast<float>(std::clamp(x, 0.0, 1.0));
}
}  // namespace

StateNormalizer::StateNormalizer(std::vector<double> feature_scales) : scales_(std::move(feature_scales)) {
  for (double s : scales_) {
    if (!(s > 0.0)) throw std::invalid_argument("StateNormalizer: feature scales must be positive");
  }
}

StateNormalizer StateNormalizer::fit(const std::vector<Trace>& traces, bool store_distances) {
  std::vector<double> scales;
  double largest_norm = 0.0;
  for (const Trace& trace : traces) {
    for (const Frame& f : trace.frames) {
      if (scales.size() < f.features.size()) scales.resize(f.features.size(), 0.0);
      for (size_t i = 0; i < f.features.size(); ++i) scales[i] = std::max(scales[i], std::abs(f.features[i]));
      double n2 = 0.0;
      for (double x : f.descriptor) n2 += x * x;
      largest_norm = std::max(largest_norm, std::sqrt(n2));
    }
  }
  if (store_distances) scales.insert(scales.end(), 2, 2.0 * largest_norm);
  for (double& s : scales) {
    if (s == 0.0) s = 1.0;
  }
  return StateNormalizer(std::move(scales));
}

void StateNormalizer::normalize(const Observation& obs, float* out) const {
  if (obs.num_features != static_cast<int>(scales_.size())) {
    throw std::invalid_argument("StateNormalizer: observation has a different number of features");
  }
  const double horizon = std::max(1, obs.horizon);
  int i = 0;
  out[i++] = unit(obs.robot_confidence);
  for (size_t k = 0; k < scales_.size(); ++k) out[i++] = unit(obs.features[k] / scales_[k]);
  out[i++] = obs.robot_store.present ? 1.0f : 0.0f;
  out[i++] = unit(obs.robot_store.confidence);
  out[i++] = obs.cloud_store.present ? 1.0f : 0.0f;
  out[i++] = unit(obs.cloud_store.confidence);
  const bool agree =
      obs.robot_store.present && obs.cloud_store.present && obs.robot_store.label == obs.cloud_store.label;
  out[i++] = agree ? 1.0f : 0.0f;
  out[i++] = unit(obs.dt_robot / horizon);
  out[i++] = unit(obs.dt_cloud / horizon);
  out[i++] = unit(obs.budget_remaining / horizon);
  out[i++] = unit(obs.time_left() / horizon);
}

std::vector<float> StateNormalizer::normalize(const Observation& obs) const {
  std::vector<float> v(static_cast<size_t>(size()));
  normalize(obs, v.data());
  return v;
}

}  // namespace offloadsim::agents
