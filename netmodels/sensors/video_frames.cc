#include "netmodels/sensors/video_frames.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "base/input_error.h"

namespace offloadsim::netmodels {

EncodedVideo encode_video_frames(const std::string& path, int width, int height, int jpeg_quality, int max_frames,
                                 const std::function<void(std::size_t, std::size_t)>& after_frame) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw base::InputError(path, 0, "", "is a directory, not a video file");
  if (!std::filesystem::is_regular_file(path, ec)) throw base::InputError(path, 0, "", "video file not found");
  cv::VideoCapture cap(path, cv::CAP_FFMPEG);
  if (!cap.isOpened()) throw base::InputError(path, 0, "", "cannot be opened as a video (unknown or damaged format)");
  EncodedVideo v;
  v.fps = cap.get(cv::CAP_PROP_FPS);
  const double in_file = cap.get(cv::CAP_PROP_FRAME_COUNT);
  std::size_t total = in_file > 0 ? static_cast<std::size_t>(in_file) : 0;
  if (max_frames > 0 && (total == 0 || total > static_cast<std::size_t>(max_frames)))
    total = static_cast<std::size_t>(max_frames);
  const std::vector<int> params = {cv::IMWRITE_JPEG_QUALITY, jpeg_quality};
  cv::Mat frame, scaled;
  std::vector<std::uint8_t> jpeg;
  while ((max_frames <= 0 || static_cast<int>(v.frame_bytes.size()) < max_frames) && cap.read(frame)) {
    if (width > 0 && height > 0 && (frame.cols != width || frame.rows != height)) {
      cv::resize(frame, scaled, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
    } else {
      scaled = frame;
    }
    v.width = scaled.cols;
    v.height = scaled.rows;
    cv::imencode(".jpg", scaled, jpeg, params);
    v.frame_bytes.push_back(static_cast<std::uint32_t>(jpeg.size()));
    if (after_frame) after_frame(v.frame_bytes.size(), std::max(total, v.frame_bytes.size()));
  }
  if (v.frame_bytes.empty()) throw base::InputError(path, 0, "", "no frame could be decoded");
  return v;
}

std::uint32_t ParametricVideo::frame_bytes(std::uint64_t seq) const {
  const double mean = bitrate_mbps * 1e6 / 8.0 / fps;
  const double p = mean * gop / (i_to_p_ratio + gop - 1);
  const double size = (seq % static_cast<std::uint64_t>(gop) == 0) ? i_to_p_ratio * p : p;
  return static_cast<std::uint32_t>(std::lround(size));
}

}  // namespace offloadsim::netmodels
