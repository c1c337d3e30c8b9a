// The pieces of a closed-loop scenario that every backend of the agent shares — the simulation
// (kind closed-loop), the congestion kinds, the live processes of sim/live — read from its fields
// once: streams, policies' and agent's settings, deadline, frames, queries' sizes, service times.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agents/loop/robot_agent.h"
#include "agents/mdp/trace.h"
#include "agents/streams/synthetic_stream.h"
#include "sim/runners/policy_factory.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// The robots' streams (episodes per robot) and the heuristics' calibration traces.
struct LoopStreams {
  std::vector<std::vector<agents::Trace>> episodes;
  std::vector<agents::Trace> calibration;
};
LoopStreams loop_streams(const Scenario& sc);
// The synthetic stream stream.* describes, on the given split of its table (stream.test_split for
// the robots' streams, stream.train_split for calibration and training).
agents::SyntheticStreamParams loop_stream_params(const Scenario& sc, const std::string& split);
// the agent's settings, its policies' settings, a frame's deadline, frames per robot, service times.
agents::RobotAgentSettings loop_agent_settings(const Scenario& sc, double mean_query_bytes);
PolicySettings loop_policy_settings(const Scenario& sc);
double loop_deadline_s(const Scenario& sc);
int loop_frames_needed(const Scenario& sc);
std::vector<double> loop_service_times(const Scenario& sc);
// The queries' payloads: the JPEG sizes of loop.query_video's frames (encoded as camera.* says),
// or loop.query_bytes; and a description of them.
struct QuerySizes {
  std::vector<std::uint32_t> bytes;  // frame f's query: bytes[f mod size]
  double mean = 0;
  std::string what;
};
QuerySizes loop_query_sizes(const Scenario& sc, bool progress);

}  // namespace offloadsim::sim
