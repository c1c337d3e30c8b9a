// What a closed-loop run says beside its tables: the policies that behaved as one, and what its
// figures are told of the run (its condition line, the deadline, the background flows).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "sim/runners/parallel_units.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// Pairs (earlier, later) of policies, by unit index, that executed the same action at every frame
// of every robot, from each unit's "decisions" rows: one behaviour under two names.
std::vector<std::pair<std::size_t, std::size_t>> identical_policies(const std::vector<UnitParts>& units);

// The options analysis/plot_closed_loop.py takes: --condition, --deadline-ms, --background S,E.
std::vector<std::string> closed_loop_figure_options(const Scenario& sc);

}  // namespace offloadsim::sim
