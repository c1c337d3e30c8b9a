#include "netmodels/networks/network_run.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include <fmt/format.h>
#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/flow-monitor-module.h>
#include <ns3/internet-module.h>
#include <ns3/lte-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/wifi-module.h>

#include "base/random_streams.h"
#include "netmodels/tcpros/bw_estimator.h"

namespace offloadsim::netmodels {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kAppStartS = 0.5;  // after WiFi association (beacons every 102.4 ms) / LTE attach
constexpr int kMaxServers = 254;
constexpr int kMaxStationsPerAp = 253;
constexpr int kMaxLteUes = 250;
constexpr double kStopPollS = 0.1;  // how often a run asks whether to stop (Ctrl-C)
constexpr std::uint16_t kFirstStreamPort = 11311;
constexpr std::uint16_t kFirstBackgroundPort = 50000;

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return v == a; });
}

std::string data_rate(double mbps) {
  return fmt::format("{}bps", static_cast<std::uint64_t>(std::llround(mbps * 1e6)));
}

// The nodes and addresses every network type provides.
struct Built {
  ns3::NodeContainer robots, servers, stations;
  std::vector<ns3::Ipv4Address> robot_ip, server_ip, station_ip;
  std::vector<ns3::Ptr<ns3::Object>> keep;        // helpers whose objects must live through the run
  std::vector<ns3::Ptr<ns3::WifiNetDevice>> aps;  // WiFi: each AP's device
};

// Places node k at `radii[k]` (or `radius` past the list's end) from `centres[k % centres.size()]`,
// at bearing `angles_deg[k]` (or, past that list's end, the nodes spread evenly in angle from `phase`).
void place(ns3::NodeContainer nodes, const std::vector<ns3::Vector>& centres, double radius,
           const std::vector<double>& radii, const std::vector<double>& angles_deg, double phase,
           const NetworkRunSpec& spec, bool mobile) {
  auto positions = ns3::CreateObject<ns3::ListPositionAllocator>();
  for (std::uint32_t k = 0; k < nodes.GetN(); ++k) {
    const ns3::Vector c = centres[k % centres.size()];
    const double a = k < angles_deg.size() ? angles_deg[k] * kPi / 180
                                           : phase + 2 * kPi * k / std::max<std::uint32_t>(1, nodes.GetN());
    const double r = k < radii.size() ? radii[k] : radius;
    positions->Add(ns3::Vector(c.x + r * std::cos(a), c.y + r * std::sin(a), 1.0));
  }
  ns3::MobilityHelper mobility;
  mobility.SetPositionAllocator(positions);
  if (mobile && spec.mobility == Mobility::kRandomWalk) {
    double farthest = radius;
    for (double r : radii) farthest = std::max(farthest, r);
    const double r = std::max(2.0, 2 * farthest);
    mobility.SetMobilityModel(
        "ns3::RandomWalk2dMobilityModel", "Bounds",
        ns3::RectangleValue(ns3::Rectangle(-r, r + spec.wifi.ap_spacing_m * (spec.wifi.access_points - 1), -r, r)),
        "Speed", ns3::StringValue(fmt::format("ns3::ConstantRandomVariable[Constant={}]", spec.robot_speed_mps)));
  } else {
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
  }
  mobility.Install(nodes);
}

// APs on a line, robots and stations around them, servers behind a router on wired links (or,
// with servers_on_wifi, stations of the same WiFi: then every byte crosses the air twice).
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
  ns3::YansWifiPhyHelper phy;
  const ns3::Ptr<ns3::YansWifiChannel> wifi_channel = channel.Create();
  phy.SetChannel(wifi_channel);
  phy.Set("ChannelSettings",
          ns3::StringValue(fmt::format("{{0, {}, {}, 0}}", w.channel_width_mhz, band5 ? "BAND_5GHZ" : "BAND_2_4GHZ")));
  phy.Set("TxPowerStart", ns3::DoubleValue(w.tx_power_dbm));
  phy.Set("TxPowerEnd", ns3::DoubleValue(w.tx_power_dbm));
  phy.Set("Antennas", ns3::UintegerValue(static_cast<std::uint32_t>(w.spatial_streams)));
  phy.Set("MaxSupportedTxSpatialStreams", ns3::UintegerValue(static_cast<std::uint32_t>(w.spatial_streams)));
  phy.Set("MaxSupportedRxSpatialStreams", ns3::UintegerValue(static_cast<std::uint32_t>(w.spatial_streams)));

  // Robots and stations join the AP they are placed around (k mod APs).
  ns3::WifiMacHelper mac;
  std::vector<ns3::NetDeviceContainer> bss(static_cast<std::size_t>(w.access_points));
  std::vector<std::vector<std::pair<char, std::uint32_t>>> members(bss.size());  // ('r'|'s'|'v', index)
  for (int a = 0; a < w.access_points; ++a) {
    const ns3::Ssid ssid(fmt::format("offloadsim-{}", a));
    mac.SetType("ns3::ApWifiMac", "Ssid", ns3::SsidValue(ssid));
    bss[static_cast<std::size_t>(a)].Add(wifi.Install(phy, mac, aps.Get(static_cast<std::uint32_t>(a))));
    b.aps.push_back(ns3::DynamicCast<ns3::WifiNetDevice>(bss[static_cast<std::size_t>(a)].Get(0)));
    mac.SetType("ns3::StaWifiMac", "Ssid", ns3::SsidValue(ssid));
    for (std::uint32_t k = 0; k < b.robots.GetN(); ++k) {
      if (static_cast<int>(k) % w.access_points != a) continue;
      bss[static_cast<std::size_t>(a)].Add(wifi.Install(phy, mac, b.robots.Get(k)));
      members[static_cast<std::size_t>(a)].emplace_back('r', k);
    }
    for (std::uint32_t k = 0; k < b.stations.GetN(); ++k) {
      if (static_cast<int>(k) % w.access_points != a) continue;
      bss[static_cast<std::size_t>(a)].Add(wifi.Install(phy, mac, b.stations.Get(k)));
      members[static_cast<std::size_t>(a)].emplace_back('s', k);
    }
    for (std::uint32_t k = 0; w.servers_on_wifi && k < b.servers.GetN(); ++k) {
      if (static_cast<int>(k) % w.access_points != a) continue;
      bss[static_cast<std::size_t>(a)].Add(wifi.Install(phy, mac, b.servers.Get(k)));
      members[static_cast<std::size_t>(a)].emplace_back('v', k);
    }
  }
  ns3::Config::Set("/NodeList/*/DeviceList/*/$ns3::WifiNetDevice/HtConfiguration/ShortGuardIntervalSupported",
                   ns3::BooleanValue(true));

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

  ns3::InternetStackHelper internet;
  internet.Install(aps);
  internet.Install(router);
  internet.Install(b.robots);
  internet.Install(b.stations);
  internet.Install(b.servers);

  ns3::Ipv4AddressHelper ip;
  b.robot_ip.resize(b.robots.GetN());
  b.station_ip.resize(b.stations.GetN());
  b.server_ip.resize(b.servers.GetN());
  std::vector<ns3::Ipv4InterfaceContainer> bss_ifs;
  for (std::size_t a = 0; a < bss.size(); ++a) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.1.{}.0", a).c_str()), "255.255.255.0");
    const ns3::Ipv4InterfaceContainer ifs = ip.Assign(bss[a]);
    bss_ifs.push_back(ifs);
    for (std::size_t m = 0; m < members[a].size(); ++m) {
      const auto [what, k] = members[a][m];
      (what == 'r'   ? b.robot_ip
       : what == 's' ? b.station_ip
                     : b.server_ip)[k] = ifs.GetAddress(static_cast<std::uint32_t>(m + 1));
    }
  }
  ns3::PointToPointHelper backbone;
  backbone.SetDeviceAttribute("DataRate", ns3::StringValue("10Gbps"));
  backbone.SetChannelAttribute("Delay", ns3::StringValue("10us"));
  std::vector<ns3::NetDeviceContainer> uplinks;  // AP a ↔ router
  std::vector<ns3::Ipv4InterfaceContainer> uplink_ifs;
  for (std::uint32_t a = 0; a < aps.GetN(); ++a) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.2.{}.0", a).c_str()), "255.255.255.0");
    uplinks.push_back(backbone.Install(aps.Get(a), router.Get(0)));
    uplink_ifs.push_back(ip.Assign(uplinks.back()));
  }
  std::vector<std::pair<ns3::NetDeviceContainer, ns3::Ipv4InterfaceContainer>> server_links;
  ns3::PointToPointHelper wired;
  wired.SetDeviceAttribute("DataRate", ns3::StringValue(data_rate(spec.server_link.rate_mbps)));
  wired.SetChannelAttribute("Delay", ns3::TimeValue(ns3::Seconds(spec.server_link.delay_ms / 1000.0)));
  for (std::uint32_t s = 0; !w.servers_on_wifi && s < b.servers.GetN(); ++s) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("10.3.{}.0", s).c_str()), "255.255.255.0");
    const ns3::NetDeviceContainer link = wired.Install(router.Get(0), b.servers.Get(s));
    server_links.emplace_back(link, ip.Assign(link));
    b.server_ip[s] = server_links.back().second.GetAddress(1);
    if (!w.pcap_prefix.empty()) wired.EnablePcap(w.pcap_prefix + "-server", link.Get(1), true);
  }
  if (!w.pcap_prefix.empty()) {
    for (const auto& d : bss) phy.EnablePcap(w.pcap_prefix + "-wifi", d);
  }
  // Fixed random streams (see assign_streams): backoffs, rate control, beacon jitter.
  ns3::NetDeviceContainer all;
  for (const auto& d : bss) all.Add(d);
  channel.AssignStreams(wifi_channel, base::streams::kNs3Wifi);
  wifi.AssignStreams(all, base::streams::kNs3Wifi + 10);
  if (w.access_points == 1) {
    ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    return b;
  }
  // Co-channel APs share one channel, which ns-3's global routing reads as one broadcast link
  // spanning several subnets and aborts on ("Network number confusion"). With more than one AP the
  // routes are static: each station through its AP, each AP through the router, the router to each
  // AP's subnet, each wired server through the router.
  ns3::Ipv4StaticRoutingHelper routing;
  const auto default_route = [&](ns3::Ptr<ns3::NetDevice> device, ns3::Ipv4Address gateway) {
    const auto ipv4 = device->GetNode()->GetObject<ns3::Ipv4>();
    routing.GetStaticRouting(ipv4)->SetDefaultRoute(gateway,
                                                    static_cast<std::uint32_t>(ipv4->GetInterfaceForDevice(device)));
  };
  const auto router_ipv4 = router.Get(0)->GetObject<ns3::Ipv4>();
  for (std::size_t a = 0; a < bss.size(); ++a) {
    for (std::uint32_t d = 1; d < bss[a].GetN(); ++d) default_route(bss[a].Get(d), bss_ifs[a].GetAddress(0));
    default_route(uplinks[a].Get(0), uplink_ifs[a].GetAddress(1));
    routing.GetStaticRouting(router_ipv4)
        ->AddNetworkRouteTo(ns3::Ipv4Address(fmt::format("10.1.{}.0", a).c_str()), ns3::Ipv4Mask("255.255.255.0"),
                            uplink_ifs[a].GetAddress(0),
                            static_cast<std::uint32_t>(router_ipv4->GetInterfaceForDevice(uplinks[a].Get(1))));
  }
  for (const auto& [link, ifs] : server_links) default_route(link.Get(1), ifs.GetAddress(0));
  return b;
}

// eNBs on a line, robots and stations as UEs around them, servers as remote hosts behind the PGW.
Built build_lte(const NetworkRunSpec& spec) {
  const LteSpec& l = spec.lte;
  Built b;
  ns3::Config::SetDefault("ns3::LteEnbRrc::EpsBearerToRlcMapping", ns3::EnumValue(ns3::LteEnbRrc::RLC_AM_ALWAYS));
  ns3::Config::SetDefault("ns3::LteRlcAm::MaxTxBufferSize", ns3::UintegerValue(l.rlc_buffer_bytes));
  ns3::Config::SetDefault("ns3::LteRlcUm::MaxTxBufferSize", ns3::UintegerValue(l.rlc_buffer_bytes));
  auto lte = ns3::CreateObject<ns3::LteHelper>();
  auto epc = ns3::CreateObject<ns3::PointToPointEpcHelper>();
  lte->SetEpcHelper(epc);
  // ns-3 3.37's eNB gives each attached UE a sounding-reference-signal slot; with the default 40 ms
  // period more than 32 UEs abort the run inside the MAC scheduler. Longer periods (fewer channel
  // soundings per UE) make room; tried here: 75 UEs at 80 ms, 250 at 320 ms.
  const int n_ues = spec.robots + spec.stations;
  ns3::Config::SetDefault("ns3::LteEnbRrc::SrsPeriodicity", ns3::UintegerValue(n_ues <= 32   ? 40
                                                                               : n_ues <= 75 ? 80
                                                                                             : 320));
  lte->SetSchedulerType(l.scheduler == LteScheduler::kRr ? "ns3::RrFfMacScheduler" : "ns3::PfFfMacScheduler");
  lte->SetEnbDeviceAttribute("UlBandwidth", ns3::UintegerValue(static_cast<std::uint32_t>(l.ul_resource_blocks)));
  lte->SetEnbDeviceAttribute("DlBandwidth", ns3::UintegerValue(static_cast<std::uint32_t>(l.dl_resource_blocks)));

  ns3::Ptr<ns3::Node> pgw = epc->GetPgwNode();
  b.servers.Create(static_cast<std::uint32_t>(spec.servers));
  ns3::InternetStackHelper internet;
  internet.Install(b.servers);
  ns3::PointToPointHelper wired;
  wired.SetDeviceAttribute("DataRate", ns3::StringValue(data_rate(spec.server_link.rate_mbps)));
  wired.SetChannelAttribute("Delay", ns3::TimeValue(ns3::Seconds(spec.server_link.delay_ms / 1000.0)));
  ns3::Ipv4AddressHelper ip;
  ns3::Ipv4StaticRoutingHelper routing;
  for (std::uint32_t s = 0; s < b.servers.GetN(); ++s) {
    ip.SetBase(ns3::Ipv4Address(fmt::format("1.0.{}.0", s).c_str()), "255.255.255.0");
    const ns3::Ipv4InterfaceContainer ifs = ip.Assign(wired.Install(pgw, b.servers.Get(s)));
    b.server_ip.push_back(ifs.GetAddress(1));
    routing.GetStaticRouting(b.servers.Get(s)->GetObject<ns3::Ipv4>())
        ->AddNetworkRouteTo(ns3::Ipv4Address("7.0.0.0"), ns3::Ipv4Mask("255.0.0.0"), 1);
  }

  ns3::NodeContainer enbs;
  enbs.Create(static_cast<std::uint32_t>(l.enbs));
  b.robots.Create(static_cast<std::uint32_t>(spec.robots));
  b.stations.Create(static_cast<std::uint32_t>(spec.stations));
  std::vector<ns3::Vector> centres;
  auto enb_pos = ns3::CreateObject<ns3::ListPositionAllocator>();
  for (int e = 0; e < l.enbs; ++e) {
    centres.emplace_back(e * l.enb_spacing_m, 0, 1.5);
    enb_pos->Add(ns3::Vector(e * l.enb_spacing_m, 0, 30.0));
  }
  ns3::MobilityHelper fixed;
  fixed.SetPositionAllocator(enb_pos);
  fixed.SetMobilityModel("ns3::ConstantPositionMobilityModel");
  fixed.Install(enbs);
  place(b.robots, centres, spec.robot_distance_m, spec.robot_distances_m, spec.robot_angles_deg, 0.0, spec, true);
  place(b.stations, centres, spec.station_distance_m, {}, {}, kPi / 2, spec, false);

  ns3::NodeContainer ues(b.robots, b.stations);
  const ns3::NetDeviceContainer enb_devs = lte->InstallEnbDevice(enbs);
  const ns3::NetDeviceContainer ue_devs = lte->InstallUeDevice(ues);
  internet.Install(ues);
  const ns3::Ipv4InterfaceContainer ue_ifs = epc->AssignUeIpv4Address(ue_devs);
  for (std::uint32_t u = 0; u < ues.GetN(); ++u) {
    routing.GetStaticRouting(ues.Get(u)->GetObject<ns3::Ipv4>())->SetDefaultRoute(epc->GetUeDefaultGatewayAddress(), 1);
    (u < b.robots.GetN() ? b.robot_ip : b.station_ip).push_back(ue_ifs.GetAddress(u));
  }
  lte->Attach(ue_devs);  // each UE to the strongest cell
  b.keep = {lte, epc};
  lte->AssignStreams(ns3::NetDeviceContainer(enb_devs, ue_devs), base::streams::kNs3Lte);
  return b;
}

// Robots and stations each on a point-to-point link of their own to one router, servers on theirs:
// a path with no radio and no contention, where a request's time is its links' delays and
// transmission times alone.
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

ns3::Ptr<ns3::Node> node_of(const Built& b, char what, int k) {
  return (what == 'r' ? b.robots : what == 's' ? b.stations : b.servers).Get(static_cast<std::uint32_t>(k));
}

}  // namespace

void validate_network(const NetworkRunSpec& s) {
  if (s.robots < 1) throw NetworkConfigError("robots", "at least one robot");
  for (double d : s.robot_distances_m) {
    if (!(d > 0)) throw NetworkConfigError("robot_distances_m", fmt::format("{} m: distances must be positive", d));
  }
  if (s.servers < 1) throw NetworkConfigError("servers", "at least one server");
  if (s.servers > kMaxServers)
    throw NetworkConfigError("servers", fmt::format("at most {} (each server has a /24 link of its own)", kMaxServers));
  if (s.duration_s <= kAppStartS)
    throw NetworkConfigError("duration", fmt::format("must exceed {} s of set-up", kAppStartS));
  if (s.type == NetworkType::kWifi) {
    const WifiSpec& w = s.wifi;
    if (w.standard == WifiStandard::k80211ac && w.band != WifiBand::k5GHz)
      throw NetworkConfigError("wifi.band", "802.11ac runs in the 5GHz band only");
    const std::vector<int> widths =
        w.standard == WifiStandard::k80211ac ? std::vector<int>{20, 40, 80, 160} : std::vector<int>{20, 40};
    if (std::find(widths.begin(), widths.end(), w.channel_width_mhz) == widths.end()) {
      throw NetworkConfigError(
          "wifi.channel_width",
          fmt::format("{} MHz is not a channel width of {} in the {} band (allowed: {})", w.channel_width_mhz,
                      name_of(w.standard), name_of(w.band), fmt::join(widths, ", ")));
    }
    const int max_mcs = w.standard == WifiStandard::k80211ac ? 9 : 7;
    if (w.constant_mcs < 0 || w.constant_mcs > max_mcs) {
      throw NetworkConfigError("wifi.constant_mcs",
                               fmt::format("must be in [0, {}] for {}", max_mcs, name_of(w.standard)));
    }
    if (!(w.addba_timeout_ms > 0)) throw NetworkConfigError("wifi.addba_timeout_ms", "must be positive");
    if (w.spatial_streams < 1 || w.spatial_streams > 4)
      throw NetworkConfigError("wifi.spatial_streams", "must be 1 to 4");
    if (w.access_points < 1) throw NetworkConfigError("wifi.access_points", "at least one");
    // Each AP's stations share one /24 subnet with it: 253 stations at most.
    const auto on_first_ap = [&](int n) { return (n + w.access_points - 1) / w.access_points; };  // k mod APs
    const int per_ap =
        on_first_ap(s.robots) + on_first_ap(s.stations) + (w.servers_on_wifi ? on_first_ap(s.servers) : 0);
    if (per_ap > kMaxStationsPerAp) {
      throw NetworkConfigError(
          "wifi.access_points",
          fmt::format("{} robots, {} stations{} on {} AP(s) put {} devices on one AP; at most {} (one /24 subnet per "
                      "AP): add access points",
                      s.robots, s.stations, w.servers_on_wifi ? fmt::format(" and {} servers", s.servers) : "",
                      w.access_points, per_ap, kMaxStationsPerAp));
    }
  } else if (s.type == NetworkType::kWired) {
    // One /24 subnet per link, numbered by the host's index.
    if (s.robots > 256) throw NetworkConfigError("robots", "a wired network has at most 256 robots");
    if (s.stations > 256) throw NetworkConfigError("stations", "a wired network has at most 256 stations");
    if (!(s.robot_link.rate_mbps > 0)) throw NetworkConfigError("robot_link.rate_mbps", "must be positive");
  } else {
    const LteSpec& l = s.lte;
    for (const auto& [name, rb] : {std::pair{"lte.ul_resource_blocks", l.ul_resource_blocks},
                                   {"lte.dl_resource_blocks", l.dl_resource_blocks}}) {
      if (!one_of(std::to_string(rb), {"6", "15", "25", "50", "75", "100"})) {
        throw NetworkConfigError(name, fmt::format("{} is not an LTE bandwidth; allowed: 6, 15, 25, 50, 75, 100", rb));
      }
    }
    if (l.enbs < 1) throw NetworkConfigError("lte.enbs", "at least one eNB");
    if (s.robots + s.stations > kMaxLteUes) {
      throw NetworkConfigError("robots", fmt::format("{} robots and {} stations are {} LTE UEs; at most {} (ns-3's eNB "
                                                     "runs out of sounding-signal slots)",
                                                     s.robots, s.stations, s.robots + s.stations, kMaxLteUes));
    }
  }
  for (std::size_t k = 0; k < s.streams.size(); ++k) {
    const StreamSpec& st = s.streams[k];
    if (st.robot < 0 || st.robot >= s.robots)
      throw NetworkConfigError(
          "streams", fmt::format("stream '{}' names robot {}, but there are {}", st.name, st.robot, s.robots));
    if (st.server >= s.servers)
      throw NetworkConfigError(
          "streams", fmt::format("stream '{}' names server {}, but there are {}", st.name, st.server, s.servers));
    if (st.source.rate_hz <= 0)
      throw NetworkConfigError("streams", fmt::format("stream '{}' has no positive rate", st.name));
  }
  for (const BackgroundSpec& g : s.background) {
    if (g.station < 0 || g.station >= s.stations)
      throw NetworkConfigError("background",
                               fmt::format("flow '{}' names station {}, but there are {} (network.stations)", g.name,
                                           g.station, s.stations));
    if (g.server < 0 || g.server >= s.servers)
      throw NetworkConfigError("background",
                               fmt::format("flow '{}' names server {}, but there are {}", g.name, g.server, s.servers));
    if (g.kind == BackgroundKind::kCbr && g.rate_mbps <= 0)
      throw NetworkConfigError("background.rate_mbps", "a constant-rate flow needs a rate > 0");
    if (g.stop_s <= g.start_s)
      throw NetworkConfigError("background.stop_s", fmt::format("flow '{}' stops ({} s) before it starts ({} s)",
                                                                g.name, g.stop_s, g.start_s));
    if (g.start_s >= s.duration_s)
      throw NetworkConfigError("background.start_s", fmt::format("flow '{}' starts at {} s, after the run ends ({} s)",
                                                                 g.name, g.start_s, s.duration_s));
  }
}

Ns3RngSetting ns3_rng_setting(std::uint64_t seed, std::uint64_t run) {
  constexpr std::uint64_t kSeeds = 4294944442;  // MRG32k3a: a seed must be below m2 = 4294944443
  if (run >= kMaxRunsPerSeed) throw NetworkConfigError("run", fmt::format("run number {} is too large", run));
  // seed = q·kSeeds + r: ns-3 seed r (0 becomes kSeeds), run number q·kMaxRunsPerSeed + run.
  const std::uint64_t r = seed % kSeeds;
  const std::uint64_t q = seed / kSeeds;
  return {static_cast<std::uint32_t>(r == 0 ? kSeeds : r), q * kMaxRunsPerSeed + run};
}

struct BuiltNetwork::Impl {
  void on_phy_state(ns3::Time, ns3::Time duration, ::WifiPhyState state) {
    if (state != ::WifiPhyState::IDLE && state != ::WifiPhyState::SLEEP && state != ::WifiPhyState::OFF) {
      channel_busy_s += duration.GetSeconds();
    }
  }
  double channel_busy_s = 0;
  NetworkRunSpec spec;
  Built b;
  std::vector<std::shared_ptr<FlowLog>> logs;
  std::vector<ns3::Ptr<ns3::PacketSink>> sinks;
  ns3::FlowMonitorHelper flowmon_helper;
  ns3::Ptr<ns3::FlowMonitor> flowmon;
  bool ran = false;
};

BuiltNetwork::BuiltNetwork(const NetworkRunSpec& spec_in) : impl_(std::make_unique<Impl>()) {
  impl_->spec = spec_in;
  const NetworkRunSpec& spec = impl_->spec;
  validate_network(spec);
  const Ns3RngSetting rng = ns3_rng_setting(spec.seed, spec.run);
  ns3::RngSeedManager::SetSeed(rng.seed);
  ns3::RngSeedManager::SetRun(rng.run);
  ns3::Ipv4AddressGenerator::Reset();
  ns3::Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                          ns3::TypeIdValue(ns3::TypeId::LookupByName(
                              spec.tcp.variant == TcpVariant::kCubic ? "ns3::TcpCubic" : "ns3::TcpNewReno")));
  ns3::Config::SetDefault("ns3::TcpSocket::SndBufSize", ns3::UintegerValue(spec.tcp.send_buffer_bytes));
  ns3::Config::SetDefault("ns3::TcpSocket::RcvBufSize", ns3::UintegerValue(spec.tcp.receive_buffer_bytes));
  ns3::Config::SetDefault("ns3::TcpSocket::SegmentSize", ns3::UintegerValue(spec.tcp.segment_bytes));

  impl_->b = spec.type == NetworkType::kWifi  ? build_wifi(spec)
             : spec.type == NetworkType::kLte ? build_lte(spec)
                                              : build_wired(spec);
  const Built& b = impl_->b;

  // TCPROS flows.
  for (std::size_t k = 0; k < spec.streams.size(); ++k) {
    const StreamSpec& st = spec.streams[k];
    auto log = std::make_shared<FlowLog>();
    impl_->logs.push_back(log);
    ns3::Address remote;
    if (st.server >= 0) {
      const auto port = static_cast<std::uint16_t>(kFirstStreamPort + k);
      auto sub = ns3::CreateObject<TcprosSubscriber>();
      sub->Configure(port, st.subscriber_queue, st.processing, log);
      node_of(b, 'v', st.server)->AddApplication(sub);
      sub->SetStartTime(ns3::Seconds(0));
      sub->SetStopTime(ns3::Seconds(spec.duration_s));
      remote = ns3::InetSocketAddress(b.server_ip[static_cast<std::size_t>(st.server)], port);
    }
    auto pub = ns3::CreateObject<TcprosPublisher>();
    MessageSource src = st.source;
    src.start_s = std::max(src.start_s, kAppStartS);
    pub->Configure(remote, st.publisher_queue, src, log);
    node_of(b, 'r', st.robot)->AddApplication(pub);
    pub->SetStartTime(ns3::Seconds(kAppStartS));
    pub->SetStopTime(ns3::Seconds(spec.duration_s));
  }

  // Background traffic.
  for (std::size_t k = 0; k < spec.background.size(); ++k) {
    const BackgroundSpec& g = spec.background[k];
    const bool down = g.direction == Direction::kDownload;
    ns3::Ptr<ns3::Node> from = node_of(b, down ? 'v' : 's', down ? g.server : g.station);
    ns3::Ptr<ns3::Node> to = node_of(b, down ? 's' : 'v', down ? g.station : g.server);
    const ns3::Ipv4Address to_ip =
        down ? b.station_ip[static_cast<std::size_t>(g.station)] : b.server_ip[static_cast<std::size_t>(g.server)];
    const auto port = static_cast<std::uint16_t>(kFirstBackgroundPort + k);
    const std::string factory = g.kind == BackgroundKind::kBulk ? "ns3::TcpSocketFactory" : "ns3::UdpSocketFactory";
    ns3::PacketSinkHelper sink(factory, ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
    ns3::ApplicationContainer sink_app = sink.Install(to);
    sink_app.Start(ns3::Seconds(0));
    impl_->sinks.push_back(ns3::DynamicCast<ns3::PacketSink>(sink_app.Get(0)));
    ns3::ApplicationContainer src;
    if (g.kind == BackgroundKind::kBulk) {
      ns3::BulkSendHelper bulk(factory, ns3::InetSocketAddress(to_ip, port));
      bulk.SetAttribute("MaxBytes", ns3::UintegerValue(0));
      bulk.SetAttribute("SendSize", ns3::UintegerValue(8192));
      src = bulk.Install(from);
    } else {
      ns3::OnOffHelper cbr(factory, ns3::InetSocketAddress(to_ip, port));
      cbr.SetConstantRate(ns3::DataRate(data_rate(g.rate_mbps)), 1400);
      src = cbr.Install(from);
      cbr.AssignStreams(ns3::NodeContainer(from), base::streams::kNs3Apps + 10 * static_cast<std::int64_t>(k));
    }
    src.Start(ns3::Seconds(std::max(g.start_s, kAppStartS)));
    src.Stop(ns3::Seconds(std::min(g.stop_s, spec.duration_s)));
  }

  ns3::MobilityHelper().AssignStreams(ns3::NodeContainer::GetGlobal(), base::streams::kNs3Mobility);
  ns3::InternetStackHelper().AssignStreams(ns3::NodeContainer::GetGlobal(), base::streams::kNs3Internet);

  if (!b.aps.empty()) {
    b.aps.front()->GetPhy()->GetState()->TraceConnectWithoutContext(
        "State", ns3::MakeCallback(&Impl::on_phy_state, impl_.get()));
  }

  // On the end hosts only: in the EPC core FlowMonitor's probes would see GTP tunnels, not flows.
  if (spec.flow_monitor) {
    impl_->flowmon = impl_->flowmon_helper.Install(ns3::NodeContainer(b.robots, b.stations, b.servers));
  }
}

BuiltNetwork::~BuiltNetwork() {
  ns3::Simulator::Destroy();
}

const NetworkRunSpec& BuiltNetwork::spec() const {
  return impl_->spec;
}

ns3::Ptr<ns3::Node> BuiltNetwork::robot(int k) const {
  return node_of(impl_->b, 'r', k);
}

ns3::Ptr<ns3::Node> BuiltNetwork::server(int k) const {
  return node_of(impl_->b, 'v', k);
}

ns3::Ipv4Address BuiltNetwork::robot_address(int k) const {
  return impl_->b.robot_ip.at(static_cast<std::size_t>(k));
}

ns3::Ipv4Address BuiltNetwork::server_address(int k) const {
  return impl_->b.server_ip.at(static_cast<std::size_t>(k));
}

double BuiltNetwork::app_start_s() {
  return kAppStartS;
}

NetworkGroundTruth BuiltNetwork::ground_truth() const {
  NetworkGroundTruth g;
  if (impl_->b.aps.empty()) return g;
  g.ap_queue_packets = 0;
  for (const auto& ap : impl_->b.aps) {
    for (const ns3::AcIndex ac : {ns3::AC_BE, ns3::AC_BK, ns3::AC_VI, ns3::AC_VO}) {
      g.ap_queue_packets += ap->GetMac()->GetTxopQueue(ac)->GetNPackets();
    }
  }
  g.channel_busy_s = impl_->channel_busy_s;
  return g;
}

NetworkRunResult BuiltNetwork::run() {
  if (impl_->ran) throw std::logic_error("a built network runs once");
  impl_->ran = true;
  const NetworkRunSpec& spec = impl_->spec;
  const std::vector<std::shared_ptr<FlowLog>>& logs = impl_->logs;
  const auto& sinks = impl_->sinks;
  const auto& flowmon = impl_->flowmon;
  auto& flowmon_helper = impl_->flowmon_helper;

  // rostopic bw at both ends of every flow, once per sample interval.
  NetworkRunResult result;
  result.streams.resize(spec.streams.size());
  struct Cursor {
    BandwidthEstimator sent, received;
    std::size_t published = 0, processed = 0;
    std::uint64_t socket_bytes = 0;
  };
  std::vector<Cursor> cursors(spec.streams.size(),
                              Cursor{BandwidthEstimator(spec.bw_window), BandwidthEstimator(spec.bw_window)});
  std::function<void()> sample = [&]() {
    const double now = ns3::Simulator::Now().GetSeconds();
    for (std::size_t k = 0; k < logs.size(); ++k) {
      const FlowLog& log = *logs[k];
      Cursor& c = cursors[k];
      for (; c.published < log.messages.size(); ++c.published) {
        c.sent.add(log.messages[c.published].t_published, log.messages[c.published].bytes);
      }
      for (; c.processed < log.processed.size(); ++c.processed) {
        const MessageRecord& m = log.messages[log.processed[c.processed]];
        c.received.add(m.t_processed, m.bytes);
      }
      FlowSample s;
      s.t_s = now;
      s.sent_Bps = c.sent.rate(now);
      s.received_Bps = c.received.rate(now);
      s.goodput_Bps = static_cast<double>(log.socket_bytes_read - c.socket_bytes) / spec.sample_interval_s;
      c.socket_bytes = log.socket_bytes_read;
      s.publisher_drops = log.publisher_drops;
      s.subscriber_drops = log.subscriber_drops;
      result.streams[k].samples.push_back(s);
    }
    if (now + spec.sample_interval_s <= spec.duration_s + 1e-9) {
      ns3::Simulator::Schedule(ns3::Seconds(spec.sample_interval_s), sample);
    }
  };
  ns3::Simulator::Schedule(ns3::Seconds(spec.sample_interval_s), sample);
  std::function<void()> tick = [&]() {
    spec.on_second(ns3::Simulator::Now().GetSeconds());
    if (ns3::Simulator::Now().GetSeconds() + 1 < spec.duration_s) ns3::Simulator::Schedule(ns3::Seconds(1), tick);
  };
  if (spec.on_second) ns3::Simulator::Schedule(ns3::Seconds(1), tick);
  std::function<void()> poll = [&]() {
    if (spec.stop_requested()) {
      result.stopped_early = true;
      ns3::Simulator::Stop();
    } else if (ns3::Simulator::Now().GetSeconds() + kStopPollS < spec.duration_s) {
      ns3::Simulator::Schedule(ns3::Seconds(kStopPollS), poll);
    }
  };
  if (spec.stop_requested) ns3::Simulator::Schedule(ns3::Seconds(kStopPollS), poll);

  ns3::Simulator::Stop(ns3::Seconds(spec.duration_s + 1e-6));
  ns3::Simulator::Run();

  for (std::size_t k = 0; k < logs.size(); ++k) {
    result.streams[k].name = spec.streams[k].name;
    result.streams[k].remote = spec.streams[k].server >= 0;
    result.streams[k].log = *logs[k];
  }
  for (std::size_t k = 0; k < spec.background.size(); ++k) {
    const BackgroundSpec& g = spec.background[k];
    BackgroundResult r;
    r.name = g.name;
    r.received_bytes = sinks[k]->GetTotalRx();
    const double active = std::min(g.stop_s, spec.duration_s) - std::max(g.start_s, kAppStartS);
    r.goodput_mbps = active > 0 ? static_cast<double>(r.received_bytes) * 8 / active / 1e6 : 0;
    result.background.push_back(r);
  }
  if (flowmon) {
    flowmon->CheckForLostPackets();
    auto classifier = ns3::DynamicCast<ns3::Ipv4FlowClassifier>(flowmon_helper.GetClassifier());
    for (const auto& [id, st] : flowmon->GetFlowStats()) {
      const ns3::Ipv4FlowClassifier::FiveTuple t = classifier->FindFlow(id);
      IpFlowStats f;
      f.id = id;
      std::ostringstream src, dst;
      t.sourceAddress.Print(src);
      t.destinationAddress.Print(dst);
      f.source = src.str();
      f.destination = dst.str();
      f.protocol = t.protocol == 6 ? "tcp" : t.protocol == 17 ? "udp" : std::to_string(t.protocol);
      f.source_port = t.sourcePort;
      f.destination_port = t.destinationPort;
      f.tx_bytes = st.txBytes;
      f.rx_bytes = st.rxBytes;
      f.tx_packets = st.txPackets;
      f.rx_packets = st.rxPackets;
      f.lost_packets = st.lostPackets;
      f.mean_delay_ms = st.rxPackets > 0 ? st.delaySum.GetSeconds() * 1000 / static_cast<double>(st.rxPackets) : 0;
      const double span = (st.timeLastRxPacket - st.timeFirstTxPacket).GetSeconds();
      f.throughput_mbps = span > 0 ? static_cast<double>(st.rxBytes) * 8 / span / 1e6 : 0;
      result.ip_flows.push_back(f);
    }
  }
  return result;
}

NetworkRunResult run_network(const NetworkRunSpec& spec) {
  BuiltNetwork network(spec);
  return network.run();
}

}  // namespace offloadsim::netmodels
