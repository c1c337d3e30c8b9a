#include <ns3/core-module.h>
#include <ns3/mobility-module.h>

#include "netmodels/networks/cells.h"

namespace offloadsim::netmodels::cells {

void place(ns3::NodeContainer nodes, const std::vector<ns3::Vector>& centres, double radius,
           const std::vector<double>& radii, const std::vector<double>& angles_deg, double phase,
           const NetworkRunSpec& spec, bool mobile) {
  auto positions = ns3::CreateObject<ns3::ListPositionAllocator>();
  for (std::uint32_t k = 0; k < nodes.GetN(); ++k) {
    const ns3::Vector c = centres[k % centres.size()];
    const double a = k < angles_deg.size() ? angles_deg[k] * kPi / 180
                                           : phase + 2 * kPi * k / std::max<std::uint32_t>(1, nodes.GetN());
    const double r = k < radii.size() ? radii[k] : radius;
    positions->Add(ns3::Vector(c.x + r * std::cos(a), c.y + r * std::sin(a), 1.0));
  }
  ns3::MobilityHelper mobility;
  mobility.SetPositionAllocator(positions);
  if (mobile && spec.mobility == Mobility::kRandomWalk) {
    double farthest = radius;
    for (double r : radii) farthest = std::max(farthest, r);
    const double r = std::max(2.0, 2 * farthest);
    mobility.SetMobilityModel(
        "ns3::RandomWalk2dMobilityModel", "Bounds",
        ns3::RectangleValue(ns3::Rectangle(-r, r + spec.wifi.ap_spacing_m * (spec.wifi.access_points - 1), -r, r)),
        "Speed", ns3::StringValue(fmt::format("ns3::ConstantRandomVariable[Constant={}]", spec.robot_speed_mps)));
  } else {
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
  }
  mobility.Install(nodes);
}
}  // namespace offloadsim::netmodels::cells
