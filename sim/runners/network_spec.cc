#include "sim/runners/network_spec.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "netmodels/sensors/vlp16_lidar.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/scenario/schema.h"

namespace offloadsim::sim {

namespace nm = netmodels;

namespace {

// Inputs prepared in fewer steps than this finish in seconds: no progress bar.
constexpr std::size_t kProgressFrom = 200;

// Network settings common to both kinds. Errors from netmodels name a field below `network.`.
nm::NetworkRunSpec base_spec(const Scenario& sc) {
  nm::NetworkRunSpec n;
  n.type = nm::parse_choice<nm::NetworkType>(sc.text("network.type"));
  n.wifi.standard = nm::parse_choice<nm::WifiStandard>(sc.text("network.wifi.standard"));
  n.wifi.band = nm::parse_choice<nm::WifiBand>(sc.text("network.wifi.band"));
  n.wifi.channel_width_mhz = static_cast<int>(sc.integer("network.wifi.channel_width"));
  n.wifi.rate_manager = nm::parse_choice<nm::RateManager>(sc.text("network.wifi.rate_manager"));
  n.wifi.constant_mcs = static_cast<int>(sc.integer("network.wifi.constant_mcs"));
  n.wifi.spatial_streams = static_cast<int>(sc.integer("network.wifi.spatial_streams"));
  n.wifi.propagation = nm::parse_choice<nm::Propagation>(sc.text("network.wifi.propagation"));
  n.wifi.log_distance_exponent = sc.number("network.wifi.log_distance_exponent");
  n.wifi.tx_power_dbm = sc.number("network.wifi.tx_power_dbm");
  n.wifi.access_points = static_cast<int>(sc.integer("network.wifi.access_points"));
  n.wifi.ap_spacing_m = sc.number("network.wifi.ap_spacing_m");
  n.wifi.servers_on_wifi = sc.flag("network.wifi.servers_on_wifi");
  n.wifi.addba_timeout_ms = sc.number("network.wifi.addba_timeout_ms");
  n.lte.enbs = static_cast<int>(sc.integer("network.lte.enbs"));
  n.lte.enb_spacing_m = sc.number("network.lte.enb_spacing_m");
  n.lte.ul_resource_blocks = static_cast<int>(sc.integer("network.lte.ul_resource_blocks"));
  n.lte.dl_resource_blocks = static_cast<int>(sc.integer("network.lte.dl_resource_blocks"));
  n.lte.scheduler = nm::parse_choice<nm::LteScheduler>(sc.text("network.lte.scheduler"));
  n.lte.rlc_buffer_bytes = static_cast<std::uint32_t>(sc.integer("network.lte.rlc_buffer_bytes"));
  n.server_link.rate_mbps = sc.number("network.server_link.rate_mbps");
  n.server_link.delay_ms = sc.number("network.server_link.delay_ms");
  n.robot_link.rate_mbps = sc.number("network.robot_link.rate_mbps");
  n.robot_link.delay_ms = sc.number("network.robot_link.delay_ms");
  n.tcp.variant = nm::parse_choice<nm::TcpVariant>(sc.text("network.tcp.variant"));
  n.tcp.send_buffer_bytes = static_cast<std::uint32_t>(sc.integer("network.tcp.send_buffer_bytes"));
  n.tcp.receive_buffer_bytes = static_cast<std::uint32_t>(sc.integer("network.tcp.receive_buffer_bytes"));
  n.tcp.segment_bytes = static_cast<std::uint32_t>(sc.integer("network.tcp.segment_bytes"));
  n.robot_distance_m = sc.number("network.robot_distance_m");
  n.robot_distances_m = sc.numbers("network.robot_distances_m");
  n.robot_angles_deg = sc.numbers("network.robot_angles_deg");
  n.station_distance_m = sc.number("network.station_distance_m");
  n.mobility = nm::parse_choice<nm::Mobility>(sc.text("network.mobility"));
  n.robot_speed_mps = sc.number("network.robot_speed_mps");
  n.flow_monitor = sc.flag("network.flow_monitor");
  n.duration_s = sc.number("run.duration_s");
  n.sample_interval_s = sc.number("run.sample_interval_s");
  n.bw_window = static_cast<std::size_t>(sc.integer("tcpros.bw_window"));
  n.seed = sc.seed();
  return n;
}

// The field a netmodels error points at: "wifi.channel_width" → "network.wifi.channel_width".
std::string scenario_key(const std::string& field) {
  if (field == "duration") return "run.duration_s";
  if (field == "robots") return "robots.count";
  if (field == "servers") return "servers.count";
  if (field == "stations") return "stations.count";
  if (field == "background" || field == "streams") return "background.flows";
  if (field.rfind("background.", 0) == 0) return field;
  return "network." + field;
}

nm::StreamSpec stream(const Scenario& sc, std::string name, int robot, int server, const nm::MessageSource& source) {
  nm::StreamSpec st;
  st.name = std::move(name);
  st.robot = robot;
  st.server = server;
  st.source = source;
  st.publisher_queue = static_cast<std::uint32_t>(sc.integer("tcpros.publisher_queue"));
  st.subscriber_queue = static_cast<std::uint32_t>(sc.integer("tcpros.subscriber_queue"));
  st.processing.fixed_s = sc.number("tcpros.processing_fixed_ms") / 1000.0;
  st.processing.per_byte_s = sc.number("tcpros.processing_per_mb_ms") / 1000.0 / 1e6;
  return st;
}

}  // namespace

nm::EncodedVideo encode_camera_video(const Scenario& sc, const std::string& file, bool progress) {
  std::optional<Progress> bar;
  return nm::encode_video_frames(
      file, static_cast<int>(sc.integer("camera.width")), static_cast<int>(sc.integer("camera.height")),
      static_cast<int>(sc.integer("camera.jpeg_quality")), static_cast<int>(sc.integer("camera.max_frames")),
      [&](std::size_t done, std::size_t total) {
        check_interrupt();
        if (progress && !bar && total >= kProgressFrom) bar.emplace("encoding " + file, total);
        if (bar) bar->advance();
        if (bar && done == total) bar->finish();
      });
}

Sources make_sources(const Scenario& sc, bool need_camera, bool progress) {
  Sources s;
  nm::Vlp16Config cfg;
  cfg.rotation_hz = sc.number("lidar.rotation_hz");
  cfg.azimuth_resolution_deg = sc.number("lidar.azimuth_resolution_deg");
  cfg.max_range_m = sc.number("lidar.max_range_m");
  const nm::Vlp16Lidar lidar(
      cfg, nm::default_lidar_scene(sc.number("lidar.scene.length_m"), sc.number("lidar.scene.width_m"),
                                   sc.number("lidar.scene.wall_height_m"),
                                   static_cast<int>(sc.integer("lidar.scene.walkers"))));
  const std::string compression = sc.text("lidar.compression");
  std::vector<std::uint32_t> sizes;
  const auto clouds = static_cast<std::size_t>(sc.integer("lidar.distinct_clouds"));
  std::optional<Progress> bar;
  if (progress && clouds >= kProgressFrom) bar.emplace("ray-casting LIDAR clouds", clouds);
  for (std::size_t k = 0; k < clouds; ++k) {
    check_interrupt();
    const double t = static_cast<double>(k) / cfg.rotation_hz;
    const auto cloud = lidar.scan(t);
    const auto msg = nm::serialize_pointcloud2(cloud, static_cast<std::uint32_t>(k), t);
    s.raw_cloud_bytes += static_cast<double>(msg.size());
    const std::size_t sent = compression == "none" ? msg.size() : nm::compress_cloud(cloud, compression).size();
    s.sent_cloud_bytes += static_cast<double>(sent);
    sizes.push_back(static_cast<std::uint32_t>(sent));
    if (bar) bar->advance();
  }
  if (bar) bar->finish();
  s.raw_cloud_bytes /= static_cast<double>(sizes.size());
  s.sent_cloud_bytes /= static_cast<double>(sizes.size());
  s.lidar.rate_hz = cfg.rotation_hz;
  s.lidar.next_bytes = [sizes](std::uint64_t seq) { return sizes[seq % sizes.size()]; };
  if (need_camera) {
    s.camera.rate_hz = sc.number("camera.fps");
    if (!sc.text("camera.file").empty()) {
      const nm::EncodedVideo v = encode_camera_video(sc, sc.text("camera.file"), progress);
      double mean = 0;
      for (auto b : v.frame_bytes) mean += b;
      mean /= static_cast<double>(v.frame_bytes.size());
      s.camera_what =
          fmt::format("{} frames of {} as {}×{} JPEG q{}, mean {:.0f} B ({:.1f} Mbps at {} fps)", v.frame_bytes.size(),
                      sc.text("camera.file"), v.width, v.height, sc.integer("camera.jpeg_quality"), mean,
                      mean * 8 * s.camera.rate_hz / 1e6, s.camera.rate_hz);
      s.camera.next_bytes = [sizes = v.frame_bytes](std::uint64_t seq) { return sizes[seq % sizes.size()]; };
    } else {
      const nm::ParametricVideo p{sc.number("camera.bitrate_mbps"), sc.number("camera.fps"),
                                  static_cast<int>(sc.integer("camera.gop")), sc.number("camera.i_to_p_ratio")};
      s.camera_what =
          fmt::format("parametric: {} Mbps at {} fps, GOP {}, I/P {}", p.bitrate_mbps, p.fps, p.gop, p.i_to_p_ratio);
      s.camera.next_bytes = [p](std::uint64_t seq) { return p.frame_bytes(seq); };
    }
  }
  return s;
}

// A condition's random sub-stream is fixed by its name (its place among the schema's choices), so a
// condition run alone (study.conditions=[two_pairs]) gives the rows it gives in the whole study.
std::uint64_t condition_run(const std::string& condition) {
  const std::vector<std::string>& order = find_field("study.conditions")->choices;
  const auto it = std::find(order.begin(), order.end(), condition);
  if (it == order.end()) throw std::logic_error("unknown study condition " + condition);
  return static_cast<std::uint64_t>(it - order.begin()) + 1;
}

// One study condition (Fig. 2) as a network run.
nm::NetworkRunSpec condition_spec(const Scenario& sc, const std::string& condition, const Sources& src) {
  nm::NetworkRunSpec n = base_spec(sc);
  if (condition == "sender") {
    n.streams.push_back(stream(sc, "lidar1", 0, -1, src.lidar));
  } else if (condition == "one_receiver") {
    n.streams.push_back(stream(sc, "lidar1", 0, 0, src.lidar));
  } else if (condition == "with_download") {
    n.servers = 2;
    n.stations = 1;
    n.streams.push_back(stream(sc, "lidar1", 0, 0, src.lidar));
    nm::BackgroundSpec g;
    g.name = "download";
    g.station = 0;
    g.server = 1;
    n.background.push_back(g);
  } else {  // two_pairs
    n.robots = 2;
    n.servers = 2;
    n.streams.push_back(stream(sc, "lidar1", 0, 0, src.lidar));
    n.streams.push_back(stream(sc, "lidar2", 1, 1, src.lidar));
  }
  // More subscribers on every receiver (e.g. rostopic bw and rostopic hz at once): TCPROS opens one
  // connection, with its own publisher queue, per subscriber; each has its own subscriber process.
  const auto subscribers = static_cast<int>(sc.integer("study.subscribers"));
  const std::size_t pairs = n.streams.size();
  for (int k = 2; condition != "sender" && k <= subscribers; ++k) {
    for (std::size_t p = 0; p < pairs; ++p) {
      nm::StreamSpec extra = n.streams[p];
      extra.name += fmt::format("_sub{}", k);
      n.streams.push_back(extra);
    }
  }
  return n;
}

nm::NetworkRunSpec network_run_spec(const Scenario& sc, const Sources& src) {
  nm::NetworkRunSpec n = base_spec(sc);
  n.robots = static_cast<int>(sc.integer("robots.count"));
  n.servers = static_cast<int>(sc.integer("servers.count"));
  n.stations = static_cast<int>(sc.integer("stations.count"));
  for (int r = 0; r < n.robots; ++r) {
    for (const auto& what : sc.texts("robots.streams")) {
      n.streams.push_back(stream(sc, fmt::format("robot{}-{}", r + 1, what), r, r % n.servers,
                                 what == "lidar" ? src.lidar : src.camera));
    }
  }
  const auto& starts = sc.numbers("background.start_s");
  const auto& stops = sc.numbers("background.stop_s");
  const auto flows = sc.integer("background.flows");
  for (const auto& [key, list] : {std::pair{"background.start_s", &starts}, {"background.stop_s", &stops}}) {
    if (list->size() != 1 && static_cast<long long>(list->size()) != flows) {
      throw sc.error(key,
                     fmt::format("has {} values; give one (for every flow) or one per flow ({})", list->size(), flows));
    }
  }
  if (flows > 0 && n.stations < 1) throw sc.error("stations.count", "background flows need at least one station");
  for (long long k = 0; k < flows; ++k) {
    nm::BackgroundSpec g;
    g.name = fmt::format("background{}", k + 1);
    g.kind = nm::parse_choice<nm::BackgroundKind>(sc.text("background.kind"));
    g.direction = nm::parse_choice<nm::Direction>(sc.text("background.direction"));
    g.station = static_cast<int>(k % n.stations);
    g.server = static_cast<int>(k % n.servers);
    g.rate_mbps = sc.number("background.rate_mbps");
    g.start_s = starts[starts.size() == 1 ? 0 : static_cast<std::size_t>(k)];
    g.stop_s = stops[stops.size() == 1 ? 0 : static_cast<std::size_t>(k)];
    n.background.push_back(g);
  }
  return n;
}

void validate_network_spec(const Scenario& sc, const nm::NetworkRunSpec& n) {
  try {
    nm::validate_network(n);
  } catch (const nm::NetworkConfigError& e) {
    throw sc.error(scenario_key(e.field()), std::string(e.what()).substr(e.field().size() + 2));
  }
}

}  // namespace offloadsim::sim
