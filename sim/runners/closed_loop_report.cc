#include "sim/runners/closed_loop_report.h"

#include <algorithm>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "sim/loop/loop_tables.h"
#include "sim/runners/closed_loop_run.h"

namespace offloadsim::sim {

namespace {

// Per policy (in unit order), the action executed at each robot's frame, from its decisions rows.
std::vector<std::vector<std::string>> executed_actions(const std::vector<UnitParts>& units) {
  std::size_t column = 0;  // of `executed` in kDecisionsHeader
  for (std::string_view h = kDecisionsHeader; h.substr(0, h.find(',')) != "executed"; h.remove_prefix(h.find(',') + 1))
    ++column;
  std::vector<std::vector<std::string>> out;
  for (const UnitParts& u : units) {
    std::vector<std::string>& acts = out.emplace_back();
    const auto it = u.find("decisions");
    if (it == u.end()) continue;
    std::istringstream rows(it->second);
    for (std::string row; std::getline(rows, row);) {
      std::size_t at = 0;
      for (std::size_t c = 0; c < column && at != std::string::npos; ++c) at = row.find(',', at) + 1;
      // The robot and the frame, then what ran: a request the budget refused ran on board, as a
      // policy that never asked did.
      const std::size_t robot = row.find(',') + 1, step = row.find(',', row.find(',', robot) + 1);
      acts.push_back(row.substr(robot, step - robot) + "," + row.substr(at, row.find(',', at) - at));
    }
  }
  return out;
}

// What every figure says of the run: the network, the robots, the background, the seed.
std::string condition_line(const Scenario& sc) {
  std::string net = sc.text("network.type");
  if (net == "wifi") {
    net = fmt::format("WiFi {}, {} MHz, {}×{}", sc.text("network.wifi.standard"),
                      sc.integer("network.wifi.channel_width"), sc.integer("network.wifi.spatial_streams"),
                      sc.integer("network.wifi.spatial_streams"));
  } else if (net == "lte") {
    net = fmt::format("LTE, {} uplink RBs", sc.integer("network.lte.ul_resource_blocks"));
  }
  const auto& streams = sc.texts("robots.streams");
  std::string what;
  for (const std::string& s : streams) what += (what.empty() ? "" : " + ") + s;
  const long long flows = sc.integer("background.flows");
  const std::string bg = flows == 0 ? "no background traffic"
                                    : fmt::format("{} {} {}{}", flows, sc.text("background.kind"),
                                                  sc.text("background.direction"), flows > 1 ? "s" : "");
  return fmt::format("{} · {} robots ({}) · {} · seed {} · {:g} s simulated", net, sc.integer("robots.count"),
                     what.empty() ? "queries only" : what, bg, sc.seed(), sc.number("run.duration_s"));
}

}  // namespace

// Pairs of policies that executed the same action at every frame of every robot: one behaviour
// under two names, which a table of their rows does not show.
std::vector<std::pair<std::size_t, std::size_t>> identical_policies(const std::vector<UnitParts>& units) {
  const auto acts = executed_actions(units);
  std::vector<std::pair<std::size_t, std::size_t>> same;
  for (std::size_t b = 1; b < acts.size(); ++b) {
    for (std::size_t a = 0; a < b; ++a) {
      if (!acts[a].empty() && acts[a] == acts[b]) {
        same.emplace_back(a, b);
        break;
      }
    }
  }
  return same;
}

std::vector<std::string> closed_loop_figure_options(const Scenario& sc) {
  std::vector<std::string> o = {"--condition", condition_line(sc), "--deadline-ms",
                                fmt::format("{:g}", loop_deadline_s(sc) * 1e3)};
  const double end = sc.number("run.duration_s");
  const auto& start = sc.numbers("background.start_s");
  const auto& stop = sc.numbers("background.stop_s");
  for (long long k = 0; k < sc.integer("background.flows"); ++k) {
    const auto at = [&](const std::vector<double>& v) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(k))];
    };
    if (at(start) >= end) continue;
    o.push_back("--background");
    o.push_back(fmt::format("{:g},{:g}", at(start), std::min(at(stop), end)));
  }
  return o;
}

}  // namespace offloadsim::sim
