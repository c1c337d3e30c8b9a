#include <ns3/core-module.h>
#include <ns3/point-to-point-module.h>

#include "netmodels/networks/cells.h"

namespace offloadsim::netmodels::cells {

Built build_wired(const NetworkRunSpec& spec) {
  Built b;
  ns3::NodeContainer router;
  router.Create(1);
  b.robots.Create(static_cast<std::uint32_t>(spec.robots));
  b.stations.Create(static_cast<std::uint32_t>(spec.stations));
  b.servers.Create(static_cast<std::uint32_t>(spec.servers));
  ns3::InternetStackHelper internet;
  internet.Install(router);
  internet.Install(b.robots);
  internet.Install(b.stations);
  internet.Install(b.servers);
  ns3::PointToPointHelper edge;
  edge.SetDeviceAttribute("DataRate", ns3::StringValue(data_rate(spec.robot_link.rate_mbps)));
  edge.SetChannelAttribute("Delay", ns3::TimeValue(ns3::Seconds(spec.robot_link.delay_ms / 1000.0)));
  ns3::PointToPointHelper wired;
  wired.SetDeviceAttribute("DataRate", ns3::StringValue(data_rate(spec.server_link.rate_mbps)));
  wired.SetChannelAttribute("Delay", ns3::TimeValue(ns3::Seconds(spec.server_link.delay_ms / 1000.0)));
  ns3::Ipv4AddressHelper ip;
  for (std::uint32_t k = 0; k < b.robots.GetN(); ++k) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.4.{}.0", k).c_str()), "255.255.255.0");
    b.robot_ip.push_back(ip.Assign(edge.Install(b.robots.Get(k), router.Get(0))).GetAddress(0));
  }
  for (std::uint32_t k = 0; k < b.stations.GetN(); ++k) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.5.{}.0", k).c_str()), "255.255.255.0");
    b.station_ip.push_back(ip.Assign(edge.Install(b.stations.Get(k), router.Get(0))).GetAddress(0));
  }
  for (std::uint32_t s = 0; s < b.servers.GetN(); ++s) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.3.{}.0", s).c_str()), "255.255.255.0");
    b.server_ip.push_back(ip.Assign(wired.Install(router.Get(0), b.servers.Get(s))).GetAddress(1));
  }
  ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
  return b;
}
}  // namespace offloadsim::netmodels::cells
