// live.network: ns3 — the live processes across an ns-3 network run in real time. `offloadsim
// emulate` (internal) makes a network namespace per robot and one for the cloud, joins them to the
// scenario's network (netmodels/emulation) and runs it until stopped, sampling how far the
// real-time scheduler lags the wall clock; kind live starts it first and runs the cloud and each
// robot inside their namespaces (`ip netns exec`). docs/live.md.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "sim/io/child_process.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// Refuses, naming the field, what cannot be emulated here (no root, LTE, …).
void check_emulation(const Scenario& sc);

struct EmulateOptions {
  std::string scenario;
  std::string ready_file;  // written once the network is up: the namespaces, one per line
  std::string lag_file;    // lag samples (CSV), written at exit
};
// The `offloadsim emulate` process: exit 0 when stopped by a signal, 3 when it fell behind.
int emulate_main(const EmulateOptions& o, std::ostream& out);

// The orchestrator's handle on the emulation process.
class Emulation {
 public:
  Emulation(const Scenario& sc, const std::string& scenario_file, const std::filesystem::path& dir, std::ostream& out);
  ~Emulation();
  std::string cloud_address() const;
  std::vector<std::string> cloud_command_prefix() const;
  std::vector<std::string> robot_command_prefix(int robot) const;
  // Throws when the emulation ended (it fell behind real time, or failed): its log says why.
  void check_lag();
  void stop();
  // The lag samples (sim_s, lag_ms) after the warm-up: median, p99 and max, one line.
  std::string lag_summary() const;
  std::filesystem::path lag_file() const { return dir_ / "emulation_lag.csv"; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<ChildProcess> process_;
  std::vector<std::string> namespaces_;  // robots', then the cloud's
  std::string ip_;
  double max_lag_ms_ = 0;
  bool stopped_ = false;
};

}  // namespace offloadsim::sim
