// Live mode (docs/live.md): the offload agent as real processes (sim/cli/live_processes.h).
//   kind: live        — prepares the inputs, starts one cloud and N robots as child processes (on
//                       loopback, or each in its own network namespace across an ns-3 network run
//                       in real time), stops them cleanly, collects their CSVs into the columns of
//                       kind closed-loop, and runs the same scenario in pure simulation beside it
//                       (comparison.csv).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

void check_live(const Scenario& sc);
void run_live_kind(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

}  // namespace offloadsim::sim
