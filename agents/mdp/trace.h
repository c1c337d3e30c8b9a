// A trace: the per-frame facts one episode of the offloading MDP is played on.
#pragma once

#include <string>
#include <vector>

namespace offloadsim::agents {

// One sensor frame x_t as the MDP sees it: the truth, what each model would answer
// if asked, and the cheap features φ(x_t) of the input.
struct Frame {
  int true_label = 0;
  int robot_prediction = 0;
  double robot_confidence = 0.0;  // f_robot's confidence on x_t, in [0, 1]; part of φ (SPEC §1)
  int cloud_prediction = 0;
  double cloud_confidence = 1.0;
  std::vector<double> features;  // further φ(x_t), named by Trace::feature_names
  // Which input x_t is (the synthetic stream: the face image's row in the table); frames with the
  // same id show the same input. −1: unknown, every frame a new input. Only the paper's greedy
  // oracle reads it (it decides once per new image, as the paper's code does).
  int input_id = -1;
  // A descriptor of x_t whose Euclidean distances compare inputs (the synthetic stream: the
  // FaceNet embedding, unit norm); empty when the source has none. MdpParams::store_distances
  // turns it into the features "how far is x_t from the input each store answered".
  std::vector<double> descriptor;
};

struct Trace {
  std::string id;
  std::vector<std::string> feature_names;
  std::vector<Frame> frames;

  int horizon() const { return static_cast<int>(frames.size()); }
};

}  // namespace offloadsim::agents
