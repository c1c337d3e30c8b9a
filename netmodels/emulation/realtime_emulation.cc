#include "netmodels/emulation/realtime_emulation.h"

#include <fmt/format.h>

#include "ns3/core-module.h"
#include "ns3/fd-net-device-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/realtime-simulator-impl.h"

namespace offloadsim::netmodels {

std::string emulated_robot_address(int robot) {
  return fmt::format("172.16.{}.2", robot + 1);
}
std::string emulated_robot_gateway(int robot) {
  return fmt::format("172.16.{}.1", robot + 1);
}
std::string emulated_cloud_address() {
  return "172.17.0.2";
}
std::string emulated_cloud_gateway() {
  return "172.17.0.1";
}

void validate_emulation(const NetworkRunSpec& network) {
  if (network.type == NetworkType::kLte) {
    throw NetworkConfigError("type",
                             "live.network ns3 joins processes to WiFi or wired networks: LTE's EPC routes only to UE "
                             "addresses, not to a namespace behind a UE");
  }
  if (network.robots > 250) throw NetworkConfigError("type", "at most 250 emulated robots (one /24 each)");
}

namespace {

// Restores the default scheduler however the run ends: later simulations in this process are
// ordinary, as fast as the CPU allows.
struct RealtimeScope {
  RealtimeScope() {
    ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ns3::RealtimeSimulatorImpl"));
    // Linux drops IP and TCP packets whose checksum is zero: ns-3 must compute real ones.
    ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(true));
  }
  ~RealtimeScope() {
    ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ns3::DefaultSimulatorImpl"));
    ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(false));
  }
};

ns3::Ptr<ns3::NetDevice> add_tap_interface(ns3::Ptr<ns3::Node> node, int fd, const std::string& gateway) {
  ns3::FdNetDeviceHelper helper;
  helper.SetAttribute("EncapsulationMode", ns3::StringValue("Dix"));  // Ethernet II, as IFF_TAP | IFF_NO_PI
  ns3::NetDeviceContainer d = helper.Install(node);
  ns3::DynamicCast<ns3::FdNetDevice>(d.Get(0))->SetFileDescriptor(fd);
  ns3::Ipv4AddressHelper ip;
  const std::string base = gateway.substr(0, gateway.rfind('.')) + ".0";
  ip.SetBase(ns3::Ipv4Address(base.c_str()), "255.255.255.0", "0.0.0.1");
  ip.Assign(d);
  return d.Get(0);
}

}  // namespace

EmulationResult run_emulation(const EmulationSpec& spec) {
  validate_emulation(spec.network);
  if (static_cast<int>(spec.robot_tap_fds.size()) != spec.network.robots) {
    throw std::invalid_argument("run_emulation: one TAP per robot");
  }
  const RealtimeScope realtime;
  EmulationResult result;
  BuiltNetwork net(spec.network);
  for (int r = 0; r < spec.network.robots; ++r) {
    add_tap_interface(net.robot(r), spec.robot_tap_fds[static_cast<std::size_t>(r)], emulated_robot_gateway(r));
  }
  add_tap_interface(net.server(spec.cloud_server), spec.cloud_tap_fd, emulated_cloud_gateway());
  // The TAP subnets are stub networks of their nodes: global routing reaches them through the cell.
  ns3::Ipv4GlobalRoutingHelper::RecomputeRoutingTables();

  const ns3::Ptr<ns3::RealtimeSimulatorImpl> rt =
      ns3::DynamicCast<ns3::RealtimeSimulatorImpl>(ns3::Simulator::GetImplementation());
  if (!rt) throw std::logic_error("run_emulation: the real-time scheduler is not in use");
  double over_since = -1;  // simulated time the lag went over the bound, -1: it is under
  std::function<void()> probe = [&]() {
    const double sim = ns3::Simulator::Now().GetSeconds();
    const double lag = (rt->RealtimeNow() - ns3::Simulator::Now()).GetSeconds();
    result.lag.push_back({sim, lag});
    if (sim >= spec.warmup_s && lag > spec.max_lag_s) {
      ++result.samples_over;
      if (over_since < 0) over_since = sim;
      if (sim - over_since >= spec.max_lag_hold_s - 1e-9) {
        result.fell_behind = true;
        result.fell_behind_at_s = over_since;
        ns3::Simulator::Stop();
        return;
      }
    } else {
      over_since = -1;
    }
    ns3::Simulator::Schedule(ns3::Seconds(spec.lag_sample_s), probe);
  };
  ns3::Simulator::Schedule(ns3::Seconds(0), probe);
  if (spec.on_ready) ns3::Simulator::Schedule(ns3::Seconds(BuiltNetwork::app_start_s()), spec.on_ready);
  result.network = net.run();
  return result;
}

}  // namespace offloadsim::netmodels
