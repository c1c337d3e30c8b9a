#include <string>
#include <vector>

#include "netmodels/networks/network_run.h"
#include "sim/scenario/schema_parts.h"

// The schema's fields of the ns-3 networks (docs/network.md).

namespace offloadsim::sim::schema_parts {

void add_network_fields(std::vector<FieldSpec>& s) {
  // ---- network-study and network-run: ns-3 networks (docs/network.md) ----
  auto net = [&](std::string path, FieldType type, std::string unit, Value def, double lo, double hi,
                 std::string help) {
    s.push_back(field(std::move(path), type, std::move(unit), std::move(def), lo, hi, std::move(help), kNet));
  };
  auto net_run = [&](std::string path, FieldType type, std::string unit, Value def, double lo, double hi,
                     std::string help) {
    s.push_back(field(std::move(path), type, std::move(unit), std::move(def), lo, hi, std::move(help), kNetRun));
  };
  // Network choices and defaults come from netmodels (network_settings.h, network_run.h): stated once.
  namespace nm = netmodels;
  const nm::NetworkRunSpec d;
  auto net_choice = [&](std::string path, auto def, std::string help) {
    using E = decltype(def);
    s.push_back(choice(std::move(path), nm::choice_names<E>(), nm::name_of(def), std::move(help), kNet));
  };
  auto ll = [](auto v) { return static_cast<long long>(v); };
  net_choice("network.type", d.type,
             "wifi: ns-3's wifi module (APs, robots as stations); lte: ns-3's lte module with EPC (robots as UEs); "
             "wired: every robot on a point-to-point link of its own (network.robot_link) to one router.");
  net_choice("network.wifi.standard", d.wifi.standard, "WiFi standard.");
  net_choice("network.wifi.band", d.wifi.band, "WiFi band (802.11ac: 5GHz only).");
  net("network.wifi.channel_width", FieldType::kInt, "MHz", ll(d.wifi.channel_width_mhz), 20, 160,
      "Channel width: 20 or 40 (802.11n); 20, 40, 80 or 160 (802.11ac).");
  net_choice("network.wifi.rate_manager", d.wifi.rate_manager,
             "Rate control: ideal (SNR-based, ns-3 IdealWifiManager), minstrel (MinstrelHt), constant "
             "(network.wifi.constant_mcs).");
  net("network.wifi.constant_mcs", FieldType::kInt, "MCS", ll(d.wifi.constant_mcs), 0, 9,
      "MCS for the constant rate manager (802.11n: 0–7 per stream).");
  net("network.wifi.spatial_streams", FieldType::kInt, "streams", ll(d.wifi.spatial_streams), 1, 4,
      "Antennas and spatial streams of every WiFi device.");
  net_choice("network.wifi.propagation", d.wifi.propagation, "Propagation loss model.");
  net("network.wifi.log_distance_exponent", FieldType::kNumber, "", d.wifi.log_distance_exponent, 1, 6,
      "Path-loss exponent of the log-distance model (indoors: ~3).");
  net("network.wifi.tx_power_dbm", FieldType::kNumber, "dBm", d.wifi.tx_power_dbm, -10, 40,
      "Transmit power of every WiFi device.");
  net("network.wifi.access_points", FieldType::kInt, "APs", ll(d.wifi.access_points), 1, 64,
      "APs on one channel, on a line; robot/station k joins AP k mod APs.");
  net("network.wifi.servers_on_wifi", FieldType::kBool, "", d.wifi.servers_on_wifi, -kInf, kInf,
      "WiFi: servers are stations of the WiFi (laptops in the lab) instead of hosts wired behind the AP; every byte "
      "then crosses the air twice.");
  net("network.wifi.addba_timeout_ms", FieldType::kNumber, "ms", d.wifi.addba_timeout_ms, 0.1, 10000,
      "How long a station waits for the answer to its Block Ack (aggregation) request before giving up for a "
      "while. Default: Linux mac80211's 1 s. ns-3's own default, 1 ms, is shorter than the answering side's wait "
      "for the channel when it is saturated: the request then fails again and again and can lock a station out "
      "for a whole run (docs/network.md).");
  net("network.wifi.ap_spacing_m", FieldType::kNumber, "m", d.wifi.ap_spacing_m, 1, 10000,
      "Distance between neighbouring APs.");
  net("network.lte.enbs", FieldType::kInt, "eNBs", ll(d.lte.enbs), 1, 64,
      "eNBs on a line; UEs attach to the strongest.");
  net("network.lte.enb_spacing_m", FieldType::kNumber, "m", d.lte.enb_spacing_m, 1, 1e5,
      "Distance between neighbouring eNBs.");
  net("network.lte.ul_resource_blocks", FieldType::kInt, "RBs", ll(d.lte.ul_resource_blocks), 6, 100,
      "Uplink bandwidth: 6, 15, 25, 50, 75 or 100 resource blocks (25 = 5 MHz).");
  net("network.lte.dl_resource_blocks", FieldType::kInt, "RBs", ll(d.lte.dl_resource_blocks), 6, 100,
      "Downlink bandwidth in resource blocks.");
  net_choice("network.lte.scheduler", d.lte.scheduler, "MAC scheduler: proportional fair or round robin.");
  net("network.lte.rlc_buffer_bytes", FieldType::kInt, "bytes", ll(d.lte.rlc_buffer_bytes), 10000, 1e9,
      "RLC (acknowledged mode) transmit buffer per bearer.");
  net("network.server_link.rate_mbps", FieldType::kNumber, "Mbps", d.server_link.rate_mbps, 0.001, 1e6,
      "Wired link from the AP's router (WiFi) or the PGW (LTE) to each server.");
  net("network.server_link.delay_ms", FieldType::kNumber, "ms", d.server_link.delay_ms, 0, 10000,
      "One-way delay of that link.");
  net("network.robot_link.rate_mbps", FieldType::kNumber, "Mbps", d.robot_link.rate_mbps, 0.001, 1e6,
      "wired: each robot's (and station's) own link to the router.");
  net("network.robot_link.delay_ms", FieldType::kNumber, "ms", d.robot_link.delay_ms, 0, 10000,
      "wired: one-way delay of that link.");
  net_choice("network.tcp.variant", d.tcp.variant, "TCP congestion control (Linux's default: cubic).");
  net("network.tcp.send_buffer_bytes", FieldType::kInt, "bytes", ll(d.tcp.send_buffer_bytes), 1024, 1e9,
      "TCP send buffer (Linux tcp_wmem max: 4 MiB).");
  net("network.tcp.receive_buffer_bytes", FieldType::kInt, "bytes", ll(d.tcp.receive_buffer_bytes), 1024, 1e9,
      "TCP receive buffer (Linux tcp_rmem max: 6 MiB).");
  net("network.tcp.segment_bytes", FieldType::kInt, "bytes", ll(d.tcp.segment_bytes), 100, 65000,
      "TCP maximum segment size.");
  net("network.robot_distance_m", FieldType::kNumber, "m", d.robot_distance_m, 0.1, 1e5,
      "Robots sit on a circle of this radius around their AP or eNB.");
  net("network.robot_distances_m", FieldType::kNumberList, "m", std::vector<double>{}, 0.1, 1e5,
      "Per-robot distances from the AP or eNB, robot 1 first (e.g. [5, 40]: robot 2 farther out); robots "
      "past the list's end use network.robot_distance_m. At most one per robot (network-study: 2).");
  net("network.robot_angles_deg", FieldType::kNumberList, "degrees", std::vector<double>{}, -360, 360,
      "Per-robot bearings from the AP or eNB, robot 1 first (0: east, 90: north; e.g. [0, 10] puts two robots side "
      "by side). Robots past the list's end are spread evenly around the circle, as without the list.");
  net("network.station_distance_m", FieldType::kNumber, "m", d.station_distance_m, 0.1, 1e5,
      "Other stations (background traffic ends) likewise.");
  net_choice("network.mobility", d.mobility, "Robots stand still or walk at network.robot_speed_mps.");
  net("network.robot_speed_mps", FieldType::kNumber, "m/s", d.robot_speed_mps, 0, 100,
      "Walking speed for random-walk mobility.");
  net("network.flow_monitor", FieldType::kBool, "", d.flow_monitor, -kInf, kInf,
      "Per-IP-flow statistics from ns-3's FlowMonitor (flows.csv). Off by default: its per-packet probes add ~15-20% "
      "wall time to a 300 Mbps WiFi run.");
  net("network.pcap", FieldType::kBool, "", false, -kInf, kInf,
      "WiFi: write pcap traces of every device into the result directory.");
  net("tcpros.publisher_queue", FieldType::kInt, "messages", 10LL, 1, 100000,
      "Publisher queue_size (the velodyne driver's: 10); the oldest waiting message is dropped.");
  net("tcpros.subscriber_queue", FieldType::kInt, "messages", 10LL, 1, 100000,
      "Subscriber queue_size; the oldest waiting message is dropped.");
  net("tcpros.processing_fixed_ms", FieldType::kNumber, "ms", 0.0, 0, 1e6,
      "Subscriber callback cost per message (single-threaded).");
  net("tcpros.processing_per_mb_ms", FieldType::kNumber, "ms per MB", 134.95, 0, 1e6,
      "Subscriber callback cost per 10⁶ payload bytes. Default: calibrated once on the study's one-receiver condition "
      "(docs/network.md).");
  net("tcpros.bw_window", FieldType::kInt, "messages", 100LL, 2, 100000,
      "Messages averaged by the rostopic-bw estimate (rostopic's default: 100).");
  net("lidar.rotation_hz", FieldType::kNumber, "Hz", 9.92, 1, 30,
      "VLP-16 rotation rate: one PointCloud2 per rotation (the paper: 9.92 Hz).");
  net("lidar.azimuth_resolution_deg", FieldType::kNumber, "°", 0.0, 0, 10,
      "Azimuth step; 0: the VLP-16's own (one firing per 55.296 µs).");
  net("lidar.max_range_m", FieldType::kNumber, "m", 100.0, 1, 1000, "Rays hitting nothing nearer return no point.");
  {
    std::vector<std::string> profiles = {"none"};
    for (const auto& p : {"LOW_RES_ONLINE", "MED_RES_ONLINE", "HIGH_RES_ONLINE", "LOW_RES_OFFLINE", "MED_RES_OFFLINE",
                          "HIGH_RES_OFFLINE"}) {
      profiles.push_back(std::string(p) + "_COMPRESSION_WITHOUT_COLOR");
    }
    s.push_back(choice(
        "lidar.compression", profiles, "none",
        "Send each cloud compressed with PCL's octree point-cloud compression (this profile) instead of raw.", kNet));
  }
  net("lidar.scene.length_m", FieldType::kNumber, "m", 20.0, 1, 1000, "The scanned hall's length.");
  net("lidar.scene.width_m", FieldType::kNumber, "m", 13.0, 1, 1000, "Its width.");
  net("lidar.scene.wall_height_m", FieldType::kNumber, "m", 3.0, 0, 100,
      "Its walls' height (upper lasers clear them in places: no return).");
  net("lidar.scene.walkers", FieldType::kInt, "people", 4LL, 0, 1000, "People walking through it.");
  net("lidar.distinct_clouds", FieldType::kInt, "clouds", 10LL, 1, 100000,
      "Rotations actually ray-cast; their sizes repeat in a loop (keeps the simulator's cost in ns-3).");
  s.push_back(
      optional_file("camera.file",
                    "Video whose frames, JPEG-encoded with OpenCV, give the camera's message sizes (looping). Not "
                    "set: the parametric model (camera.bitrate_mbps…).",
                    kNet));
  net("camera.width", FieldType::kInt, "pixels", 1280LL, 0, 10000,
      "Frames are resized to width × height before encoding (0: as recorded).");
  net("camera.height", FieldType::kInt, "pixels", 720LL, 0, 10000, "See camera.width.");
  net("camera.jpeg_quality", FieldType::kInt, "", 90LL, 1, 100, "JPEG quality of the encoded frames.");
  net("camera.fps", FieldType::kNumber, "Hz", 30.0, 0.1, 1000, "Frames published per second.");
  net("camera.max_frames", FieldType::kInt, "frames", 300LL, 1, 100000,
      "Frames of the file encoded (then looped); JPEG-encoding an HD frame takes ~10 ms.");
  net("camera.bitrate_mbps", FieldType::kNumber, "Mbps", 8.0, 0.01, 10000,
      "Parametric model: mean bitrate (the paper: HD video > 8 Mbps).");
  net("camera.gop", FieldType::kInt, "frames", 30LL, 1, 10000,
      "Parametric model: frames per group of pictures (one I frame).");
  net("camera.i_to_p_ratio", FieldType::kNumber, "", 5.0, 1, 1000, "Parametric model: I-frame size ÷ P-frame size.");
  net("run.duration_s", FieldType::kNumber, "s", 30.0, 1, 1e6, "Simulated time of each run (each study condition).");
  net("run.warmup_s", FieldType::kNumber, "s", 5.0, 0, 1e6,
      "Samples before this time are left out of the medians in summary.csv.");
  net("run.sample_interval_s", FieldType::kNumber, "s", 1.0, 0.01, 1e6,
      "rostopic-bw-style rate samples, one per interval (rostopic: 1 s).");
  {
    FieldSpec f = field("study.conditions", FieldType::kChoiceList, "",
                        std::vector<std::string>{"sender", "one_receiver", "with_download", "two_pairs"}, -kInf, kInf,
                        "Fig. 2's conditions: sender (no remote subscriber), one_receiver, with_download (a bulk TCP "
                        "download to another station), two_pairs (two robot→server pairs).",
                        {"network-study"});
    f.choices = {"sender", "one_receiver", "with_download", "two_pairs"};
    s.push_back(f);
  }
  for (const auto& [condition, file] :
       std::vector<std::pair<std::string, std::string>>{{"sender", "bw_lidar_source_with_receiver.txt"},
                                                        {"one_receiver", "bw_lidar_receiver_with_receiver.txt"},
                                                        {"with_download", "bw_lidar_receiver_with_download.txt"},
                                                        {"two_pairs", "bw_lidar_receiver_both_lidars.txt"}}) {
    s.push_back(field("study.measured." + condition, FieldType::kPath, "", "${data}/paper-lidar-measurements/" + file,
                      -kInf, kInf,
                      "`rostopic bw` log measured in the " + condition +
                          " condition, put beside the simulation in summary.csv and the figure. Default: the "
                          "paper's own (bundled). Point it at your lab's logs to compare with them.",
                      {"network-study"}));
  }
  s.push_back(field("study.subscribers", FieldType::kInt, "subscribers", 1LL, 1, 8,
                    "Subscribers on every receiver, each with its own TCPROS connection and process (2: rostopic bw "
                    "and rostopic hz at once). The extra ones are the flows <flow>_sub2, _sub3, ...",
                    {"network-study"}));
  for (const auto& [condition, file] :
       std::vector<std::pair<std::string, std::string>>{{"sender", "hz_lidar_source_with_receiver.txt"},
                                                        {"one_receiver", "hz_lidar_receiver_with_receiver.txt"},
                                                        {"with_download", "hz_lidar_receiver_with_download.txt"},
                                                        {"two_pairs", "hz_lidar_receiver_both_lidars.txt"}}) {
    s.push_back(field("study.measured_hz." + condition, FieldType::kPath, "",
                      "${data}/paper-lidar-measurements/" + file, -kInf, kInf,
                      "`rostopic hz` log measured in the " + condition +
                          " condition: its rate and shortest / longest interval between messages go beside the "
                          "simulated ones in summary.csv. Default: the paper's own (bundled).",
                      {"network-study"}));
  }
  net_run("robots.count", FieldType::kInt, "robots", 4LL, 1, 1000,
          "network-run: robots, each streaming robots.streams to server (k mod servers.count).");
  {
    FieldSpec f =
        field("robots.streams", FieldType::kChoiceList, "", std::vector<std::string>{"lidar"}, -kInf, kInf,
              "network-run, closed-loop: what every robot publishes (one TCPROS flow each); [] for none.", kNetRun);
    f.choices = {"lidar", "video"};
    f.allow_empty = true;  // closed-loop: robots that only offload
    s.push_back(f);
  }
  net_run("servers.count", FieldType::kInt, "servers", 1LL, 1, 1000, "network-run: servers behind the AP / PGW.");
  net_run("stations.count", FieldType::kInt, "stations", 0LL, 0, 1000,
          "network-run: other WiFi stations / UEs, the ends of background flows.");
  net_run("background.flows", FieldType::kInt, "flows", 0LL, 0, 1000,
          "network-run: background flows; flow k runs between station k mod stations.count and server k mod "
          "servers.count.");
  s.push_back(choice("background.kind", nm::choice_names<nm::BackgroundKind>(), nm::name_of(nm::BackgroundSpec{}.kind),
                     "network-run: bulk (TCP, as fast as it goes) or cbr (UDP at background.rate_mbps).", kNetRun));
  s.push_back(choice("background.direction", nm::choice_names<nm::Direction>(),
                     nm::name_of(nm::BackgroundSpec{}.direction), "network-run: download (server → station) or upload.",
                     kNetRun));
  net_run("background.rate_mbps", FieldType::kNumber, "Mbps", 10.0, 0.001, 1e6, "network-run: rate of each cbr flow.");
  s.push_back(field("background.capacity_share", FieldType::kNumber, "", 0.0, 0, 10,
                    "The cbr flows' total rate as a share of the cell's capacity, measured first in ns-3 as the "
                    "goodput of one TCP bulk flow alone in the same network and direction (docs/congestion.md; "
                    "cell_capacity.csv); 0: each flow at background.rate_mbps.",
                    {"network-run", "closed-loop"}));
  net_run("background.start_s", FieldType::kNumberList, "s", std::vector<double>{0.0}, 0, 1e6,
          "network-run: start time of each flow (one value: all flows).");
  net_run("background.stop_s", FieldType::kNumberList, "s", std::vector<double>{1e6}, 0, 1e7,
          "network-run: stop time of each flow (one value: all flows).");
}

}  // namespace offloadsim::sim::schema_parts
