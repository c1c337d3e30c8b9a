// Drawing an action from a policy's probabilities, reproducibly: a uniform double from 53 random
// bits (independent of the standard library's distributions) and an inverse-CDF walk that skips
// forbidden (zero-probability) actions.
#pragma once

#include <random>

namespace offloadsim::agents {

inline double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

inline int sample_action(const float* probs, int n, std::mt19937_64& rng) {
  const double u = uniform01(rng);
  double acc = 0.0;
  int last_allowed = 0;
  for (int a = 0; a < n; ++a) {
    if (probs[a] <= 0.0f) continue;
    last_allowed = a;
    acc += probs[a];
    if (u < acc) return a;
  }
  return last_allowed;  // rounding left u beyond the total
}

}  // namespace offloadsim::agents
