// Live mode's processes (docs/live.md): `offloadsim cloud` serves a live scenario's cloud model
// (sim/live/cloud_server.h); `offloadsim robot` runs one robot of it (sim/live/live_robot.h) and
// writes its decisions, queries and summary in kind closed-loop's columns. Kind live
// (sim/runners/live_run.h) starts them as child processes.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace offloadsim::sim {

struct CloudProcessOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: a free port, written to port_file
  std::string port_file;
  std::string stats_file;  // JSON counters at exit
  std::string model;       // "" (the scenario's: opencv for live.source video, trace for stream) or "constant"
  double duration_s = 0;   // 0: until SIGINT/SIGTERM
};
// Serves until stopped; returns the exit code (0: stopped by a signal or at duration_s).
int cloud_main(const CloudProcessOptions& o, std::ostream& out);

struct RobotProcessOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  int index = 1;       // 1-based, as the output names robots
  std::string policy;  // a name of the scenario's policies ("" : the first)
  std::string cloud = "127.0.0.1:7070";
  std::string out_dir;
  double start_at_unix = 0;  // the session's start (Unix time, s); 0: now
};
int robot_main(const RobotProcessOptions& o, std::ostream& out);

}  // namespace offloadsim::sim
