// kind: network-study — the paper's ROS LIDAR bandwidth study (Fig. 2) in ns-3: a VLP-16 streams
// PointCloud2 messages over TCPROS on WiFi under the study's conditions; rates are estimated the
// way `rostopic bw` does at both ends. kind: network-run — robots streaming LIDAR and/or video over
// WiFi or LTE with background traffic. docs/network.md.
#pragma once

#include <ostream>

#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// Checks what the schema cannot (the network configuration as a whole, input files).
void check_network_scenario(const Scenario& sc);

void run_network_study(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);
void run_network_run(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

}  // namespace offloadsim::sim
