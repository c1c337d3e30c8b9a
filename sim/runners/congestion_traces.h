// kind: congestion-traces — what the network does to a robot's queries, measured in ns-3 over a
// grid of conditions (network × robots per cell × background load), for the congestion surrogate
// to replay (docs/congestion.md). Each condition is one closed-loop run of the scenario with its
// policies (typically `scripted` query rates, eval.query_rates… loop.query_rates); every frame of
// every robot becomes one row of congestion_traces.csv: what its estimator saw when it decided,
// what it asked for and got, and what its query experienced on the wire (joined from the query's
// own record, so late answers and time-outs are there too).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/io/provenance.h"
#include "sim/loop/closed_loop.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

struct CongestionCondition {
  std::string network;  // wifi | lte | wired
  int robots = 1;
  double background_mbps = 0;  // one CBR download of this rate to the cell; 0: none
};

// The grid of traces.networks × traces.robots × traces.background_mbps, in that nesting order.
std::vector<CongestionCondition> congestion_conditions(const Scenario& sc);
// The scenario of one condition: the file again, with the scenario's overrides and the condition's.
Scenario condition_scenario(const Scenario& sc, const CongestionCondition& c);

// The condition's first three cells of congestion_traces.csv (network,robots,background_mbps).
std::string condition_cells(const CongestionCondition& c);

void check_congestion_traces(const Scenario& sc);
void run_congestion_traces(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

}  // namespace offloadsim::sim
