// Live mode (docs/live.md): the offload agent as real processes.
//   offloadsim cloud  — the cloud server (sim/live/cloud_server.h) for a live scenario;
//   offloadsim robot  — one robot (sim/live/live_robot.h) of a live scenario;
//   kind: live        — prepares the inputs, starts one cloud and N robots as child processes (on
//                       loopback, or each in its own network namespace across an ns-3 network run
//                       in real time), stops them cleanly, collects their CSVs into the columns of
//                       kind closed-loop, and runs the same scenario in pure simulation beside it
//                       (comparison.csv).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

void check_live(const Scenario& sc);
void run_live_kind(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

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
