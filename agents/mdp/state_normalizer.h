// Maps an Observation to the fixed-length vector a learner sees, every element in [0, 1].
//
// Layout (size 10 + F, F = number of further features):
//   [0]      robot confidence on x_t                      (already in [0, 1])
//   [1..F]   feature_i / scale_i, clipped to [0, 1]       (scales fitted on training traces)
//   [F+1]    robot store present (0/1)
//   [F+2]    robot store confidence                       (0 when empty)
//   [F+3]    cloud store present (0/1)
//   [F+4]    cloud store confidence                       (0 when empty)
//   [F+5]    stores agree: both present, same label (0/1) (labels are categorical: only equality
//                                                          carries meaning, not the label's value)
//   [F+6]    Δt_robot / T
//   [F+7]    Δt_cloud / T
//   [F+8]    remaining budget / T
//   [F+9]    (T − t) / T
#pragma once

#include <vector>

#include "agents/mdp/offload_mdp.h"

namespace offloadsim::agents {

class StateNormalizer {
 public:
  explicit StateNormalizer(std::vector<double> feature_scales = {});

  // Each feature's scale is its largest absolute value over the traces (1 where that is 0); with
  // `store_distances` (MdpParams::store_distances) two more, each 2 · the largest descriptor norm.
  static StateNormalizer fit(const std::vector<Trace>& traces, bool store_distances = false);

  int size() const { return 10 + static_cast<int>(scales_.size()); }
  const std::vector<double>& feature_scales() const { return scales_; }

  void normalize(const Observation& obs, float* out) const;
  std::vector<float> normalize(const Observation& obs) const;

 private:
  std::vector<double> scales_;
};

}  // namespace offloadsim::agents
