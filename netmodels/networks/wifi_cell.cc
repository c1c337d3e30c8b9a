// The WiFi cell: radio, stations joining their AP, placement, addresses, the wired backbone and,
// with several APs, static routes. Each step is its own function; build_wifi calls them in the
// order ns-3 must see (the objects each creates, and so the random streams they draw, follow it).
#include <ns3/core-module.h>
#include <ns3/mobility-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/wifi-module.h>

#include "base/random_streams.h"
#include "netmodels/networks/cells.h"

namespace offloadsim::netmodels::cells {

namespace {

// The standard and the rate control every device uses.
ns3::WifiHelper wifi_helper(const WifiSpec& w) {
  ns3::WifiHelper wifi;
  wifi.SetStandard(w.standard == WifiStandard::k80211ac ? ns3::WIFI_STANDARD_80211ac : ns3::WIFI_STANDARD_80211n);
  if (w.rate_manager == RateManager::kIdeal) {
    wifi.SetRemoteStationManager("ns3::IdealWifiManager");
  } else if (w.rate_manager == RateManager::kMinstrel) {
    wifi.SetRemoteStationManager("ns3::MinstrelHtWifiManager");
  } else {
    const std::string mode = w.standard == WifiStandard::k80211ac
                                 ? fmt::format("VhtMcs{}", w.constant_mcs)
                                 : fmt::format("HtMcs{}", w.constant_mcs + 8 * (w.spatial_streams - 1));
    wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode", ns3::StringValue(mode), "ControlMode",
                                 ns3::StringValue(mode));
  }
  return wifi;
}

// Propagation: delay at the speed of light, loss by Friis or the log-distance model.
ns3::YansWifiChannelHelper channel_helper(const WifiSpec& w) {
  const bool band5 = w.band == WifiBand::k5GHz;
  ns3::YansWifiChannelHelper channel;
  channel.SetPropagationDelay("ns3::ConstantSpeedPropagationDelayModel");
  if (w.propagation == Propagation::kFriis) {
    channel.AddPropagationLoss("ns3::FriisPropagationLossModel", "Frequency",
                               ns3::DoubleValue(band5 ? 5.18e9 : 2.412e9));
  } else {
    // Reference loss at 1 m: Friis at the band's frequency.
    channel.AddPropagationLoss("ns3::LogDistancePropagationLossModel", "Exponent",
                               ns3::DoubleValue(w.log_distance_exponent), "ReferenceLoss",
                               ns3::DoubleValue(band5 ? 46.6777 : 40.0459));
  }
  return channel;
}

// Every device's PHY on one channel: width, band, power and antennas.
ns3::YansWifiPhyHelper phy_helper(const WifiSpec& w, ns3::Ptr<ns3::YansWifiChannel> channel) {
  const bool band5 = w.band == WifiBand::k5GHz;
  ns3::YansWifiPhyHelper phy;
  phy.SetChannel(channel);
  phy.Set("ChannelSettings",
          ns3::StringValue(fmt::format("{{0, {}, {}, 0}}", w.channel_width_mhz, band5 ? "BAND_5GHZ" : "BAND_2_4GHZ")));
  phy.Set("TxPowerStart", ns3::DoubleValue(w.tx_power_dbm));
  phy.Set("TxPowerEnd", ns3::DoubleValue(w.tx_power_dbm));
  phy.Set("Antennas", ns3::UintegerValue(static_cast<std::uint32_t>(w.spatial_streams)));
  phy.Set("MaxSupportedTxSpatialStreams", ns3::UintegerValue(static_cast<std::uint32_t>(w.spatial_streams)));
  phy.Set("MaxSupportedRxSpatialStreams", ns3::UintegerValue(static_cast<std::uint32_t>(w.spatial_streams)));
  return phy;
}

// One BSS per AP: its devices (the AP's first) and who each station is ('r'|'s'|'v', index).
struct Bss {
  ns3::NetDeviceContainer devices;
  std::vector<std::pair<char, std::uint32_t>> members;
};

// Robots and stations (and, with servers_on_wifi, servers) join the AP they are placed around
// (k mod APs).
std::vector<Bss> install_devices(const WifiSpec& w, ns3::WifiHelper& wifi, const ns3::YansWifiPhyHelper& phy,
                                 const ns3::NodeContainer& aps, Built& b) {
  ns3::WifiMacHelper mac;
  std::vector<Bss> bss(static_cast<std::size_t>(w.access_points));
  for (int a = 0; a < w.access_points; ++a) {
    Bss& cell = bss[static_cast<std::size_t>(a)];
    const ns3::Ssid ssid(fmt::format("offloadsim-{}", a));
    mac.SetType("ns3::ApWifiMac", "Ssid", ns3::SsidValue(ssid));
    cell.devices.Add(wifi.Install(phy, mac, aps.Get(static_cast<std::uint32_t>(a))));
    b.aps.push_back(ns3::DynamicCast<ns3::WifiNetDevice>(cell.devices.Get(0)));
    mac.SetType("ns3::StaWifiMac", "Ssid", ns3::SsidValue(ssid));
    const auto join = [&](const ns3::NodeContainer& nodes, char what, bool on_wifi) {
      for (std::uint32_t k = 0; on_wifi && k < nodes.GetN(); ++k) {
        if (static_cast<int>(k) % w.access_points != a) continue;
        cell.devices.Add(wifi.Install(phy, mac, nodes.Get(k)));
        cell.members.emplace_back(what, k);
      }
    };
    join(b.robots, 'r', true);
    join(b.stations, 's', true);
    join(b.servers, 'v', w.servers_on_wifi);
  }
  ns3::Config::Set("/NodeList/*/DeviceList/*/$ns3::WifiNetDevice/HtConfiguration/ShortGuardIntervalSupported",
                   ns3::BooleanValue(true));
  return bss;
}

// APs on a line `ap_spacing_m` apart, 2.5 m up; robots, stations (and WiFi servers) around them.
void place_nodes(const NetworkRunSpec& spec, const ns3::NodeContainer& aps, Built& b) {
  const WifiSpec& w = spec.wifi;
  std::vector<ns3::Vector> centres;
  for (int a = 0; a < w.access_points; ++a) centres.emplace_back(a * w.ap_spacing_m, 0, 1.0);
  ns3::MobilityHelper fixed;
  auto ap_pos = ns3::CreateObject<ns3::ListPositionAllocator>();
  for (const auto& c : centres) ap_pos->Add(ns3::Vector(c.x, c.y, 2.5));
  fixed.SetPositionAllocator(ap_pos);
  fixed.SetMobilityModel("ns3::ConstantPositionMobilityModel");
  fixed.Install(aps);
  place(b.robots, centres, spec.robot_distance_m, spec.robot_distances_m, spec.robot_angles_deg, 0.0, spec, true);
  place(b.stations, centres, spec.station_distance_m, {}, {}, kPi / 2, spec, false);
  if (w.servers_on_wifi) place(b.servers, centres, spec.station_distance_m, {}, {}, kPi, spec, false);
}

// BSS a is 10.1.a.0/24 (the AP .1, its stations in the order they joined).
std::vector<ns3::Ipv4InterfaceContainer> address_bss(const std::vector<Bss>& bss, ns3::Ipv4AddressHelper& ip,
                                                     Built& b) {
  b.robot_ip.resize(b.robots.GetN());
  b.station_ip.resize(b.stations.GetN());
  b.server_ip.resize(b.servers.GetN());
  std::vector<ns3::Ipv4InterfaceContainer> bss_ifs;
  for (std::size_t a = 0; a < bss.size(); ++a) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.1.{}.0", a).c_str()), "255.255.255.0");
    const ns3::Ipv4InterfaceContainer ifs = ip.Assign(bss[a].devices);
    bss_ifs.push_back(ifs);
    for (std::size_t m = 0; m < bss[a].members.size(); ++m) {
      const auto [what, k] = bss[a].members[m];
      (what == 'r'   ? b.robot_ip
       : what == 's' ? b.station_ip
                     : b.server_ip)[k] = ifs.GetAddress(static_cast<std::uint32_t>(m + 1));
    }
  }
  return bss_ifs;
}

// The wired side: each AP to the router over 10 Gbps (10.2.a.0/24), each wired server to the
// router over network.server_link (10.3.s.0/24).
struct Backbone {
  std::vector<ns3::NetDeviceContainer> uplinks;  // AP a ↔ router
  std::vector<ns3::Ipv4InterfaceContainer> uplink_ifs;
  std::vector<std::pair<ns3::NetDeviceContainer, ns3::Ipv4InterfaceContainer>> server_links;
};

Backbone wire_backbone(const NetworkRunSpec& spec, const ns3::NodeContainer& aps, const ns3::NodeContainer& router,
                       ns3::Ipv4AddressHelper& ip, Built& b) {
  const WifiSpec& w = spec.wifi;
  Backbone bb;
  ns3::PointToPointHelper backbone;
  backbone.SetDeviceAttribute("DataRate", ns3::StringValue("10Gbps"));
  backbone.SetChannelAttribute("Delay", ns3::StringValue("10us"));
  for (std::uint32_t a = 0; a < aps.GetN(); ++a) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.2.{}.0", a).c_str()), "255.255.255.0");
    bb.uplinks.push_back(backbone.Install(aps.Get(a), router.Get(0)));
    bb.uplink_ifs.push_back(ip.Assign(bb.uplinks.back()));
  }
  ns3::PointToPointHelper wired;
  wired.SetDeviceAttribute("DataRate", ns3::StringValue(data_rate(spec.server_link.rate_mbps)));
  wired.SetChannelAttribute("Delay", ns3::TimeValue(ns3::Seconds(spec.server_link.delay_ms / 1000.0)));
  for (std::uint32_t s = 0; !w.servers_on_wifi && s < b.servers.GetN(); ++s) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.3.{}.0", s).c_str()), "255.255.255.0");
    const ns3::NetDeviceContainer link = wired.Install(router.Get(0), b.servers.Get(s));
    bb.server_links.emplace_back(link, ip.Assign(link));
    b.server_ip[s] = bb.server_links.back().second.GetAddress(1);
    if (!w.pcap_prefix.empty()) wired.EnablePcap(w.pcap_prefix + "-server", link.Get(1), true);
  }
  return bb;
}

// Co-channel APs share one channel, which ns-3's global routing reads as one broadcast link
// spanning several subnets and aborts on ("Network number confusion"). With more than one AP the
// routes are static: each station through its AP, each AP through the router, the router to each
// AP's subnet, each wired server through the router.
void route_statically(const std::vector<Bss>& bss, const std::vector<ns3::Ipv4InterfaceContainer>& bss_ifs,
                      const Backbone& bb, const ns3::NodeContainer& router) {
  ns3::Ipv4StaticRoutingHelper routing;
  const auto default_route = [&](ns3::Ptr<ns3::NetDevice> device, ns3::Ipv4Address gateway) {
    const auto ipv4 = device->GetNode()->GetObject<ns3::Ipv4>();
    routing.GetStaticRouting(ipv4)->SetDefaultRoute(gateway,
                                                    static_cast<std::uint32_t>(ipv4->GetInterfaceForDevice(device)));
  };
  const auto router_ipv4 = router.Get(0)->GetObject<ns3::Ipv4>();
  for (std::size_t a = 0; a < bss.size(); ++a) {
    for (std::uint32_t d = 1; d < bss[a].devices.GetN(); ++d) {
      default_route(bss[a].devices.Get(d), bss_ifs[a].GetAddress(0));
    }
    default_route(bb.uplinks[a].Get(0), bb.uplink_ifs[a].GetAddress(1));
    routing.GetStaticRouting(router_ipv4)
        ->AddNetworkRouteTo(ns3::Ipv4Address(fmt::format("10.1.{}.0", a).c_str()), ns3::Ipv4Mask("255.255.255.0"),
                            bb.uplink_ifs[a].GetAddress(0),
                            static_cast<std::uint32_t>(router_ipv4->GetInterfaceForDevice(bb.uplinks[a].Get(1))));
  }
  for (const auto& [link, ifs] : bb.server_links) default_route(link.Get(1), ifs.GetAddress(0));
}

}  // namespace

Built build_wifi(const NetworkRunSpec& spec) {
  const WifiSpec& w = spec.wifi;
  Built b;
  ns3::NodeContainer aps, router;
  aps.Create(static_cast<std::uint32_t>(w.access_points));
  router.Create(1);
  b.robots.Create(static_cast<std::uint32_t>(spec.robots));
  b.stations.Create(static_cast<std::uint32_t>(spec.stations));
  b.servers.Create(static_cast<std::uint32_t>(spec.servers));

  ns3::Config::SetDefault("ns3::QosTxop::AddBaResponseTimeout",
                          ns3::TimeValue(ns3::MicroSeconds(static_cast<std::int64_t>(w.addba_timeout_ms * 1000))));
  ns3::WifiHelper wifi = wifi_helper(w);
  ns3::YansWifiChannelHelper channel = channel_helper(w);
  const ns3::Ptr<ns3::YansWifiChannel> wifi_channel = channel.Create();
  ns3::YansWifiPhyHelper phy = phy_helper(w, wifi_channel);
  const std::vector<Bss> bss = install_devices(w, wifi, phy, aps, b);
  place_nodes(spec, aps, b);

  ns3::InternetStackHelper internet;
  internet.Install(aps);
  internet.Install(router);
  internet.Install(b.robots);
  internet.Install(b.stations);
  internet.Install(b.servers);
  ns3::Ipv4AddressHelper ip;
  const std::vector<ns3::Ipv4InterfaceContainer> bss_ifs = address_bss(bss, ip, b);
  const Backbone bb = wire_backbone(spec, aps, router, ip, b);
  if (!w.pcap_prefix.empty()) {
    for (const Bss& cell : bss) phy.EnablePcap(w.pcap_prefix + "-wifi", cell.devices);
  }
  // Fixed random streams (see assign_streams): backoffs, rate control, beacon jitter.
  ns3::NetDeviceContainer all;
  for (const Bss& cell : bss) all.Add(cell.devices);
  channel.AssignStreams(wifi_channel, base::streams::kNs3Wifi);
  wifi.AssignStreams(all, base::streams::kNs3Wifi + 10);
  if (w.access_points == 1) {
    ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    return b;
  }
  route_statically(bss, bss_ifs, bb, router);
  return b;
}

}  // namespace offloadsim::netmodels::cells
