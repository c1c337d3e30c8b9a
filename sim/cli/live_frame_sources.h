// Where a live robot process gets its frames (sim/live/live_robot.h's FrameSource): the trace's
// robot side in stream mode, or the video decoded, perceived on board and JPEG-encoded as a camera
// and the robot's computer would, in video mode.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "agents/loop/robot_agent.h"
#include "agents/perception/video_perception.h"
#include "sim/live/live_robot.h"
#include "sim/runners/live_inputs.h"

namespace offloadsim::sim {

// Stream mode: frame f is the agent's trace frame f; the payload is `bytes` of zeros.
std::unique_ptr<live::FrameSource> trace_frame_source(const agents::RobotAgent& agent, std::uint32_t bytes);

// Video mode: frame f is video frame video_frames[f] of in.video, counted by the robot model, its
// frame difference to the previous processed frame taken, JPEG-encoded at in.jpeg_quality; each
// frame's JPEG size is written to (*sizes)[f] before next() returns (the agent's query size).
std::unique_ptr<live::FrameSource> video_frame_source(const VideoInputs& in, std::vector<int> video_frames,
                                                      agents::HogCounterOptions robot, std::vector<double> edges,
                                                      std::shared_ptr<std::vector<std::uint32_t>> sizes);

}  // namespace offloadsim::sim
