// Packet-level runs kept short (a few simulated seconds): the transport's guarantees and drop
// policies, the sender's rate over WiFi, an LTE smoke run, and configuration errors.
#include "netmodels/networks/network_run.h"

#include <gtest/gtest.h>

namespace offloadsim::netmodels {
namespace {

constexpr std::uint32_t kCloudBytes = 888576;

StreamSpec lidar_stream(int robot, int server) {
  StreamSpec s;
  s.name = "lidar" + std::to_string(robot);
  s.robot = robot;
  s.server = server;
  s.source.rate_hz = 9.92;
  s.source.next_bytes = [](std::uint64_t) { return kCloudBytes; };
  return s;
}

NetworkRunSpec wifi_spec(double duration_s) {
  NetworkRunSpec spec;
  spec.duration_s = duration_s;
  spec.flow_monitor = false;
  return spec;
}

double mbps(double bytes_per_s) {
  return bytes_per_s * 8 / 1e6;
}

TEST(NetworkRun, UncongestedWifiDeliversEveryMessageInOrder) {
  NetworkRunSpec spec = wifi_spec(3.0);
  StreamSpec s = lidar_stream(0, 0);
  s.source.next_bytes = [](std::uint64_t seq) { return static_cast<std::uint32_t>(20000 + 1000 * (seq % 7)); };
  s.source.rate_hz = 50;
  spec.streams.push_back(s);
  const NetworkRunResult r = run_network(spec);
  const FlowLog& log = r.streams[0].log;
  ASSERT_GT(log.messages.size(), 100U);
  EXPECT_EQ(log.publisher_drops, 0U);
  EXPECT_EQ(log.subscriber_drops, 0U);
  // Every message that had time to arrive did, once, in publishing order.
  std::size_t arrived = 0;
  for (std::size_t k = 0; k + 1 < log.processed.size(); ++k) EXPECT_EQ(log.processed[k] + 1, log.processed[k + 1]);
  for (const auto& m : log.messages) arrived += m.t_processed >= 0 ? 1 : 0;
  EXPECT_GE(arrived + 3, log.messages.size());
  EXPECT_EQ(log.processed.size(), arrived);
  // Payload bytes read = framed message bytes (4-byte length each) of the arrived messages.
  std::uint64_t framed = 0;
  for (const auto& m : log.messages) framed += m.t_received >= 0 ? m.bytes + 4 : 0;
  EXPECT_GE(log.socket_bytes_read, framed);
}

// Co-channel APs aborted ns-3's global routing ("Network number confusion") for every count above
// one (issue 18): robots on every AP must reach the servers, and a station on one AP a robot on another.
TEST(NetworkRun, EveryAccessPointCountCarriesEveryRobotsStream) {
  for (int aps : {1, 2, 4}) {
    NetworkRunSpec spec = wifi_spec(3.0);
    spec.wifi.access_points = aps;
    spec.robots = 2 * aps;  // robot k joins AP k mod APs: two on each
    spec.servers = 2;
    spec.stations = 1;
    for (int k = 0; k < spec.robots; ++k) {
      StreamSpec st = lidar_stream(k, k % 2);
      st.source.rate_hz = 10;
      st.source.next_bytes = [](std::uint64_t) { return 20000U; };
      spec.streams.push_back(st);
    }
    BackgroundSpec g;  // station (AP 1) → server, and so through the router
    g.name = "upload";
    g.kind = BackgroundKind::kCbr;
    g.direction = Direction::kUpload;
    g.rate_mbps = 1;
    spec.background.push_back(g);
    const NetworkRunResult r = run_network(spec);
    for (const StreamResult& st : r.streams) {
      EXPECT_GE(st.log.processed.size() + 3, st.log.messages.size()) << aps << " APs, " << st.name;
      EXPECT_GT(st.log.processed.size(), 15U) << aps << " APs, " << st.name;
    }
    EXPECT_GT(r.background.at(0).received_bytes, 100000U) << aps << " APs";
  }
}

TEST(NetworkRun, WifiSenderRateIsTheConfiguredRate) {
  NetworkRunSpec spec = wifi_spec(5.0);
  spec.streams.push_back(lidar_stream(0, 0));
  const NetworkRunResult r = run_network(spec);
  const double configured = mbps(kCloudBytes * 9.92);  // 70.52 Mbps
  const FlowSample& last = r.streams[0].samples.back();
  EXPECT_NEAR(mbps(last.sent_Bps), configured, 0.01 * configured);
  // Uncongested 802.11ac carries it all: the subscriber sees (nearly) the sender's rate.
  EXPECT_NEAR(mbps(last.received_Bps), configured, 0.05 * configured);
}

TEST(NetworkRun, SlowSubscriberDropsItsOldestMessages) {
  NetworkRunSpec spec = wifi_spec(4.0);
  StreamSpec s = lidar_stream(0, 0);
  s.subscriber_queue = 2;
  s.processing.fixed_s = 0.3;  // ~3 messages/s for a 9.92 Hz stream
  spec.streams.push_back(s);
  const FlowLog log = run_network(spec).streams[0].log;
  EXPECT_GT(log.subscriber_drops, 5U);
  EXPECT_EQ(log.publisher_drops, 0U);
  // Drop-oldest: whenever a message is dropped at the subscriber, a newer one arrived already.
  for (const auto& m : log.messages) {
    if (m.dropped != DropSite::kSubscriberQueue) continue;
    bool newer_arrived = false;
    for (const auto& n : log.messages)
      newer_arrived |= n.seq > m.seq && n.t_received >= 0 && n.t_received <= m.t_received + 1;
    EXPECT_TRUE(newer_arrived);
    EXPECT_LT(m.t_processed, 0);
  }
  // Processing is one at a time at its cost.
  for (std::size_t k = 1; k < log.processed.size(); ++k) {
    EXPECT_GE(log.messages[log.processed[k]].t_processed - log.messages[log.processed[k - 1]].t_processed, 0.3 - 1e-9);
  }
}

TEST(NetworkRun, SlowLinkMakesThePublisherDropItsOldestMessages) {
  NetworkRunSpec spec = wifi_spec(4.0);
  spec.wifi.standard = WifiStandard::k80211n;
  spec.wifi.channel_width_mhz = 20;
  spec.wifi.rate_manager = RateManager::kConstant;
  spec.wifi.constant_mcs = 0;  // 6.5 Mbps PHY, far below the LIDAR's 70 Mbps
  StreamSpec s = lidar_stream(0, 0);
  s.publisher_queue = 1;
  spec.streams.push_back(s);
  const FlowLog log = run_network(spec).streams[0].log;
  EXPECT_GT(log.publisher_drops, 10U);
  // The survivors went out in order; a dropped message never reached the subscriber.
  for (const auto& m : log.messages) {
    if (m.dropped == DropSite::kPublisherQueue) {
      EXPECT_LT(m.t_written, 0);
      EXPECT_LT(m.t_received, 0);
    }
  }
}

TEST(NetworkRun, LteSmokeRun) {
  NetworkRunSpec spec;
  spec.type = NetworkType::kLte;
  spec.duration_s = 2.0;
  spec.robots = 2;
  spec.robot_distance_m = 100;
  spec.flow_monitor = true;
  for (int k = 0; k < 2; ++k) {
    StreamSpec s = lidar_stream(k, 0);
    s.source.rate_hz = 10;
    s.source.next_bytes = [](std::uint64_t) { return 20000U; };  // 1.6 Mbps each
    spec.streams.push_back(s);
  }
  const NetworkRunResult r = run_network(spec);
  for (const auto& st : r.streams) {
    EXPECT_TRUE(st.log.connected) << st.log.error;
    EXPECT_GT(st.log.processed.size(), 5U);
  }
  EXPECT_FALSE(r.ip_flows.empty());
}

TEST(NetworkRun, BadConfigurationsNameTheField) {
  auto expect_field = [](NetworkRunSpec spec, const std::string& field, const std::string& words) {
    try {
      validate_network(spec);
      ADD_FAILURE() << "accepted a bad " << field;
    } catch (const NetworkConfigError& e) {
      EXPECT_EQ(e.field(), field);
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  NetworkRunSpec s = wifi_spec(2);
  s.wifi.channel_width_mhz = 160;
  s.wifi.standard = WifiStandard::k80211n;
  expect_field(s, "wifi.channel_width", "160 MHz is not a channel width of 802.11n");
  s = wifi_spec(2);
  s.wifi.band = WifiBand::k2_4GHz;
  expect_field(s, "wifi.band", "5GHz band only");
  s = wifi_spec(2);
  s.type = NetworkType::kLte;
  s.lte.ul_resource_blocks = 30;
  expect_field(s, "lte.ul_resource_blocks", "30 is not an LTE bandwidth");
  s = wifi_spec(2);
  s.streams.push_back(lidar_stream(3, 0));
  expect_field(s, "streams", "names robot 3, but there are 1");
  s = wifi_spec(2);
  BackgroundSpec g;
  g.name = "download";
  s.background.push_back(g);
  expect_field(s, "background", "names station 0, but there are 0");
  // Sizes ns-3 or the addressing plan cannot take are refused here, not by an abort mid-run.
  s = wifi_spec(2);
  s.robots = 300;
  expect_field(s, "wifi.access_points", "put 300 devices on one AP; at most 253");
  s.wifi.access_points = 2;
  validate_network(s);  // 150 per AP
  s = wifi_spec(2);
  s.servers = 255;
  expect_field(s, "servers", "at most 254");
  s = wifi_spec(2);
  s.type = NetworkType::kLte;
  s.robots = 240;
  s.stations = 11;
  expect_field(s, "robots", "are 251 LTE UEs; at most 250");
  s = wifi_spec(2);
  s.stations = 1;
  g.station = 0;
  g.start_s = 2;
  s.background = {g};
  expect_field(s, "background.start_s", "starts at 2 s, after the run ends (2 s)");
}

// ns-3's generator takes seeds in [1, 4294944442]: ours (any 64-bit value) keep their own stream.
TEST(NetworkRun, EverySeedMapsToAValidDistinctNs3Stream) {
  EXPECT_EQ(ns3_rng_setting(2018, 3).seed, 2018U);
  EXPECT_EQ(ns3_rng_setting(2018, 3).run, 3U);
  const Ns3RngSetting zero = ns3_rng_setting(0, 1), one = ns3_rng_setting(1, 1);
  EXPECT_EQ(zero.seed, 4294944442U);
  EXPECT_EQ(one.seed, 1U);
  const Ns3RngSetting big = ns3_rng_setting(4294950000ULL, 2);  // aborted ns-3 when passed on as is
  EXPECT_LT(big.seed, 4294944443U);
  EXPECT_GE(big.seed, 1U);
  const Ns3RngSetting folded = ns3_rng_setting(4294950000ULL - 4294944442ULL, 2);
  EXPECT_EQ(big.seed, folded.seed);
  EXPECT_NE(big.run, folded.run) << "two seeds, one stream";
  const Ns3RngSetting top = ns3_rng_setting(~0ULL, kMaxRunsPerSeed - 1);
  EXPECT_LT(top.seed, 4294944443U);
  EXPECT_THROW(ns3_rng_setting(1, kMaxRunsPerSeed), NetworkConfigError);
}

TEST(NetworkRun, SeedOutsideNs3sRangeRuns) {
  NetworkRunSpec spec = wifi_spec(1.0);
  spec.seed = 4294950000ULL;
  StreamSpec st = lidar_stream(0, 0);
  st.source.next_bytes = [](std::uint64_t) { return 20000U; };
  spec.streams.push_back(st);
  EXPECT_GT(run_network(spec).streams[0].log.processed.size(), 0U);
}

// Every message carries a ROS Header (seq, stamp, frame_id length: 16 bytes), however small the
// source says it is; none is lost for being shorter than the seq the subscriber identifies it by.
TEST(NetworkRun, TinyMessagesCarryAHeaderAndArrive) {
  NetworkRunSpec spec = wifi_spec(2.0);
  StreamSpec st = lidar_stream(0, 0);
  st.source.rate_hz = 100;
  st.source.next_bytes = [](std::uint64_t seq) { return static_cast<std::uint32_t>(seq % 3); };  // 0, 1, 2 bytes
  spec.streams.push_back(st);
  const NetworkRunResult r = run_network(spec);
  const FlowLog& log = r.streams[0].log;
  ASSERT_GT(log.messages.size(), 100U);
  for (const auto& m : log.messages) EXPECT_EQ(m.bytes, 16U);
  EXPECT_GE(log.processed.size() + 3, log.messages.size());
  EXPECT_EQ(log.subscriber_drops + log.publisher_drops, 0U);
}

// stop_requested (Ctrl-C in the CLI) ends the simulation at the next poll, not at duration_s.
TEST(NetworkRun, StopRequestEndsTheRunEarly) {
  NetworkRunSpec spec = wifi_spec(30.0);
  spec.streams.push_back(lidar_stream(0, 0));
  int polls = 0;
  spec.stop_requested = [&polls] { return ++polls > 10; };  // at 1.1 simulated s
  const NetworkRunResult r = run_network(spec);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_EQ(polls, 11);
  ASSERT_FALSE(r.streams[0].log.messages.empty());
  EXPECT_LT(r.streams[0].log.messages.back().t_published, 1.2);
}

}  // namespace
}  // namespace offloadsim::netmodels
