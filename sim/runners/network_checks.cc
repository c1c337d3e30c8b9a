// The checks of kinds network-study and network-run that the schema cannot make: the network as
// a whole, the run's length against its warm-up and sampling, the measured logs and input files.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/input_error.h"
#include "netmodels/sensors/video_frames.h"
#include "netmodels/tcpros/rostopic_log.h"
#include "sim/runners/cell_capacity.h"
#include "sim/runners/network_spec.h"
#include "sim/runners/network_study.h"

namespace offloadsim::sim {

namespace nm = netmodels;

namespace {

// rates.csv rows per stream and condition (docs/limits.md).
constexpr double kMaxSamplesPerStream = 1e6;

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

}  // namespace offloadsim::sim
