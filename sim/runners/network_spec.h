// From a scenario to the netmodels network it describes (kinds network-study, network-run,
// closed-loop, congestion-traces, live): the robots' sensor sources, the network settings, the
// LIDAR study's conditions, and the validation that reports a netmodels error at its scenario
// field.
#pragma once

#include <cstdint>
#include <string>

#include "netmodels/networks/network_run.h"
#include "netmodels/sensors/video_frames.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// The robots' sensor sources a scenario describes (lidar.*, camera.*).
struct Sources {
  netmodels::MessageSource lidar, camera;
  double raw_cloud_bytes = 0, sent_cloud_bytes = 0;  // means over the distinct clouds
  std::string camera_what;
};
// Ray-casting many clouds and encoding a long video take minutes: with `progress` both show a
// progress bar, and both stop within one cloud or frame of a Ctrl-C (Interrupted).
Sources make_sources(const Scenario& sc, bool need_camera, bool progress);
// `file` encoded as camera.* says (size, JPEG quality, frames).
netmodels::EncodedVideo encode_camera_video(const Scenario& sc, const std::string& file, bool progress);

// network-run's (and closed-loop's) network: robots.*, servers, stations, background.*, network.*.
netmodels::NetworkRunSpec network_run_spec(const Scenario& sc, const Sources& src);
// Validates a spec, reporting a netmodels error at the scenario field it comes from.
void validate_network_spec(const Scenario& sc, const netmodels::NetworkRunSpec& n);

// One condition of the LIDAR study (Fig. 2: sender, one_receiver, with_download, two_pairs) as a
// network run.
netmodels::NetworkRunSpec condition_spec(const Scenario& sc, const std::string& condition, const Sources& src);
// A condition's random sub-stream, fixed by its name (its place among the schema's choices), so a
// condition run alone (study.conditions=[two_pairs]) gives the rows it gives in the whole study.
std::uint64_t condition_run(const std::string& condition);

}  // namespace offloadsim::sim
