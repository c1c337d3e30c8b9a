// Times the robot and cloud people counters of video_perception.h on a video's frames at several
// frame sizes (the closed loop's queries carry frames of one size per network: 1280×720 on WiFi,
// 640×360 on LTE; docs/loop.md). Each processed frame is resized to every size in turn and both
// models run on it, so that a drift in the machine's load touches every size alike. No ns-3 here.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agents/perception/video_perception.h"

namespace offloadsim::agents {

struct FrameSize {
  int width = 0;
  int height = 0;
  double megapixels() const { return static_cast<double>(width) * static_cast<double>(height) / 1e6; }
};

// One model run on one frame at one size.
struct SizedTiming {
  int frame = 0;  // index in the video
  FrameSize size;
  double robot_seconds = 0;
  double cloud_seconds = 0;
};

// Every `options.frame_step`-th frame (at most options.max_frames), at every size, in frame order
// and, within a frame, in the order of `sizes`. Throws base::InputError (file named) for a video
// that is missing or cannot be decoded, std::invalid_argument for a size under 16 pixels.
std::vector<SizedTiming> time_models(const std::string& path, const VideoOptions& options,
                                     const std::vector<FrameSize>& sizes,
                                     const std::function<void(const SizedTiming&)>& on_timing = {});

}  // namespace offloadsim::agents
