#include "agents/perception/video_perception.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "base/csv_table.h"
#include "base/input_error.h"

namespace offloadsim::agents {

double frame_difference(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) {
    throw std::invalid_argument("frame_difference: frames differ in size or type");
  }
  if (a.empty()) return 0.0;
  return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total() * static_cast<size_t>(a.channels()));
}

HogCounterOptions robot_counter_defaults() {
  HogCounterOptions o;
  o.pyramid_scale = 1.3;
  return o;
}

HogCounterOptions cloud_counter_defaults() {
  return HogCounterOptions{};
}

PeopleCounter::PeopleCounter(HogCounterOptions options) : options_(options) {
  if (options_.upscale <= 0 || options_.stride < 1 || options_.pyramid_scale <= 1.0) {
    throw std::invalid_argument("PeopleCounter: upscale > 0, stride ≥ 1 and pyramid_scale > 1 required");
  }
  hog_.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
}

int PeopleCounter::count(const cv::Mat& frame) const {
  cv::Mat scaled;
  if (options_.upscale == 1.0) {
    scaled = frame;
  } else {
    cv::resize(frame, scaled, cv::Size(), options_.upscale, options_.upscale,
               options_.upscale > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
  }
  std::vector<cv::Rect> found;
  std::vector<double> weights;
  hog_.detectMultiScale(scaled, found, weights, options_.hit_threshold, cv::Size(options_.stride, options_.stride),
                        cv::Size(0, 0), options_.pyramid_scale, options_.group_threshold);
  return static_cast<int>(found.size());
}

std::vector<FrameRecord> process_video(const std::string& path, const VideoOptions& options,
                                       const std::function<void(const FrameRecord&)>& on_frame) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw base::InputError(path, 0, "", "video file not found");
  if (options.frame_step < 1) throw std::invalid_argument("process_video: frame_step must be ≥ 1");
  // FFmpeg only: it decodes what robots record, and it does not probe devices (GStreamer, the
  // default backend here, enumerates USB devices and leaks while at it).
  cv::VideoCapture cap(path, cv::CAP_FFMPEG);
  if (!cap.isOpened()) throw base::InputError(path, 0, "", "cannot be opened as a video (unknown or damaged format)");
  const PeopleCounter robot(options.robot), cloud(options.cloud);
  std::vector<FrameRecord> records;
  cv::Mat frame, previous;
  using Clock = std::chrono::steady_clock;
  for (int index = 0; cap.read(frame); ++index) {
    if (index % options.frame_step != 0) continue;
    if (frame.empty() || frame.depth() != CV_8U)
      throw base::InputError(path, 0, "", fmt::format("frame {} is not 8-bit", index));
    FrameRecord r;
    r.frame = index;
    r.frame_diff = previous.empty() ? 0.0 : frame_difference(frame, previous);
    auto t0 = Clock::now();
    r.robot_count = robot.count(frame);
    auto t1 = Clock::now();
    r.cloud_count = cloud.count(frame);
    auto t2 = Clock::now();
    r.robot_seconds = std::chrono::duration<double>(t1 - t0).count();
    r.cloud_seconds = std::chrono::duration<double>(t2 - t1).count();
    records.push_back(r);
    if (on_frame) on_frame(r);
    frame.copyTo(previous);
    if (options.max_frames > 0 && static_cast<int>(records.size()) >= options.max_frames) break;
  }
  if (records.empty()) throw base::InputError(path, 0, "", "no frame could be decoded");
  return records;
}

std::vector<double> default_crowd_edges() {
  return {4, 6, 8};
}

int crowd_label(double count, const std::vector<double>& edges) {
  int label = 0;
  while (label < static_cast<int>(edges.size()) && count > edges[static_cast<size_t>(label)]) ++label;
  return label;
}

RobotCalibration RobotCalibration::fit(const std::vector<FrameRecord>& frames) {
  RobotCalibration c;
  const double n = static_cast<double>(frames.size());
  if (frames.size() < 2) return c;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const FrameRecord& r : frames) {
    const double x = r.robot_count, y = r.cloud_count;
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double var = sxx - sx * sx / n;
  if (var <= 1e-12) {
    c.slope = 0;
    c.intercept = sy / n;  // the robot count carries no information: predict the mean
  } else {
    c.slope = (sxy - sx * sy / n) / var;
    c.intercept = (sy - c.slope * sx) / n;
  }
  return c;
}

std::vector<Frame> to_mdp_frames(const std::vector<FrameRecord>& records, const RobotCalibration& calibration,
                                 const std::vector<double>& edges, const std::map<int, int>* labels) {
  std::vector<Frame> frames;
  frames.reserve(records.size());
  for (const FrameRecord& r : records) {
    Frame f;
    const double estimate = calibration.intercept + calibration.slope * r.robot_count;
    f.robot_prediction = crowd_label(std::round(estimate), edges);
    double distance = std::numeric_limits<double>::infinity();
    for (double e : edges) distance = std::min(distance, std::abs(estimate - (e + 0.5)));
    f.robot_confidence = 1.0 - std::exp(-2.0 * distance);
    f.cloud_prediction = crowd_label(r.cloud_count, edges);
    f.cloud_confidence = 1.0;
    f.true_label = f.cloud_prediction;
    if (labels) {
      auto it = labels->find(r.frame);
      if (it == labels->end()) throw std::invalid_argument(fmt::format("no label for video frame {}", r.frame));
      f.true_label = it->second;
    }
    f.features = {r.frame_diff};
    frames.push_back(std::move(f));
  }
  return frames;
}

std::map<int, int> read_frame_labels(const std::string& path) {
  const base::CsvTable t = base::CsvTable::read(path);
  const size_t fc = t.column("frame"), lc = t.column("label");
  std::map<int, int> labels;
  for (size_t r = 0; r < t.rows(); ++r) {
    const int frame = t.integer(r, fc);
    if (frame < 0) throw base::InputError(path, t.line_of(r), "frame", "must be ≥ 0");
    if (!labels.emplace(frame, t.integer(r, lc)).second) {
      throw base::InputError(path, t.line_of(r), "frame", fmt::format("frame {} labelled twice", frame));
    }
  }
  return labels;
}

}  // namespace offloadsim::agents
