// Real-video perception with OpenCV (paper §V-B analogue; docs/perception.md): reads a video,
// and for every processed frame computes the paper's frame-difference feature and runs two people
// counters built on OpenCV's HOG people detector — a cheap robot model and an expensive cloud
// model — timing each. The classification task is the crowd level: the number of people in view,
// bucketed (kCrowdEdges). No ns-3 here.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>

#include "agents/mdp/trace.h"

namespace offloadsim::agents {

// Σ|a − b| over every pixel and channel ÷ (h·w·channels): the paper's frame_diff_val, on 8-bit
// frames (so in [0, 255]). The frames must have the same size and type.
double frame_difference(const cv::Mat& a, const cv::Mat& b);

// A HOG people detector (Dalal–Triggs, OpenCV's default people SVM) run on the frame scaled by
// `upscale` (people in surveillance footage are smaller than the 64×128 window), sliding by
// `stride` pixels over an image pyramid with ratio `pyramid_scale`; overlapping hits grouped.
struct HogCounterOptions {
  double upscale = 1.5;
  int stride = 8;
  double pyramid_scale = 1.05;
  double hit_threshold = 0.0;
  double group_threshold = 2.0;
};
HogCounterOptions robot_counter_defaults();  // coarse pyramid (1.3): fast, misses people
HogCounterOptions cloud_counter_defaults();  // fine pyramid (1.05): slow, finds most

class PeopleCounter {
 public:
  explicit PeopleCounter(HogCounterOptions options);
  // Number of people detected in a BGR frame.
  int count(const cv::Mat& frame) const;
  const HogCounterOptions& options() const { return options_; }

 private:
  HogCounterOptions options_;
  cv::HOGDescriptor hog_;
};

// One processed frame: the feature and both models' raw outputs and times.
struct FrameRecord {
  int frame = 0;          // index in the video
  double frame_diff = 0;  // to the previous processed frame (the first: to itself, 0)
  int robot_count = 0;
  double robot_seconds = 0;  // wall time of the robot model on this frame
  int cloud_count = 0;
  double cloud_seconds = 0;
};

struct VideoOptions {
  int frame_step = 5;  // process every k-th frame (the paper: 5)
  int max_frames = 0;  // stop after this many processed frames (0: the whole video)
  HogCounterOptions robot = robot_counter_defaults();
  HogCounterOptions cloud = cloud_counter_defaults();
};

// Runs the pipeline over a video file. Throws base::InputError (file named) when the file is missing,
// cannot be decoded or holds no frame. `on_frame` (optional) sees each record as it is made.
std::vector<FrameRecord> process_video(const std::string& path, const VideoOptions& options,
                                       const std::function<void(const FrameRecord&)>& on_frame = {});

// The crowd-level classes: label k means edges[k-1] < count ≤ edges[k] (label 0: count ≤ edges[0];
// the last label: count > edges.back()).
int crowd_label(double count, const std::vector<double>& edges);
std::vector<double> default_crowd_edges();  // {4, 6, 8}: ≤4, 5–6, 7–8, ≥9 people

// The robot model's count is calibrated to the cloud's with a least-squares line fitted on
// training frames (a small model trained on labels, as the paper's robot SVM is). Its confidence
// is how far the calibrated count lies from the nearest class edge: 1 − exp(−2·distance).
struct RobotCalibration {
  double slope = 1, intercept = 0;
  static RobotCalibration fit(const std::vector<FrameRecord>& training_frames);
};

// Frames → MDP frames: truth from the cloud model (or from `labels`, a map frame → class, when
// real annotations are given), robot prediction and confidence from the calibrated robot count,
// φ = the frame difference.
std::vector<Frame> to_mdp_frames(const std::vector<FrameRecord>& records, const RobotCalibration& calibration,
                                 const std::vector<double>& edges, const std::map<int, int>* labels = nullptr);

// A label CSV of real annotations: columns `frame,label` (frame index in the video, class id).
// Throws base::InputError naming the file and line.
std::map<int, int> read_frame_labels(const std::string& path);

}  // namespace offloadsim::agents
