// Whether ns-3 can build a NetworkRunSpec, checked before anything is built: each refusal names
// the setting (NetworkConfigError::field) so the scenario loader can point at its line.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "netmodels/networks/cells.h"
#include "netmodels/networks/network_run.h"

namespace offloadsim::netmodels {

using cells::kAppStartS;
using cells::kMaxLteUes;
using cells::kMaxServers;
using cells::kMaxStationsPerAp;
using cells::one_of;

void validate_network(const NetworkRunSpec& s) {
  if (s.robots < 1) throw NetworkConfigError("robots", "at least one robot");
  for (double d : s.robot_distances_m) {
    if (!(d > 0)) throw NetworkConfigError("robot_distances_m", fmt::format("{} m: distances must be positive", d));
  }
  if (s.servers < 1) throw NetworkConfigError("servers", "at least one server");
  if (s.servers > kMaxServers)
    throw NetworkConfigError("servers", fmt::format("at most {} (each server has a /24 link of its own)", kMaxServers));
  if (s.duration_s <= kAppStartS)
    throw NetworkConfigError("duration", fmt::format("must exceed {} s of set-up", kAppStartS));
  if (s.type == NetworkType::kWifi) {
    const WifiSpec& w = s.wifi;
    if (w.standard == WifiStandard::k80211ac && w.band != WifiBand::k5GHz)
      throw NetworkConfigError("wifi.band", "802.11ac runs in the 5GHz band only");
    const std::vector<int> widths =
        w.standard == WifiStandard::k80211ac ? std::vector<int>{20, 40, 80, 160} : std::vector<int>{20, 40};
    if (std::find(widths.begin(), widths.end(), w.channel_width_mhz) == widths.end()) {
      throw NetworkConfigError(
          "wifi.channel_width",
          fmt::format("{} MHz is not a channel width of {} in the {} band (allowed: {})", w.channel_width_mhz,
                      name_of(w.standard), name_of(w.band), fmt::join(widths, ", ")));
    }
    const int max_mcs = w.standard == WifiStandard::k80211ac ? 9 : 7;
    if (w.constant_mcs < 0 || w.constant_mcs > max_mcs) {
      throw NetworkConfigError("wifi.constant_mcs",
                               fmt::format("must be in [0, {}] for {}", max_mcs, name_of(w.standard)));
    }
    if (!(w.addba_timeout_ms > 0)) throw NetworkConfigError("wifi.addba_timeout_ms", "must be positive");
    if (w.spatial_streams < 1 || w.spatial_streams > 4)
      throw NetworkConfigError("wifi.spatial_streams", "must be 1 to 4");
    if (w.access_points < 1) throw NetworkConfigError("wifi.access_points", "at least one");
    // Each AP's stations share one /24 subnet with it: 253 stations at most.
    const auto on_first_ap = [&](int n) { return (n + w.access_points - 1) / w.access_points; };  // k mod APs
    const int per_ap =
        on_first_ap(s.robots) + on_first_ap(s.stations) + (w.servers_on_wifi ? on_first_ap(s.servers) : 0);
    if (per_ap > kMaxStationsPerAp) {
      throw NetworkConfigError(
          "wifi.access_points",
          fmt::format("{} robots, {} stations{} on {} AP(s) put {} devices on one AP; at most {} (one /24 subnet per "
                      "AP): add access points",
                      s.robots, s.stations, w.servers_on_wifi ? fmt::format(" and {} servers", s.servers) : "",
                      w.access_points, per_ap, kMaxStationsPerAp));
    }
  } else if (s.type == NetworkType::kWired) {
    // One /24 subnet per link, numbered by the host's index.
    if (s.robots > 256) throw NetworkConfigError("robots", "a wired network has at most 256 robots");
    if (s.stations > 256) throw NetworkConfigError("stations", "a wired network has at most 256 stations");
    if (!(s.robot_link.rate_mbps > 0)) throw NetworkConfigError("robot_link.rate_mbps", "must be positive");
  } else {
    const LteSpec& l = s.lte;
    for (const auto& [name, rb] : {std::pair{"lte.ul_resource_blocks", l.ul_resource_blocks},
                                   {"lte.dl_resource_blocks", l.dl_resource_blocks}}) {
      if (!one_of(std::to_string(rb), {"6", "15", "25", "50", "75", "100"})) {
        throw NetworkConfigError(name, fmt::format("{} is not an LTE bandwidth; allowed: 6, 15, 25, 50, 75, 100", rb));
      }
    }
    if (l.enbs < 1) throw NetworkConfigError("lte.enbs", "at least one eNB");
    if (s.robots + s.stations > kMaxLteUes) {
      throw NetworkConfigError("robots", fmt::format("{} robots and {} stations are {} LTE UEs; at most {} (ns-3's eNB "
                                                     "runs out of sounding-signal slots)",
                                                     s.robots, s.stations, s.robots + s.stations, kMaxLteUes));
    }
  }
  for (std::size_t k = 0; k < s.streams.size(); ++k) {
    const StreamSpec& st = s.streams[k];
    if (st.robot < 0 || st.robot >= s.robots)
      throw NetworkConfigError(
          "streams", fmt::format("stream '{}' names robot {}, but there are {}", st.name, st.robot, s.robots));
    if (st.server >= s.servers)
      throw NetworkConfigError(
          "streams", fmt::format("stream '{}' names server {}, but there are {}", st.name, st.server, s.servers));
    if (st.source.rate_hz <= 0)
      throw NetworkConfigError("streams", fmt::format("stream '{}' has no positive rate", st.name));
  }
  for (const BackgroundSpec& g : s.background) {
    if (g.station < 0 || g.station >= s.stations)
      throw NetworkConfigError("background",
                               fmt::format("flow '{}' names station {}, but there are {} (network.stations)", g.name,
                                           g.station, s.stations));
    if (g.server < 0 || g.server >= s.servers)
      throw NetworkConfigError("background",
                               fmt::format("flow '{}' names server {}, but there are {}", g.name, g.server, s.servers));
    if (g.kind == BackgroundKind::kCbr && g.rate_mbps <= 0)
      throw NetworkConfigError("background.rate_mbps", "a constant-rate flow needs a rate > 0");
    if (g.stop_s <= g.start_s)
      throw NetworkConfigError("background.stop_s", fmt::format("flow '{}' stops ({} s) before it starts ({} s)",
                                                                g.name, g.stop_s, g.start_s));
    if (g.start_s >= s.duration_s)
      throw NetworkConfigError("background.start_s", fmt::format("flow '{}' starts at {} s, after the run ends ({} s)",
                                                                 g.name, g.start_s, s.duration_s));
  }
}
}  // namespace offloadsim::netmodels
