// One packet-level ns-3 simulation of robots streaming sensor data over WiFi or LTE to servers,
// with background traffic: the network is assembled from a NetworkRunSpec, every TCPROS flow is
// logged message by message, sampled once per `sample_interval_s` the way `rostopic bw` reports,
// and FlowMonitor adds per-IP-flow statistics. A run is a value: run_network() sets up, runs and
// tears down ns-3's global simulator, so it can be called many times in one process.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <ns3/ipv4-address.h>
#include <ns3/node.h>
#include <ns3/ptr.h>

#include "netmodels/networks/network_settings.h"
#include "netmodels/tcpros/message_log.h"
#include "netmodels/tcpros/tcpros_publisher.h"
#include "netmodels/tcpros/tcpros_subscriber.h"

namespace offloadsim::netmodels {

// A network configuration ns-3 cannot build; `field` names the offending setting (the scenario's
// key path below `network.`), so that the scenario loader can point at the line.
class NetworkConfigError : public std::invalid_argument {
 public:
  NetworkConfigError(std::string field, const std::string& what)
      : std::invalid_argument(field + ": " + what), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

struct WifiSpec {
  WifiStandard standard = WifiStandard::k80211ac;
  WifiBand band = WifiBand::k5GHz;  // 802.11ac: 5GHz only
  int channel_width_mhz = 80;       // 20 | 40 | 80 | 160 (802.11ac)
  RateManager rate_manager = RateManager::kIdeal;
  int constant_mcs = 7;  // for rate_manager constant
  int spatial_streams = 1;
  Propagation propagation = Propagation::kLogDistance;
  double log_distance_exponent = 3.0;
  double tx_power_dbm = 20.0;
  int access_points = 1;
  double ap_spacing_m = 30.0;
  bool servers_on_wifi = false;  // servers are stations of the WiFi instead of wired behind the AP
  // How long a Block Ack originator waits for the ADDBA response. Linux mac80211 waits 1 s; ns-3
  // 3.37's default (1 ms) is shorter than the responder's channel access on a saturated channel, so
  // the agreement can fail again and again and lock a station out for the whole run.
  double addba_timeout_ms = 1000;
  std::string pcap_prefix;  // "": no pcap
};

struct LteSpec {
  int enbs = 1;
  double enb_spacing_m = 500.0;
  int ul_resource_blocks = 25;  // 6, 15, 25, 50, 75, 100
  int dl_resource_blocks = 25;
  LteScheduler scheduler = LteScheduler::kPf;
  std::uint32_t rlc_buffer_bytes = 1000000;
};

struct LinkSpec {
  double rate_mbps = 1000.0;
  double delay_ms = 1.0;
};

struct TcpSpec {
  TcpVariant variant = TcpVariant::kCubic;
  std::uint32_t send_buffer_bytes = 4194304;
  std::uint32_t receive_buffer_bytes = 6291456;
  std::uint32_t segment_bytes = 1448;
};

struct StreamSpec {  // one TCPROS publisher → subscriber pair
  std::string name;
  int robot = 0;
  int server = 0;  // < 0: published with no remote subscriber (the "sender" condition)
  MessageSource source;
  std::uint32_t publisher_queue = 10;
  std::uint32_t subscriber_queue = 10;
  ProcessingModel processing;
};

struct BackgroundSpec {
  std::string name;
  BackgroundKind kind = BackgroundKind::kBulk;
  Direction direction = Direction::kDownload;
  int station = 0;
  int server = 0;
  double rate_mbps = 0;  // cbr only
  double start_s = 0;
  double stop_s = 1e9;
};

struct NetworkRunSpec {
  NetworkType type = NetworkType::kWifi;
  WifiSpec wifi;
  LteSpec lte;
  LinkSpec server_link;
  LinkSpec robot_link;  // wired: each robot's and station's own link to the router
  TcpSpec tcp;
  int robots = 1;
  int servers = 1;
  int stations = 0;  // other machines on the same network (background traffic ends)
  double robot_distance_m = 5.0;
  std::vector<double> robot_distances_m;  // robot k's, for k < size(); the others robot_distance_m
  std::vector<double> robot_angles_deg;   // robot k's bearing from its AP/eNB, for k < size(); the others evenly spread
  double station_distance_m = 5.0;
  Mobility mobility = Mobility::kStatic;
  double robot_speed_mps = 1.0;
  std::vector<StreamSpec> streams;
  std::vector<BackgroundSpec> background;
  double duration_s = 10.0;
  double sample_interval_s = 1.0;
  std::size_t bw_window = 100;
  bool flow_monitor = false;                    // FlowMonitor on the end hosts: ~15-20% more wall time
  std::uint64_t seed = 1;                       // any value: ns3_rng_setting() maps it onto ns-3's seed and run numbers
  std::uint64_t run = 1;                        // the sub-stream, < kMaxRunsPerSeed (the study numbers its conditions)
  std::function<void(double sim_s)> on_second;  // progress, once per simulated second
  std::function<bool()> stop_requested;         // polled every 0.1 simulated s: true ends the run there
};

struct FlowSample {
  double t_s = 0;
  double sent_Bps = 0;                                      // rostopic bw on the robot (every published message)
  double received_Bps = 0;                                  // rostopic bw at the subscriber (every processed message)
  double goodput_Bps = 0;                                   // bytes read from the socket during the last interval
  std::uint64_t publisher_drops = 0, subscriber_drops = 0;  // cumulative
};

struct StreamResult {
  std::string name;
  bool remote = true;  // has a remote subscriber (spec server >= 0), whether or not TCP ever connected
  FlowLog log;
  std::vector<FlowSample> samples;
};

struct BackgroundResult {
  std::string name;
  std::uint64_t received_bytes = 0;
  double goodput_mbps = 0;  // over its active time
};

struct IpFlowStats {  // FlowMonitor, one row per IP 5-tuple
  std::uint32_t id = 0;
  std::string source, destination, protocol;
  std::uint16_t source_port = 0, destination_port = 0;
  std::uint64_t tx_bytes = 0, rx_bytes = 0, tx_packets = 0, rx_packets = 0, lost_packets = 0;
  double mean_delay_ms = 0, throughput_mbps = 0;
};

struct NetworkRunResult {
  std::vector<StreamResult> streams;
  std::vector<BackgroundResult> background;
  std::vector<IpFlowStats> ip_flows;
  bool stopped_early = false;  // stop_requested() said so: the records end before duration_s
};

// ns-3's generator (MRG32k3a) takes a seed in [1, 4294944442] and a run number; ours is any 64-bit
// seed. Seeds in [1, 4294944441] are used as they are; the rest are folded in with the run number, so
// that no two (seed, run) pairs share a random stream.
constexpr std::uint64_t kMaxRunsPerSeed = 1u << 16;
struct Ns3RngSetting {
  std::uint32_t seed;
  std::uint64_t run;
};
Ns3RngSetting ns3_rng_setting(std::uint64_t seed, std::uint64_t run);

// Checks the spec; throws NetworkConfigError naming the field.
void validate_network(const NetworkRunSpec& spec);

// What the simulator knows of the network and a robot does not: for analysis beside the robots'
// own estimates, never for their decisions.
struct NetworkGroundTruth {
  double ap_queue_packets = std::nan("");  // WiFi: packets waiting in every AP's MAC queues; NaN otherwise
  double channel_busy_s = std::nan("");    // WiFi: time AP 1's radio has been busy (sending, receiving or
                                           // sensing the medium busy) since the start; NaN otherwise
};

// A network assembled from a spec, ready to run: nodes, addresses, the TCPROS flows and the
// background traffic are installed, so that a caller (the closed loop) can add applications of its
// own on the robots and servers before run(). One at a time per process (ns-3's simulator is
// global); the destructor tears the simulator down.
class BuiltNetwork {
 public:
  explicit BuiltNetwork(const NetworkRunSpec& spec);  // validates: throws NetworkConfigError
  ~BuiltNetwork();
  BuiltNetwork(const BuiltNetwork&) = delete;
  BuiltNetwork& operator=(const BuiltNetwork&) = delete;

  const NetworkRunSpec& spec() const;
  ns3::Ptr<ns3::Node> robot(int k) const;
  ns3::Ptr<ns3::Node> server(int k) const;
  ns3::Ipv4Address robot_address(int k) const;
  ns3::Ipv4Address server_address(int k) const;
  // When applications start: after WiFi association and LTE attach.
  static double app_start_s();
  NetworkGroundTruth ground_truth() const;

  // Runs the simulation to spec.duration_s (or a stop request), once.
  NetworkRunResult run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds and runs in one call.
NetworkRunResult run_network(const NetworkRunSpec& spec);

}  // namespace offloadsim::netmodels
