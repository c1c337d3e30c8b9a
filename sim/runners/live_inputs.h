// What kind live prepares once for its processes (inputs/), and what a robot process reads of it:
// the live scenario every process loads, and in video mode the perception pass's traces and the
// robot model's calibration. docs/live.md.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "agents/perception/video_perception.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// The wall clock as Unix seconds: how the kind and its processes agree on a session's start.
inline double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Video mode: the perception pass's products the robots need beside their traces.
struct VideoInputs {
  std::string video;
  int frame_step = 1;
  int jpeg_quality = 90;
  agents::RobotCalibration calibration;
  double mean_jpeg_bytes = 0;
  std::map<std::string, std::vector<int>> trace_frames;  // trace id → the video frame of each step
};

// Reads <live.inputs>/calibration.csv and frames.csv, naming the file, line and field of anything
// wrong.
VideoInputs read_video_inputs(const Scenario& sc);

// Writes <dir>/scenario.yaml: the live scenario the processes load. In video mode it first runs the
// perception pass over the video (both models on every processed frame: the truth is the cloud
// model's count on the raw frame) and points the scenario's stream at its traces.
std::string prepare_inputs(const Scenario& sc, const std::filesystem::path& dir, bool progress, std::ostream& out);

}  // namespace offloadsim::sim
