// Background load as a share of the cell's measured capacity (background.capacity_share), so that
// "50 % load" means the same thing on an 802.11n cell and an LTE cell. The capacity is measured the
// way iperf measures a path: one TCP bulk flow alone in the same network (same cell, placement,
// seed; no sensor streams, no agents) in the background flows' direction, its goodput from
// kProbeStartS to kProbeEndS. Every constant-rate background flow then runs at
// share × capacity / flows. docs/congestion.md.
#pragma once

#include <optional>
#include <string>

#include "netmodels/networks/network_run.h"
#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

inline constexpr double kProbeStartS = 1.0;  // after WiFi association / LTE attach
inline constexpr double kProbeEndS = 5.0;

struct CellCapacity {
  std::string direction;     // download | upload
  double capacity_mbps = 0;  // the lone bulk flow's goodput
  double share = 0;          // background.capacity_share
  double rate_mbps = 0;      // each background flow's rate: share × capacity / flows
  int flows = 0;
};

// Checks what the schema cannot: a share needs constant-rate flows (background.kind: cbr). Kinds
// without the field pass.
void check_capacity_share(const Scenario& sc);

// With background.capacity_share > 0 and background flows: measures the cell of `n` (a spec from
// network_run_spec) and sets its background flows' rates; otherwise nothing. Stops on Ctrl-C
// (Interrupted).
std::optional<CellCapacity> apply_capacity_share(const Scenario& sc, netmodels::NetworkRunSpec& n);

// Writes out_dir/cell_capacity.csv (a header and one row) and lists it in the run's record.
void write_cell_capacity(const CellCapacity& c, const RunOptions& opt, RunRecord& rec);
// One line for the console: "background: 50% of the cell's measured capacity (…)".
std::string describe(const CellCapacity& c);

}  // namespace offloadsim::sim
