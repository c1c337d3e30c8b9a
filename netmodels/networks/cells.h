// What the network types share inside netmodels/networks: the nodes and addresses a builder
// returns, the limits every builder and the validation use, and the placement of nodes around
// their AP or eNB. One builder per type (wifi_cell.cc, lte_cell.cc, wired_cell.cc); BuiltNetwork
// (network_run.cc) calls the one a spec names and runs it. Internal: nothing outside this folder
// includes it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/vector.h>
#include <ns3/wifi-net-device.h>

#include "netmodels/networks/network_run.h"

namespace offloadsim::netmodels::cells {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kAppStartS = 0.5;  // after WiFi association (beacons every 102.4 ms) / LTE attach
inline constexpr int kMaxServers = 254;
inline constexpr int kMaxStationsPerAp = 253;
inline constexpr int kMaxLteUes = 250;

inline bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return v == a; });
}

inline std::string data_rate(double mbps) {
  return fmt::format("{}bps", static_cast<std::uint64_t>(std::llround(mbps * 1e6)));
}

// The nodes and addresses every network type provides.
struct Built {
  ns3::NodeContainer robots, servers, stations;
  std::vector<ns3::Ipv4Address> robot_ip, server_ip, station_ip;
  std::vector<ns3::Ptr<ns3::Object>> keep;        // helpers whose objects must live through the run
  std::vector<ns3::Ptr<ns3::WifiNetDevice>> aps;  // WiFi: each AP's device
};

// Node `what` ('r' robot, 's' station, 'v' server) number k.
inline ns3::Ptr<ns3::Node> node_of(const Built& b, char what, int k) {
  return (what == 'r' ? b.robots : what == 's' ? b.stations : b.servers).Get(static_cast<std::uint32_t>(k));
}

// Places node k at `radii[k]` (or `radius` past the list's end) from `centres[k % centres.size()]`,
// at bearing `angles_deg[k]` (or, past that list's end, the nodes spread evenly in angle from `phase`).
void place(ns3::NodeContainer nodes, const std::vector<ns3::Vector>& centres, double radius,
           const std::vector<double>& radii, const std::vector<double>& angles_deg, double phase,
           const NetworkRunSpec& spec, bool mobile);

// APs on a line, robots and stations around them, servers behind a router on wired links (or,
// with servers_on_wifi, stations of the same WiFi: then every byte crosses the air twice).
Built build_wifi(const NetworkRunSpec& spec);

// eNBs on a line, robots and stations as UEs around them, servers as remote hosts behind the PGW.
Built build_lte(const NetworkRunSpec& spec);

// Robots and stations each on a point-to-point link of their own to one router, servers on theirs:
// a path with no radio and no contention, where a request's time is its links' delays and
// transmission times alone.
Built build_wired(const NetworkRunSpec& spec);

}  // namespace offloadsim::netmodels::cells
