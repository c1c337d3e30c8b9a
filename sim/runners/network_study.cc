#include "sim/runners/network_study.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "base/input_error.h"
#include "base/stats.h"
#include "netmodels/networks/network_run.h"
#include "netmodels/sensors/video_frames.h"
#include "netmodels/sensors/vlp16_lidar.h"
#include "netmodels/tcpros/rostopic_log.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/runners/cell_capacity.h"
#include "sim/runners/figures.h"
#include "sim/scenario/schema.h"

namespace offloadsim::sim {

namespace nm = netmodels;

namespace {

// rates.csv rows per stream and condition (docs/limits.md).
constexpr double kMaxSamplesPerStream = 1e6;

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

namespace {

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

}  // namespace

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

namespace {

std::string num(double x, int digits = 3) {
  return std::isnan(x) ? "NA" : fmt::format("{:.{}f}", x, digits);
}

const char* drop_name(nm::DropSite d) {
  return d == nm::DropSite::kPublisherQueue ? "publisher" : d == nm::DropSite::kSubscriberQueue ? "subscriber" : "";
}

}  // namespace

std::vector<Row> add_run(Tables& t, const std::string& condition, const nm::NetworkRunResult& r, double warmup_s) {
  std::vector<Row> rows;
  for (const auto& st : r.streams) {
    Row row;
    row.condition = condition;
    row.flow = st.name;
    std::vector<double> sent, received, goodput;
    for (const auto& s : st.samples) {
      t.rates += fmt::format("{},{},{},{},{},{},{},{}\n", condition, st.name, num(s.t_s), num(s.sent_Bps * 8 / 1e6),
                             num(s.received_Bps * 8 / 1e6), num(s.goodput_Bps * 8 / 1e6), s.publisher_drops,
                             s.subscriber_drops);
      if (s.t_s < warmup_s) continue;
      sent.push_back(s.sent_Bps * 8 / 1e6);
      received.push_back(s.received_Bps * 8 / 1e6);
      goodput.push_back(s.goodput_Bps * 8 / 1e6);
    }
    std::vector<double> latency;
    for (const auto& m : st.log.messages) {
      const double lat = m.t_processed >= 0 ? (m.t_processed - m.t_published) * 1000 : std::nan("");
      t.messages +=
          fmt::format("{},{},{},{},{},{},{},{},{},{}\n", condition, st.name, m.seq, m.bytes, num(m.t_published, 6),
                      m.t_written >= 0 ? num(m.t_written, 6) : "NA", m.t_received >= 0 ? num(m.t_received, 6) : "NA",
                      m.t_processed >= 0 ? num(m.t_processed, 6) : "NA", num(lat), drop_name(m.dropped));
      if (m.t_published >= warmup_s && !std::isnan(lat)) latency.push_back(lat);
    }
    // A subscriber that never connected (lost SYNs) received nothing; it is not the sender condition.
    const bool remote = st.remote;
    row.sent = base::median(sent);
    row.received = remote ? base::median(received) : row.sent;  // no remote subscriber: rostopic bw on the robot
    row.share = 100 * row.received / row.sent;
    row.goodput = goodput.empty()
                      ? 0
                      : std::accumulate(goodput.begin(), goodput.end(), 0.0) / static_cast<double>(goodput.size());
    // rostopic hz's min and max: every interval between consecutive callbacks since subscribing
    // (no warm-up cut, as rostopic hz has none); on the robot itself (no remote subscriber): publications.
    std::vector<double> handled;
    for (const auto& m : st.log.messages) {
      const double at = remote ? m.t_processed : m.t_published;
      if (at >= 0) handled.push_back(at);
    }
    std::sort(handled.begin(), handled.end());
    for (std::size_t k = 1; k < handled.size(); ++k) {
      const double gap = (handled[k] - handled[k - 1]) * 1000;
      if (k == 1 || gap < row.gap_min_ms) row.gap_min_ms = gap;
      if (k == 1 || gap > row.gap_max_ms) row.gap_max_ms = gap;
    }
    if (handled.size() >= 2) {
      row.rate_hz = static_cast<double>(handled.size() - 1) / (handled.back() - handled.front());
    }
    row.latency_med = base::median(latency);
    row.latency_p95 = base::lower_quantile(latency, 0.95);
    row.published = st.log.messages.size();
    row.processed = remote ? st.log.processed.size() : st.log.messages.size();
    row.pub_drops = st.log.publisher_drops;
    row.sub_drops = st.log.subscriber_drops;
    rows.push_back(row);
  }
  for (const auto& f : r.ip_flows) {
    t.flows += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", condition, f.id, f.protocol, f.source,
                           f.source_port, f.destination, f.destination_port, f.tx_bytes, f.rx_bytes, f.tx_packets,
                           f.rx_packets, f.lost_packets, num(f.mean_delay_ms), num(f.throughput_mbps));
  }
  for (const auto& b : r.background)
    t.background += fmt::format("{},{},{},{}\n", condition, b.name, b.received_bytes, num(b.goodput_mbps));
  return rows;
}

namespace {

nm::NetworkRunResult simulate(nm::NetworkRunSpec n, const std::string& label, bool progress) {
  std::unique_ptr<Progress> bar;
  if (progress) {
    bar = std::make_unique<Progress>(label + " (simulated s)", static_cast<std::size_t>(std::ceil(n.duration_s)));
    n.on_second = [&bar](double) { bar->advance(); };
  }
  n.stop_requested = interrupt_requested;
  nm::NetworkRunResult r = nm::run_network(n);
  check_interrupt();  // Ctrl-C ended the simulation early: nothing of it is written
  if (bar) bar->finish();
  return r;
}

}  // namespace

void commit_network_tables(const Scenario& sc, const RunOptions& opt, RunRecord& rec, const Tables& t,
                           const std::string& summary) {
  std::vector<std::pair<std::string, const std::string*>> files = {{"rates.csv", &t.rates},
                                                                   {"summary.csv", &summary},
                                                                   {"messages.csv", &t.messages},
                                                                   {"background.csv", &t.background}};
  if (sc.flag("network.flow_monitor")) files.emplace_back("flows.csv", &t.flows);
  for (const auto& [name, text] : files) {
    write_file_atomically(opt.out_dir / name, *text);
    rec.outputs.push_back(name);
  }
}

namespace {

// The per-robot lists may not name more robots than the run has ("has N values" + `why`).
void check_per_robot_lists(const Scenario& sc, long long robots, const std::string& why) {
  for (const char* key : {"network.robot_distances_m", "network.robot_angles_deg"}) {
    const std::size_t n = sc.numbers(key).size();
    if (static_cast<long long>(n) > robots) throw sc.error(key, fmt::format("has {} values{}", n, why));
  }
}

}  // namespace

// Reads the data file a scenario field names; a bad file is reported with the field that named it.
void read_for_field(const Scenario& sc, const std::string& field, const std::function<void(const std::string&)>& read) {
  try {
    read(sc.text(field));
  } catch (const base::InputError& e) {
    throw sc.error(field, e.what());
  }
}

void check_network_run(const Scenario& sc) {
  check_network_scenario(sc);
  check_capacity_share(sc);
}

void check_network_scenario(const Scenario& sc) {
  const bool camera = sc.kind() != "network-study" && [&] {
    const auto& s = sc.texts("robots.streams");
    return std::find(s.begin(), s.end(), "video") != s.end();
  }();
  const double end_s = sc.number("run.duration_s");
  if (sc.number("run.warmup_s") >= end_s) {
    // Every other time a short run leaves at or after its end, in the same message: a user who
    // shortened run.duration_s learns all there is to change at once.
    std::string also;
    if (sc.kind() != "network-study" && sc.has("background.start_s") && sc.integer("background.flows") > 0) {
      for (const double t : sc.numbers("background.start_s")) {
        if (t >= end_s) {
          also += fmt::format("; background.start_s ({:g} s) would start no flow before the end too", t);
          break;
        }
      }
    }
    if (sc.has("loop.start_s") && sc.number("loop.start_s") >= end_s)
      also += fmt::format("; loop.start_s ({:g} s) is not before the end either", sc.number("loop.start_s"));
    throw sc.error("run.warmup_s", fmt::format("{} s must be less than run.duration_s ({} s{}){}",
                                               sc.number("run.warmup_s"), end_s, sc.given_by("run.duration_s"), also));
  }
  const double measured_s = sc.number("run.duration_s") - sc.number("run.warmup_s");
  if (sc.number("run.sample_interval_s") > measured_s) {
    throw sc.error("run.sample_interval_s",
                   fmt::format("{} s leaves no sample in the {} s after the warm-up (run.duration_s {} s{}, "
                               "run.warmup_s {} s{})",
                               sc.number("run.sample_interval_s"), measured_s, sc.number("run.duration_s"),
                               sc.given_by("run.duration_s"), sc.number("run.warmup_s"), sc.given_by("run.warmup_s")));
  }
  if (const double samples = measured_s / sc.number("run.sample_interval_s"); samples > kMaxSamplesPerStream) {
    throw sc.error("run.sample_interval_s",
                   fmt::format("{} s gives {:.3g} samples per stream in the {} s after the warm-up; at most {:g} "
                               "(docs/limits.md): sample less often or simulate less",
                               sc.number("run.sample_interval_s"), samples, measured_s, kMaxSamplesPerStream));
  }
  if (sc.kind() == "network-study") {
    if (nm::parse_choice<nm::NetworkType>(sc.text("network.type")) != nm::NetworkType::kWifi)
      throw sc.error("network.type", "the LIDAR study runs on WiFi (as the paper's did)");
    check_per_robot_lists(sc, 2, "; the study has at most 2 robots (two_pairs)");
    for (const auto& c : sc.texts("study.conditions")) {
      Sources none;
      none.lidar.rate_hz = 1;
      validate_network_spec(sc, condition_spec(sc, c, none));
    }
    // The measured logs are read after the simulation: a bad one should fail now, not then.
    std::vector<std::string> logged = sc.texts("study.conditions");
    logged.emplace_back("sender");
    for (const auto& c : logged) {
      read_for_field(sc, "study.measured." + c, [&](const std::string& f) { nm::read_rostopic_bw_mbps(f); });
      read_for_field(sc, "study.measured_hz." + c, [&](const std::string& f) { nm::read_rostopic_hz(f); });
    }
  } else {
    const long long robots = sc.integer("robots.count");
    check_per_robot_lists(sc, robots, fmt::format(", more than robots.count ({})", robots));
    Sources none;
    none.lidar.rate_hz = none.camera.rate_hz = 1;
    validate_network_spec(sc, network_run_spec(sc, none));
  }
  if (camera && !sc.text("camera.file").empty()) {
    read_for_field(sc, "camera.file", [](const std::string& f) { nm::encode_video_frames(f, 0, 0, 50, 1); });
  }
}

namespace {

// A summary row's numbers, in the order a child writes them for its parent.
constexpr double Row::*kRowReals[] = {&Row::sent,    &Row::received,    &Row::share,
                                      &Row::goodput, &Row::latency_med, &Row::latency_p95,
                                      &Row::rate_hz, &Row::gap_min_ms,  &Row::gap_max_ms};
constexpr std::size_t Row::*kRowCounts[] = {&Row::published, &Row::processed};
constexpr std::uint64_t Row::*kRowDrops[] = {&Row::pub_drops, &Row::sub_drops};
constexpr std::size_t kRowFields = 2 + std::size(kRowReals) + std::size(kRowCounts) + std::size(kRowDrops);

// A condition's summary rows as text, exactly (shortest round-trip numbers), for the parent to read.
std::string format_rows(const std::vector<Row>& rows) {
  std::string text;
  for (const Row& r : rows) {
    text += r.condition + '\t' + r.flow;
    for (const auto m : kRowReals) text += fmt::format("\t{}", r.*m);
    for (const auto m : kRowCounts) text += fmt::format("\t{}", r.*m);
    for (const auto m : kRowDrops) text += fmt::format("\t{}", r.*m);
    text += '\n';
  }
  return text;
}

std::vector<Row> parse_rows(const std::string& text) {
  std::vector<Row> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
    if (f.size() != kRowFields) {
      throw std::runtime_error("a condition's child returned a summary row of the wrong shape: " + line);
    }
    Row r;
    r.condition = f[0];
    r.flow = f[1];
    std::size_t i = 2;
    for (const auto m : kRowReals) r.*m = std::strtod(f[i++].c_str(), nullptr);
    for (const auto m : kRowCounts) r.*m = std::strtoull(f[i++].c_str(), nullptr, 10);
    for (const auto m : kRowDrops) r.*m = std::strtoull(f[i++].c_str(), nullptr, 10);
    rows.push_back(std::move(r));
  }
  return rows;
}

// A condition's run as the text it adds to each table, and its summary rows.
UnitParts condition_parts(const Scenario& sc, const std::string& condition, const nm::NetworkRunResult& r) {
  const Tables headers;
  Tables t;
  UnitParts parts;
  parts["rows"] = format_rows(add_run(t, condition, r, sc.number("run.warmup_s")));
  parts["rates"] = t.rates.substr(headers.rates.size());
  parts["messages"] = t.messages.substr(headers.messages.size());
  parts["background"] = t.background.substr(headers.background.size());
  parts["flows"] = t.flows.substr(headers.flows.size());
  return parts;
}

}  // namespace

UnitParts network_study_unit(const Scenario& sc, std::size_t index, const std::function<void()>& tick) {
  const Sources src = make_sources(sc, false, false);
  const std::string condition = sc.texts("study.conditions").at(index);
  nm::NetworkRunSpec n = condition_spec(sc, condition, src);
  n.run = condition_run(condition);
  n.stop_requested = interrupt_requested;
  n.on_second = [&tick](double) { tick(); };
  const nm::NetworkRunResult r = nm::run_network(n);
  check_interrupt();  // Ctrl-C ended the simulation early: nothing of it is written
  return condition_parts(sc, condition, r);
}

void run_network_study(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const Sources src = make_sources(sc, false, opt.progress);
  fmt::print(out, "VLP-16: {:.0f}-byte PointCloud2 messages at {} Hz ({:.2f} Mbps){}\n", src.raw_cloud_bytes,
             sc.number("lidar.rotation_hz"), src.sent_cloud_bytes * 8 * sc.number("lidar.rotation_hz") / 1e6,
             sc.text("lidar.compression") == "none"
                 ? ""
                 : fmt::format(", sent compressed: {:.0f} bytes (ratio {:.1f}:1)", src.sent_cloud_bytes,
                               src.raw_cloud_bytes / src.sent_cloud_bytes));
  // The conditions' simulations: in parallel children (each its own ns-3), or one after the other
  // here (--jobs 1, one condition, or pcap).
  UnitPlan plan;
  plan.what = "conditions";
  plan.key = "condition";
  plan.names = sc.texts("study.conditions");
  plan.ticks_per_unit = static_cast<std::size_t>(std::ceil(sc.number("run.duration_s")));
  plan.in_one_process = sc.flag("network.pcap");
  const std::vector<UnitParts> units = run_units(
      sc, opt, plan,
      [&](std::size_t k) {
        const std::string& condition = plan.names[k];
        nm::NetworkRunSpec n = condition_spec(sc, condition, src);
        n.run = condition_run(condition);
        if (sc.flag("network.pcap")) n.wifi.pcap_prefix = (opt.out_dir / ("pcap-" + condition)).string();
        return condition_parts(sc, condition, simulate(n, condition, opt.progress));
      },
      out, rec);
  Tables t;
  std::vector<Row> rows;
  for (const UnitParts& u : units) {
    for (auto [table, part] : {std::pair{&t.rates, "rates"},
                               {&t.messages, "messages"},
                               {&t.background, "background"},
                               {&t.flows, "flows"}}) {
      *table += u.at(part);
    }
    for (Row& row : parse_rows(u.at("rows"))) rows.push_back(std::move(row));
  }
  // The measurements beside the simulation: medians of the rostopic bw logs (the paper's by default).
  std::map<std::string, std::vector<double>> measured;
  std::string measured_csv = "condition,sample,mbps\n";
  for (const auto& c : sc.texts("study.conditions")) {
    measured[c] = nm::read_rostopic_bw_mbps(sc.text("study.measured." + c));
    for (std::size_t k = 0; k < measured[c].size(); ++k) {
      measured_csv += fmt::format("{},{},{}\n", c, k, num(measured[c][k]));
    }
  }
  const double measured_sender = base::median(nm::read_rostopic_bw_mbps(sc.text("study.measured.sender")));
  const double measured_sender_hz = nm::read_rostopic_hz(sc.text("study.measured_hz.sender")).rate_hz;
  std::map<std::string, nm::RostopicHz> measured_hz;
  for (const auto& c : sc.texts("study.conditions")) {
    measured_hz[c] = nm::read_rostopic_hz(sc.text("study.measured_hz." + c));
  }
  std::string summary =
      "condition,flow,sender_median_mbps,receiver_median_mbps,receiver_share_pct,measured_median_mbps,"
      "measured_share_pct,goodput_mean_mbps,latency_median_ms,latency_p95_ms,published,processed,publisher_drops,"
      "subscriber_drops,rate_hz,interval_min_ms,interval_max_ms,measured_rate_hz,measured_hz_share_pct,"
      "measured_interval_min_ms,measured_interval_max_ms\n";
  fmt::print(out, "\n{:<14} {:<7} {:>10} {:>10} {:>7} {:>9} {:>10} {:>11}\n", "condition", "flow", "sent Mbps",
             "recv Mbps", "share", "measured", "goodput", "latency p50");
  for (const Row& r : rows) {
    const double measured_median = base::median(measured.at(r.condition));
    const double measured_share = 100 * measured_median / measured_sender;
    const nm::RostopicHz& hz = measured_hz.at(r.condition);
    summary +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.condition, r.flow,
                    num(r.sent), num(r.received), num(r.share, 1), num(measured_median), num(measured_share, 1),
                    num(r.goodput), num(r.latency_med, 1), num(r.latency_p95, 1), r.published, r.processed, r.pub_drops,
                    r.sub_drops, num(r.rate_hz), num(r.gap_min_ms, 1), num(r.gap_max_ms, 1), num(hz.rate_hz),
                    num(100 * hz.rate_hz / measured_sender_hz, 1), num(hz.min_s * 1000, 1), num(hz.max_s * 1000, 1));
    fmt::print(out, "{:<14} {:<7} {:>10.2f} {:>10.2f} {:>6.1f}% {:>8.1f}% {:>10.2f} {:>9.0f} ms\n", r.condition, r.flow,
               r.sent, r.received, r.share, measured_share, r.goodput, r.latency_med);
  }
  fmt::print(out,
             "measured: medians of the rostopic bw logs in study.measured.* (default: the paper's), shares of "
             "the measured sender's {:.2f} Mbps; summary.csv also has the shortest and longest interval between "
             "two handled messages, simulated and from the rostopic hz logs in study.measured_hz.*\n",
             measured_sender);
  commit_network_tables(sc, opt, rec, t, summary);
  write_file_atomically(opt.out_dir / "measured.csv", measured_csv);
  rec.outputs.push_back("measured.csv");
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_network.py", opt.out_dir);
    rec.outputs.push_back("fig_lidar_study.png");
    rec.outputs.push_back("fig_lidar_study.pdf");
  }
}

void run_network_run(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const auto& what = sc.texts("robots.streams");
  const Sources src = make_sources(sc, std::find(what.begin(), what.end(), "video") != what.end(), opt.progress);
  if (!src.camera_what.empty()) fmt::print(out, "camera: {}\n", src.camera_what);
  nm::NetworkRunSpec n = network_run_spec(sc, src);
  const std::optional<CellCapacity> capacity = apply_capacity_share(sc, n);
  if (capacity) fmt::print(out, "{}\n", describe(*capacity));
  if (sc.flag("network.pcap")) n.wifi.pcap_prefix = (opt.out_dir / "pcap").string();
  const auto r = simulate(n, sc.text("network.type"), opt.progress);
  Tables t;
  const auto rows = add_run(t, "run", r, sc.number("run.warmup_s"));
  std::string summary =
      "robot,stream,sender_median_mbps,receiver_median_mbps,receiver_share_pct,goodput_mean_mbps,latency_median_ms,"
      "latency_p95_ms,published,processed,publisher_drops,subscriber_drops\n";
  fmt::print(out, "\n{:<16} {:>10} {:>10} {:>7} {:>10} {:>12} {:>12} {:>9}\n", "stream", "sent Mbps", "recv Mbps",
             "share", "goodput", "latency p50", "latency p95", "drops");
  for (const Row& row : rows) {
    const std::string robot = row.flow.substr(0, row.flow.find('-'));
    summary +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", robot, row.flow.substr(row.flow.find('-') + 1),
                    num(row.sent), num(row.received), num(row.share, 1), num(row.goodput), num(row.latency_med, 1),
                    num(row.latency_p95, 1), row.published, row.processed, row.pub_drops, row.sub_drops);
    fmt::print(out, "{:<16} {:>10.2f} {:>10.2f} {:>6.1f}% {:>10.2f} {:>9.0f} ms {:>9.0f} ms {:>9}\n", row.flow,
               row.sent, row.received, row.share, row.goodput, row.latency_med, row.latency_p95,
               row.pub_drops + row.sub_drops);
  }
  for (const auto& b : r.background) fmt::print(out, "{}: {:.2f} Mbps\n", b.name, b.goodput_mbps);
  commit_network_tables(sc, opt, rec, t, summary);
  if (capacity) write_cell_capacity(*capacity, opt, rec);
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_network.py", opt.out_dir);
    rec.outputs.push_back("fig_network_run.png");
    rec.outputs.push_back("fig_network_run.pdf");
  }
}

}  // namespace offloadsim::sim
