#include "sim/cli/live_frame_sources.h"

#include <chrono>
#include <utility>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "base/input_error.h"

namespace offloadsim::sim {

namespace {

using Clock = std::chrono::steady_clock;

// Stream mode: the trace's robot side; the payload is loop.query_bytes of zeros.
class TraceFrameSource final : public live::FrameSource {
 public:
  TraceFrameSource(const agents::RobotAgent& agent, std::uint32_t bytes) : agent_(agent), bytes_(bytes) {}
  live::LiveFrame next(int frame) override {
    const agents::Frame& f = agent_.frame(frame);
    live::LiveFrame lf;
    lf.robot_prediction = f.robot_prediction;
    lf.robot_confidence = f.robot_confidence;
    lf.features = f.features;
    lf.kind = live::PayloadKind::kEmbedding;
    lf.payload_bytes = bytes_;
    return lf;
  }

 private:
  const agents::RobotAgent& agent_;
  std::uint32_t bytes_;
};

// Video mode: decodes the video as a camera would deliver it, runs the on-board model on the frame,
// computes the frame difference to the previous processed frame, and JPEG-encodes it.
class VideoFrameSource final : public live::FrameSource {
 public:
  VideoFrameSource(const VideoInputs& in, std::vector<int> video_frames, agents::HogCounterOptions robot,
                   std::vector<double> edges)
      : in_(in),
        video_frames_(std::move(video_frames)),
        counter_(robot),
        edges_(std::move(edges)),
        cap_(in.video, cv::CAP_FFMPEG) {
    if (!cap_.isOpened()) throw base::InputError(in.video, 0, "", "cannot open the video");
  }
  live::LiveFrame next(int frame) override {
    const int want = video_frames_.at(static_cast<std::size_t>(frame));
    cv::Mat previous;
    if (want >= in_.frame_step) previous = want - in_.frame_step == last_index_ ? last_ : read(want - in_.frame_step);
    const cv::Mat current = read(want);
    if (previous.empty()) previous = current;
    live::LiveFrame lf;
    const auto start = Clock::now();
    agents::FrameRecord rec;
    rec.frame = want;
    rec.robot_count = counter_.count(current);
    rec.frame_diff = agents::frame_difference(previous, current);
    const agents::Frame f = agents::to_mdp_frames({rec}, in_.calibration, edges_).front();
    lf.inference_s = std::chrono::duration<double>(Clock::now() - start).count();
    lf.robot_prediction = f.robot_prediction;
    lf.robot_confidence = f.robot_confidence;
    lf.features = f.features;
    lf.kind = live::PayloadKind::kJpeg;
    cv::imencode(".jpg", current, lf.payload, {cv::IMWRITE_JPEG_QUALITY, in_.jpeg_quality});
    lf.payload_bytes = static_cast<std::uint32_t>(lf.payload.size());
    last_index_ = want;
    last_ = current;
    return lf;
  }

 private:
  // Frame `index` of the video: read on from the last one when it is ahead, else by seeking.
  cv::Mat read(int index) {
    if (index < position_ || index - position_ > 4 * in_.frame_step) {
      cap_.set(cv::CAP_PROP_POS_FRAMES, index);
      position_ = index;
    }
    cv::Mat m;
    while (position_ <= index) {
      if (!cap_.read(m)) throw base::InputError(in_.video, 0, "", fmt::format("cannot decode frame {}", position_));
      ++position_;
    }
    return m.clone();
  }

  const VideoInputs& in_;
  std::vector<int> video_frames_;
  agents::PeopleCounter counter_;
  std::vector<double> edges_;
  cv::VideoCapture cap_;
  int position_ = 0, last_index_ = -1;
  cv::Mat last_;
};

// Records each frame's payload size as it passes.
class SizedFrameSource final : public live::FrameSource {
 public:
  SizedFrameSource(std::unique_ptr<live::FrameSource> inner, std::shared_ptr<std::vector<std::uint32_t>> sizes)
      : inner_(std::move(inner)), sizes_(std::move(sizes)) {}
  live::LiveFrame next(int f) override {
    live::LiveFrame lf = inner_->next(f);
    (*sizes_)[static_cast<std::size_t>(f)] = lf.payload_bytes;  // read by the agent only after this returns
    return lf;
  }

 private:
  std::unique_ptr<live::FrameSource> inner_;
  std::shared_ptr<std::vector<std::uint32_t>> sizes_;
};

}  // namespace

std::unique_ptr<live::FrameSource> trace_frame_source(const agents::RobotAgent& agent, std::uint32_t bytes) {
  return std::make_unique<TraceFrameSource>(agent, bytes);
}

std::unique_ptr<live::FrameSource> video_frame_source(const VideoInputs& in, std::vector<int> video_frames,
                                                      agents::HogCounterOptions robot, std::vector<double> edges,
                                                      std::shared_ptr<std::vector<std::uint32_t>> sizes) {
  sizes->assign(video_frames.size(), 0);
  return std::make_unique<SizedFrameSource>(
      std::make_unique<VideoFrameSource>(in, std::move(video_frames), robot, std::move(edges)), std::move(sizes));
}

}  // namespace offloadsim::sim
