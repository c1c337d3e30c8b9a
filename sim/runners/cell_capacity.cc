#include "sim/runners/cell_capacity.h"

#include <fmt/format.h>

#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"

namespace offloadsim::sim {

namespace nm = netmodels;

void check_capacity_share(const Scenario& sc) {
  if (!sc.has("background.capacity_share")) return;
  if (sc.number("background.capacity_share") > 0 && sc.integer("background.flows") > 0 &&
      sc.text("background.kind") != "cbr") {
    throw sc.error("background.kind", "'" + sc.text("background.kind") +
                                          "' has no rate to set; background.capacity_share needs 'cbr' flows");
  }
}

std::optional<CellCapacity> apply_capacity_share(const Scenario& sc, nm::NetworkRunSpec& n) {
  const double share = sc.has("background.capacity_share") ? sc.number("background.capacity_share") : 0.0;
  if (share <= 0 || n.background.empty()) return std::nullopt;
  nm::NetworkRunSpec probe = n;
  probe.streams.clear();
  nm::BackgroundSpec bulk = n.background.front();
  bulk.name = "capacity-probe";
  bulk.kind = nm::BackgroundKind::kBulk;
  bulk.start_s = kProbeStartS;
  bulk.stop_s = kProbeEndS;
  probe.background = {bulk};
  probe.duration_s = kProbeEndS;
  probe.flow_monitor = false;
  probe.wifi.pcap_prefix.clear();
  probe.on_second = nullptr;
  probe.stop_requested = interrupt_requested;
  const nm::NetworkRunResult r = nm::run_network(probe);
  check_interrupt();  // Ctrl-C ended the probe early: its goodput means nothing
  CellCapacity c;
  c.direction = nm::name_of(bulk.direction);
  c.capacity_mbps = r.background.front().goodput_mbps;
  c.share = share;
  c.flows = static_cast<int>(n.background.size());
  c.rate_mbps = share * c.capacity_mbps / c.flows;
  if (!(c.rate_mbps > 0)) {
    throw sc.error(
        "background.capacity_share",
        fmt::format("the cell carried {} Mbps in the probe: no capacity to take a share of", c.capacity_mbps));
  }
  for (nm::BackgroundSpec& g : n.background) g.rate_mbps = c.rate_mbps;
  return c;
}

void write_cell_capacity(const CellCapacity& c, const RunOptions& opt, RunRecord& rec) {
  write_file_atomically(
      opt.out_dir / "cell_capacity.csv",
      fmt::format("direction,probe_s,capacity_mbps,capacity_share,flows,flow_rate_mbps\n{},{},{:.3f},{},{},{:.3f}\n",
                  c.direction, kProbeEndS - kProbeStartS, c.capacity_mbps, c.share, c.flows, c.rate_mbps));
  rec.outputs.push_back("cell_capacity.csv");
}

std::string describe(const CellCapacity& c) {
  return fmt::format(
      "background: {:g}% of the cell's measured {} capacity ({:.1f} Mbps: one TCP bulk flow alone for {:g} s) = "
      "{} flow(s) of {:.2f} Mbps",
      c.share * 100, c.direction, c.capacity_mbps, kProbeEndS - kProbeStartS, c.flows, c.rate_mbps);
}

}  // namespace offloadsim::sim
