#include "agents/perception/model_timing.h"

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "base/input_error.h"

namespace offloadsim::agents {

std::vector<SizedTiming> time_models(const std::string& path, const VideoOptions& options,
                                     const std::vector<FrameSize>& sizes,
                                     const std::function<void(const SizedTiming&)>& on_timing) {
  for (const FrameSize& s : sizes) {
    if (s.width < 16 || s.height < 16) {
      throw std::invalid_argument(fmt::format("time_models: {}×{} is not a frame size", s.width, s.height));
    }
  }
  if (options.frame_step < 1) throw std::invalid_argument("time_models: frame_step must be ≥ 1");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw base::InputError(path, 0, "", "video file not found");
  cv::VideoCapture cap(path, cv::CAP_FFMPEG);  // FFmpeg only, as process_video
  if (!cap.isOpened()) throw base::InputError(path, 0, "", "cannot be opened as a video (unknown or damaged format)");
  const PeopleCounter robot(options.robot), cloud(options.cloud);
  using Clock = std::chrono::steady_clock;
  std::vector<SizedTiming> out;
  cv::Mat frame, sized;
  int processed = 0;
  for (int index = 0; cap.read(frame); ++index) {
    if (index % options.frame_step != 0) continue;
    if (frame.empty() || frame.depth() != CV_8U)
      throw base::InputError(path, 0, "", fmt::format("frame {} is not 8-bit", index));
    for (const FrameSize& s : sizes) {
      if (frame.cols == s.width && frame.rows == s.height) {
        sized = frame;
      } else {
        const bool shrink = s.width * s.height < frame.cols * frame.rows;
        cv::resize(frame, sized, cv::Size(s.width, s.height), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
      }
      SizedTiming t;
      t.frame = index;
      t.size = s;
      const auto t0 = Clock::now();
      (void)robot.count(sized);
      const auto t1 = Clock::now();
      (void)cloud.count(sized);
      const auto t2 = Clock::now();
      t.robot_seconds = std::chrono::duration<double>(t1 - t0).count();
      t.cloud_seconds = std::chrono::duration<double>(t2 - t1).count();
      out.push_back(t);
      if (on_timing) on_timing(t);
    }
    if (options.max_frames > 0 && ++processed >= options.max_frames) break;
  }
  if (out.empty()) throw base::InputError(path, 0, "", "no frame could be decoded");
  return out;
}

}  // namespace offloadsim::agents
