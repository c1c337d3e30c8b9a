// The baseline of the network benchmark: the ROS LIDAR study's traffic in a minimal ns-3 program
// that uses nothing of offloadsim — same WiFi (802.11ac, 80 MHz, ideal rate control, log-distance
// loss), same wired servers, same TCP settings; each robot writes 887,222-byte messages into a TCP
// socket at 9.92 Hz, a PacketSink reads them; with_download adds a bulk TCP download to a second
// station. Prints the wall time per simulated second.
//   bare_ns3_lidar CONDITION SIMULATED_SECONDS     (one_receiver | with_download | two_pairs)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/wifi-module.h>

using namespace ns3;

namespace {

constexpr uint32_t kMessageBytes = 887222;
constexpr double kRateHz = 9.92;

// Writes one message per period into a connected TCP socket; whatever the socket cannot take
// waits for its send callback.
class PeriodicWriter : public Application {
 public:
  void Setup(Address remote) { remote_ = remote; }

 private:
  void StartApplication() override {
    socket_ = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    socket_->Bind();
    socket_->Connect(remote_);
    socket_->SetSendCallback(MakeCallback(&PeriodicWriter::Room, this));
    Simulator::ScheduleNow(&PeriodicWriter::Publish, this);
  }
  void StopApplication() override { event_.Cancel(); }
  void Publish() {
    if (backlog_ < 10ULL * kMessageBytes) backlog_ += kMessageBytes + 4;
    Write();
    event_ = Simulator::Schedule(Seconds(1 / kRateHz), &PeriodicWriter::Publish, this);
  }
  void Room(Ptr<Socket>, uint32_t) { Write(); }
  void Write() {
    while (backlog_ > 0) {
      const uint32_t n = std::min<uint64_t>({backlog_, socket_->GetTxAvailable(), 65536});
      if (n == 0 || socket_->Send(Create<Packet>(n)) < 0) return;
      backlog_ -= n;
    }
  }
  Address remote_;
  Ptr<Socket> socket_;
  EventId event_;
  uint64_t backlog_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s one_receiver|with_download|two_pairs SIMULATED_SECONDS\n", argv[0]);
    return 2;
  }
  const std::string condition = argv[1];
  const double duration = std::atof(argv[2]);
  const int robots = condition == "two_pairs" ? 2 : 1;
  const int stations = condition == "with_download" ? 1 : 0;
  const int servers = condition == "one_receiver" ? 1 : 2;

  Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TypeId::LookupByName("ns3::TcpCubic")));
  Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(4194304));
  Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(6291456));
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
  Config::SetDefault("ns3::QosTxop::AddBaResponseTimeout", TimeValue(Seconds(1)));  // as Linux (and the testbed)

  NodeContainer ap, router, stas, srv;
  ap.Create(1);
  router.Create(1);
  stas.Create(robots + stations);
  srv.Create(servers);

  WifiHelper wifi;
  wifi.SetStandard(WIFI_STANDARD_80211ac);
  wifi.SetRemoteStationManager("ns3::IdealWifiManager");
  YansWifiChannelHelper channel;
  channel.SetPropagationDelay("ns3::ConstantSpeedPropagationDelayModel");
  channel.AddPropagationLoss("ns3::LogDistancePropagationLossModel", "Exponent", DoubleValue(3.0), "ReferenceLoss",
                             DoubleValue(46.6777));
  YansWifiPhyHelper phy;
  phy.SetChannel(channel.Create());
  phy.Set("ChannelSettings", StringValue("{0, 80, BAND_5GHZ, 0}"));
  phy.Set("TxPowerStart", DoubleValue(20));
  phy.Set("TxPowerEnd", DoubleValue(20));
  WifiMacHelper mac;
  const Ssid ssid("bare");
  mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
  NetDeviceContainer devs = wifi.Install(phy, mac, ap);
  mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid));
  devs.Add(wifi.Install(phy, mac, stas));
  Config::Set("/NodeList/*/DeviceList/*/$ns3::WifiNetDevice/HtConfiguration/ShortGuardIntervalSupported",
              BooleanValue(true));

  MobilityHelper mobility;
  auto pos = CreateObject<ListPositionAllocator>();
  pos->Add(Vector(0, 0, 2.5));
  for (uint32_t k = 0; k < stas.GetN(); ++k) pos->Add(Vector(5 * std::cos(k), 5 * std::sin(k), 1));
  mobility.SetPositionAllocator(pos);
  mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
  mobility.Install(NodeContainer(ap, stas));

  InternetStackHelper internet;
  internet.InstallAll();
  Ipv4AddressHelper ip("10.1.0.0", "255.255.255.0");
  const Ipv4InterfaceContainer wifi_ifs = ip.Assign(devs);
  PointToPointHelper backbone;
  backbone.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
  backbone.SetChannelAttribute("Delay", StringValue("10us"));
  ip.SetBase("10.2.0.0", "255.255.255.0");
  ip.Assign(backbone.Install(ap.Get(0), router.Get(0)));
  PointToPointHelper wired;
  wired.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
  wired.SetChannelAttribute("Delay", StringValue("1ms"));
  std::vector<Ipv4Address> server_ip;
  for (uint32_t s = 0; s < srv.GetN(); ++s) {
    ip.SetBase(Ipv4Address(("10.3." + std::to_string(s) + ".0").c_str()), "255.255.255.0");
    server_ip.push_back(ip.Assign(wired.Install(router.Get(0), srv.Get(s))).GetAddress(1));
  }
  Ipv4GlobalRoutingHelper::PopulateRoutingTables();

  for (int r = 0; r < robots; ++r) {
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 11311));
    sink.Install(srv.Get(r)).Start(Seconds(0));
    auto writer = CreateObject<PeriodicWriter>();
    writer->Setup(InetSocketAddress(server_ip[r], 11311));
    stas.Get(r)->AddApplication(writer);
    writer->SetStartTime(Seconds(0.5));
    writer->SetStopTime(Seconds(duration));
  }
  if (stations > 0) {
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 50000));
    sink.Install(stas.Get(robots)).Start(Seconds(0));
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(wifi_ifs.GetAddress(1 + robots), 50000));
    bulk.SetAttribute("MaxBytes", UintegerValue(0));
    bulk.SetAttribute("SendSize", UintegerValue(8192));
    ApplicationContainer app = bulk.Install(srv.Get(1));
    app.Start(Seconds(0.5));
    app.Stop(Seconds(duration));
  }

  const auto start = std::chrono::steady_clock::now();
  Simulator::Stop(Seconds(duration));
  Simulator::Run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Simulator::Destroy();
  std::printf("%s %.3f s wall for %.1f simulated s: %.3f s per simulated s\n", condition.c_str(), wall, duration,
              wall / duration);
  return 0;
}
