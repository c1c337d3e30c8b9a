// The closed loop: every simulated robot runs its offload agent inside an ns-3 network. Its frames
// arrive at the loop's rate, its cloud queries cross the simulated WiFi or LTE over TCP to a cloud
// with a finite number of workers, and its replies come back when the network delivers them,
// alongside the robots' sensor streams and the background traffic. The agents (agents/loop) see
// only what a robot could: their own round trips, service times and time-outs.
//
// Testable without a scenario file: a ClosedLoopSpec is a network spec plus the loop's settings.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "agents/loop/offload_agent.h"
#include "netmodels/networks/network_run.h"
#include "netmodels/offload/offload_server.h"

namespace offloadsim::sim {

struct ClosedLoopSpec {
  netmodels::NetworkRunSpec network;  // nodes, sensor streams, background, duration, seed
  int cloud_server = 0;               // the server node that hosts the cloud
  int cloud_workers = 1;
  std::vector<double> service_times_s = {0.0};  // one value: constant; more: drawn uniformly (seeded)
  std::uint32_t reply_bytes = 64;
  std::uint32_t probe_bytes = 64;
  double start_s = 1.0;  // the first frame (after association, attach and the TCP handshake)
  double fps = 10.0;
  double deadline_s = 0.1;
  double timeout_s = 1.0;
};

// One request on the wire, from the robot's side.
struct QueryRecord {
  int robot = 0;
  std::uint64_t id = 0;
  bool probe = false;
  int frame = -1;  // -1 for probes
  std::uint32_t bytes = 0;
  double sent_s = 0;
  double replied_s = -1;  // -1: never answered within the run
  double service_s = 0;
  // Ground truth the robot never sees: the query's wait in the cloud's queue for a worker; -1 when
  // no worker took it within the run (and for probes, which no worker answers).
  double cloud_wait_s = -1;
  bool timed_out = false;
};

// One robot as the loop drives it.
struct LoopRobot {
  agents::OffloadAgent* agent = nullptr;
  int frames = 0;  // frames its stream has
  // What the cloud model answers on frame f (label, confidence): the simulation's stand-in for
  // running the cloud model on the frame the query carried.
  std::function<std::pair<int, double>(int frame)> cloud_answer;
  // With no agent: the requests to send, at their sent_s (a recorded run's queries.csv), so that
  // the same traffic runs open loop, with no agent code (the loop's overhead benchmark).
  std::vector<QueryRecord> replay;
};

// What a simulator knows and a robot does not, sampled when each frame is decided: for analysis
// beside the robot's estimate, never given to an agent.
struct GroundTruth {
  std::size_t cloud_queue = 0;  // queries waiting or in service at the cloud
  netmodels::NetworkGroundTruth network;
};

struct ClosedLoopResult {
  std::vector<agents::ScoredFrame> frames;                  // every scored frame, robot by robot, in frame order
  std::map<std::pair<int, int>, GroundTruth> ground_truth;  // (robot, frame)
  std::vector<QueryRecord> queries;                         // queries and probes, in the order sent
  netmodels::NetworkRunResult network;                      // the sensor streams and background traffic
  netmodels::CloudStats cloud;
  std::vector<std::string> errors;  // e.g. a robot whose connection to the cloud failed
};

// When robot r (of `robots`) decides its first frame, and how many frames it plays: every frame
// whose deadline falls within the run, at most `available`.
double loop_first_frame_s(const ClosedLoopSpec& spec, int robot, int robots);
int loop_frames(const ClosedLoopSpec& spec, int robot, int robots, int available);

// Runs one closed-loop simulation; `robots[r]` drives robot r of spec.network (one per robot).
ClosedLoopResult run_closed_loop(const ClosedLoopSpec& spec, std::vector<LoopRobot>& robots);

}  // namespace offloadsim::sim
