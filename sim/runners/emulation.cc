#include "sim/runners/emulation.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "base/csv_table.h"
#include "base/stats.h"
#include "netmodels/emulation/realtime_emulation.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/live/netns.h"
#include "sim/runners/network_study.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace nm = netmodels;

namespace {

constexpr int kEmulatorNice = -15;

nm::NetworkRunSpec emulated_network(const Scenario& sc) {
  const Sources none = make_sources(sc, false, false);
  nm::NetworkRunSpec spec = network_run_spec(sc, none);
  spec.streams.clear();  // live robots send only their queries
  return spec;
}

}  // namespace

void check_emulation(const Scenario& sc) {
  if (const std::string why = live::namespaces_unavailable(); !why.empty()) {
    throw sc.error("live.network", "ns3: " + why + " (use loopback, or run as root)");
  }
  try {
    nm::validate_emulation(emulated_network(sc));
  } catch (const nm::NetworkConfigError& e) {
    throw sc.error("network." + e.field(), e.what());
  }
  if (sc.integer("cloud.server") > sc.integer("servers.count")) {
    throw sc.error("cloud.server", fmt::format("server {} does not exist (servers.count is {})",
                                               sc.integer("cloud.server"), sc.integer("servers.count")));
  }
}

int emulate_main(const EmulateOptions& o, std::ostream& out) {
  stop_with_parent();
  const Scenario sc = load_scenario(o.scenario);
  check_emulation(sc);
  // The network must keep the wall clock; the processes it carries may be slow (on real robots
  // they would have CPUs of their own). On a machine shared with them, the emulator goes first.
  if (::setpriority(PRIO_PROCESS, 0, kEmulatorNice) != 0) {
    fmt::print(out, "warning: cannot raise the emulator's priority (nice {}): {}\n", kEmulatorNice,
               std::strerror(errno));
  }
  nm::EmulationSpec spec;
  spec.network = emulated_network(sc);
  spec.network.duration_s = 1e6;  // until stopped: the live sessions of every policy run through it
  spec.network.stop_requested = interrupt_requested;
  spec.cloud_server = static_cast<int>(sc.integer("cloud.server")) - 1;
  spec.max_lag_s = sc.number("live.max_lag_ms") / 1e3;
  live::NetworkNamespaces namespaces;
  const std::string prefix = fmt::format("ofs{}", ::getpid());
  std::vector<std::string> names;
  for (int r = 0; r < spec.network.robots; ++r) {
    names.push_back(fmt::format("{}r{}", prefix, r + 1));
    spec.robot_tap_fds.push_back(
        namespaces.add(names.back(), nm::emulated_robot_address(r), nm::emulated_robot_gateway(r)));
  }
  names.push_back(prefix + "c");
  spec.cloud_tap_fd = namespaces.add(names.back(), nm::emulated_cloud_address(), nm::emulated_cloud_gateway());
  spec.on_ready = [&]() {
    std::string text;
    for (const auto& n : names) text += n + "\n";
    write_file_atomically(o.ready_file, text);
    fmt::print(out, "emulation ready: {} robot namespaces and the cloud's ({}), network {}\n", spec.network.robots,
               nm::emulated_cloud_address(), sc.text("network.type"));
    out.flush();
  };
  const nm::EmulationResult res = nm::run_emulation(spec);
  std::string csv = "sim_s,lag_ms\n";
  for (const nm::LagSample& s : res.lag) csv += fmt::format("{:.3f},{:.3f}\n", s.sim_s, s.lag_s * 1e3);
  write_file_atomically(o.lag_file, csv);
  if (res.fell_behind) {
    fmt::print(out,
               "error: the real-time simulator fell behind the wall clock: more than live.max_lag_ms ({} ms) from "
               "{:.1f} s on for a second (last {:.1f} ms): this machine cannot run this network in real time; fewer "
               "robots, less background traffic (UDP is cheaper to simulate than TCP) or a simpler network\n",
               sc.number("live.max_lag_ms"), res.fell_behind_at_s, res.lag.back().lag_s * 1e3);
    return 3;
  }
  fmt::print(out, "emulation stopped at {:.1f} s of simulated time; {} lag samples over live.max_lag_ms\n",
             res.lag.empty() ? 0.0 : res.lag.back().sim_s, res.samples_over);
  return 0;
}

Emulation::Emulation(const Scenario& sc, const std::string& scenario_file, const fs::path& dir, std::ostream& out)
    : dir_(dir), ip_(live::ip_command()), max_lag_ms_(sc.number("live.max_lag_ms")) {
  const fs::path ready = dir / "emulation.ready";
  std::error_code ec;
  fs::remove(ready, ec);
  process_ = std::make_unique<ChildProcess>(ChildProcess::start(
      {self_executable(), "emulate", scenario_file, "--ready", ready.string(), "--lag", lag_file().string()},
      (dir / "emulation.log").string()));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    std::ifstream in(ready);
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) names.push_back(line);
    if (static_cast<int>(names.size()) == sc.integer("robots.count") + 1) {
      namespaces_ = names;
      break;
    }
    if (const auto rc = process_->poll()) {
      std::ifstream log(dir / "emulation.log");
      const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      throw std::runtime_error(fmt::format("the emulation ended before its network was up (exit {}): {}", *rc, text));
    }
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error("the emulation was not up within 30 s");
    if (interrupt_requested()) {
      stop();
      check_interrupt();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  fmt::print(out, "emulation: {} network in real time, {} namespaces (pid {})\n", sc.text("network.type"),
             namespaces_.size(), process_->pid());
}

Emulation::~Emulation() {
  stop();
}

std::string Emulation::cloud_address() const {
  return nm::emulated_cloud_address();
}

std::vector<std::string> Emulation::cloud_command_prefix() const {
  return {ip_, "netns", "exec", namespaces_.back()};
}

std::vector<std::string> Emulation::robot_command_prefix(int robot) const {
  return {ip_, "netns", "exec", namespaces_.at(static_cast<std::size_t>(robot))};
}

void Emulation::check_lag() {
  if (stopped_) return;
  if (const auto rc = process_->poll()) {
    stopped_ = true;
    std::ifstream log(dir_ / "emulation.log");
    std::string last, line;
    while (std::getline(log, line)) {
      if (line.rfind("error:", 0) == 0) last = line.substr(7);
    }
    throw std::runtime_error(fmt::format("the emulation ended during the live run (exit {}){}", *rc,
                                         last.empty() ? std::string() : ": " + last));
  }
}

void Emulation::stop() {
  if (stopped_ || !process_) return;
  stopped_ = true;
  process_->signal(SIGTERM);
  if (!process_->wait_for(10)) process_->signal(SIGKILL);
}

std::string Emulation::lag_summary() const {
  const base::CsvTable t = base::CsvTable::read(lag_file().string());
  std::vector<double> lag;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (t.number(r, 0) >= 1.0) lag.push_back(t.number(r, 1));
  }
  if (lag.empty()) return "real-time lag: no sample after the warm-up";
  return fmt::format(
      "real-time lag of the emulated network (wall clock − simulated time, {} samples after 1 s): "
      "median {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms",
      lag.size(), base::lower_quantile(lag, 0.5), base::lower_quantile(lag, 0.99),
      *std::max_element(lag.begin(), lag.end()));
}

}  // namespace offloadsim::sim
