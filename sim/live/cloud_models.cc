#include "sim/live/cloud_models.h"

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>

namespace offloadsim::sim::live {

OpenCvCloudModel::OpenCvCloudModel(agents::HogCounterOptions options, std::vector<double> crowd_edges)
    : options_(options), edges_(std::move(crowd_edges)) {}

CloudAnswer OpenCvCloudModel::answer(const Request& request) const {
  if (request.kind != PayloadKind::kJpeg) return {ReplyStatus::kUndecodable, 0, 0};
  const cv::Mat frame = cv::imdecode(request.payload, cv::IMREAD_COLOR);
  if (frame.empty()) return {ReplyStatus::kUndecodable, 0, 0};
  std::unique_ptr<agents::PeopleCounter> counter;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      counter = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!counter) counter = std::make_unique<agents::PeopleCounter>(options_);
  const int count = counter->count(frame);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(counter));
  }
  // The cloud model is the truth of the perception pipeline: its confidence is 1 (as in its traces).
  return {ReplyStatus::kOk, agents::crowd_label(count, edges_), 1.0};
}

std::string OpenCvCloudModel::describe() const {
  return fmt::format("opencv (HOG people counter, upscale {}, stride {}, pyramid {})", options_.upscale,
                     options_.stride, options_.pyramid_scale);
}

TraceCloudModel::TraceCloudModel(std::vector<std::vector<agents::Frame>> streams) : streams_(std::move(streams)) {}

CloudAnswer TraceCloudModel::answer(const Request& request) const {
  if (request.robot >= streams_.size()) return {ReplyStatus::kUnknownFrame, 0, 0};
  const auto& s = streams_[request.robot];
  if (request.frame < 0 || static_cast<std::size_t>(request.frame) >= s.size()) {
    return {ReplyStatus::kUnknownFrame, 0, 0};
  }
  const agents::Frame& f = s[static_cast<std::size_t>(request.frame)];
  return {ReplyStatus::kOk, f.cloud_prediction, f.cloud_confidence};
}

std::string TraceCloudModel::describe() const {
  return fmt::format("trace (the recorded answers of {} robots' streams)", streams_.size());
}

}  // namespace offloadsim::sim::live
