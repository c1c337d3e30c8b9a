// Real processes across a simulated network: the network a NetworkRunSpec describes (WiFi or wired,
// with its background traffic) run by ns-3's real-time scheduler, with each robot node and the
// cloud's server node given one more interface, an FdNetDevice reading and writing Ethernet frames
// on a TAP device that lives in a Linux network namespace (sim/live/netns.h makes them). The ns-3
// node forwards between that interface and its WiFi or wired one, so a process in the namespace
// reaches the cloud's namespace through the simulated cell, its queues and its contention.
//
// The real-time scheduler keeps simulated time on the wall clock only while it can keep up: every
// `lag_sample_s` the lag (wall clock − simulated time) is sampled. A sample over `max_lag_s` is a
// hiccup, counted; a lag that stays over it for `max_lag_hold_s` means the simulator has fallen
// behind: the run is stopped and marked so (packets from the processes wait in its event queue, so
// every delay it gives them grows by the lag: its results would not be the network's). LTE is refused: its EPC routes
// to UE addresses only, not to networks behind a UE.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "netmodels/networks/network_run.h"

namespace offloadsim::netmodels {

// The addresses of the emulated hosts: robot r's namespace is 172.16.(r+1).2 behind its ns-3 node's
// 172.16.(r+1).1; the cloud's namespace is 172.17.0.2 behind its server node's 172.17.0.1.
std::string emulated_robot_address(int robot);
std::string emulated_robot_gateway(int robot);
std::string emulated_cloud_address();
std::string emulated_cloud_gateway();

struct EmulationSpec {
  NetworkRunSpec network;          // run at most network.duration_s; network.stop_requested ends it early
  std::vector<int> robot_tap_fds;  // one per robot of the network
  int cloud_tap_fd = -1;
  int cloud_server = 0;  // the server node that gets the cloud's interface
  double lag_sample_s = 0.1;
  double max_lag_s = 0.05;
  double max_lag_hold_s = 1.0;
  double warmup_s = 1.0;           // lag before this (association, handshakes) is recorded, not judged
  std::function<void()> on_ready;  // called once the network is up (WiFi associated)
};

struct LagSample {
  double sim_s = 0, lag_s = 0;
};

struct EmulationResult {
  std::vector<LagSample> lag;
  bool fell_behind = false;
  double fell_behind_at_s = 0;
  int samples_over = 0;  // after the warm-up, over max_lag_s
  NetworkRunResult network;
};

// Throws NetworkConfigError for a network the emulation cannot carry (LTE).
void validate_emulation(const NetworkRunSpec& network);

// Builds and runs the network in real time; restores ns-3's default scheduler afterwards.
EmulationResult run_emulation(const EmulationSpec& spec);

}  // namespace offloadsim::netmodels
