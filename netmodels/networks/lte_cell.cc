#include <ns3/core-module.h>
#include <ns3/lte-module.h>
#include <ns3/mobility-module.h>
#include <ns3/point-to-point-module.h>

#include "base/random_streams.h"
#include "netmodels/networks/cells.h"

namespace offloadsim::netmodels::cells {

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
}  // namespace offloadsim::netmodels::cells
