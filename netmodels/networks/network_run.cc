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
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>
#include <ns3/wifi-module.h>

#include "base/random_streams.h"
#include "netmodels/networks/cells.h"
#include "netmodels/tcpros/bw_estimator.h"

namespace offloadsim::netmodels {

namespace {

constexpr double kStopPollS = 0.1;  // how often a run asks whether to stop (Ctrl-C)
constexpr std::uint16_t kFirstStreamPort = 11311;
constexpr std::uint16_t kFirstBackgroundPort = 50000;

using cells::Built;
using cells::data_rate;
using cells::kAppStartS;
using cells::node_of;

}  // namespace

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

  impl_->b = spec.type == NetworkType::kWifi  ? cells::build_wifi(spec)
             : spec.type == NetworkType::kLte ? cells::build_lte(spec)
                                              : cells::build_wired(spec);
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

namespace {

// Each background flow's bytes received and goodput over the time it was on.
std::vector<BackgroundResult> background_results(const NetworkRunSpec& spec,
                                                 const std::vector<ns3::Ptr<ns3::PacketSink>>& sinks) {
  std::vector<BackgroundResult> out;
  for (std::size_t k = 0; k < spec.background.size(); ++k) {
    const BackgroundSpec& g = spec.background[k];
    BackgroundResult r;
    r.name = g.name;
    r.received_bytes = sinks[k]->GetTotalRx();
    const double active = std::min(g.stop_s, spec.duration_s) - std::max(g.start_s, kAppStartS);
    r.goodput_mbps = active > 0 ? static_cast<double>(r.received_bytes) * 8 / active / 1e6 : 0;
    out.push_back(r);
  }
  return out;
}

// FlowMonitor's statistics of every IP flow between the end hosts.
std::vector<IpFlowStats> ip_flow_stats(ns3::FlowMonitor& flowmon, ns3::FlowMonitorHelper& helper) {
  std::vector<IpFlowStats> out;
  flowmon.CheckForLostPackets();
  auto classifier = ns3::DynamicCast<ns3::Ipv4FlowClassifier>(helper.GetClassifier());
  for (const auto& [id, st] : flowmon.GetFlowStats()) {
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
    out.push_back(f);
  }
  return out;
}

}  // namespace

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
  result.background = background_results(spec, sinks);
  if (flowmon) result.ip_flows = ip_flow_stats(*flowmon, flowmon_helper);
  return result;
}

NetworkRunResult run_network(const NetworkRunSpec& spec) {
  BuiltNetwork network(spec);
  return network.run();
}

}  // namespace offloadsim::netmodels
