// The real FaceNet + SVM outputs behind the paper's synthetic stream (SVM_results.csv):
// one row per face image with the robot model's prediction and confidence on it.
#pragma once

#include <string>
#include <vector>

namespace offloadsim::agents {

struct FaceImage {
  std::string image_name;
  std::string person;  // true_label_name
  int true_label = 0;
  int robot_prediction = 0;  // SVM_prediction_numeric
  double robot_confidence = 0.0;
  bool robot_correct = false;
  std::string split;   // train_test_membership: TRAIN or TEST
  bool known = false;  // seen_unseen == SEEN: a person the robot model was trained on
  std::vector<double> embedding;
};

class FacenetTable {
 public:
  // Loads and checks the table; base::InputError names the file, line and column of any bad value.
  static FacenetTable load(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<FaceImage>& images() const { return images_; }

 private:
  std::string path_;
  std::vector<FaceImage> images_;
};

}  // namespace offloadsim::agents
