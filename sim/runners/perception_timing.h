// kind: perception-timing — the robot and cloud models of agents/perception timed per frame size on
// an idle machine (the command measures what other processes use, before and while it times, and
// refuses a busy machine). Its timing.csv is what the closed loop draws each query's service time
// from, for the query's own frame size (cloud.service_times; docs/loop.md).
#pragma once

#include <ostream>

#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

void check_perception_timing(const Scenario& sc);
void run_perception_timing(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

}  // namespace offloadsim::sim
