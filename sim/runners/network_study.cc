#include "sim/runners/network_study.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "base/stats.h"
#include "netmodels/networks/network_run.h"
#include "netmodels/tcpros/rostopic_log.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/runners/cell_capacity.h"
#include "sim/runners/figures.h"

namespace offloadsim::sim {

namespace nm = netmodels;

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
