// kind: network-study — the paper's ROS LIDAR bandwidth study (Fig. 2) in ns-3: a VLP-16 streams
// PointCloud2 messages over TCPROS on WiFi under the study's conditions; rates are estimated the
// way `rostopic bw` does at both ends. kind: network-run — robots streaming LIDAR and/or video over
// WiFi or LTE with background traffic. docs/network.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "netmodels/networks/network_run.h"
#include "sim/io/provenance.h"
#include "sim/runners/network_spec.h"
#include "sim/runners/parallel_units.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// Reads the data file a scenario field names; a bad file is reported with the field that named it.
void read_for_field(const Scenario& sc, const std::string& field, const std::function<void(const std::string&)>& read);

// Checks what the schema cannot (the network configuration as a whole, input files).
void check_network_scenario(const Scenario& sc);
// network-run's: that, and a background share of the cell's capacity only for cbr flows.
void check_network_run(const Scenario& sc);

// The network tables of a set of runs (one "condition" each), built as text and committed together.
struct Tables {
  std::string rates = "condition,flow,t_s,sent_mbps,received_mbps,goodput_mbps,publisher_drops,subscriber_drops\n";
  std::string summary;
  std::string messages = "condition,flow,seq,bytes,t_published,t_written,t_received,t_processed,latency_ms,dropped\n";
  std::string flows =
      "condition,flow_id,protocol,source,source_port,destination,destination_port,tx_bytes,rx_bytes,tx_packets,"
      "rx_packets,lost_packets,mean_delay_ms,throughput_mbps\n";
  std::string background = "condition,flow,received_bytes,goodput_mbps\n";
};

struct Row {  // one stream's summary line
  std::string condition, flow;
  double sent = 0, received = 0, share = 0, goodput = 0, latency_med = 0, latency_p95 = 0;
  // As rostopic hz: messages per second (1 / mean interval) and the shortest and longest interval
  // between consecutive callbacks.
  double rate_hz = std::nan(""), gap_min_ms = std::nan(""), gap_max_ms = std::nan("");
  std::size_t published = 0, processed = 0;
  std::uint64_t pub_drops = 0, sub_drops = 0;
};

// Adds one run's rows to the tables; returns its streams' summary rows.
std::vector<Row> add_run(Tables& t, const std::string& condition, const netmodels::NetworkRunResult& r,
                         double warmup_s);
// Writes rates.csv, summary.csv, messages.csv, background.csv (and flows.csv with FlowMonitor).
void commit_network_tables(const Scenario& sc, const RunOptions& opt, RunRecord& rec, const Tables& t,
                           const std::string& summary);

// The study's conditions run in parallel children (`--jobs`, as the closed loop's policies), joined
// in condition order: the same bytes as one after the other. One condition is a unit.
void run_network_study(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);
UnitParts network_study_unit(const Scenario& sc, std::size_t index, const std::function<void()>& tick);
void run_network_run(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

}  // namespace offloadsim::sim
