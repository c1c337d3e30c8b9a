// Runs a validated scenario: dispatches on its kind, writes every output into the result
// directory (each file atomically), the resolved scenario and provenance.json, and the figures.
#pragma once

#include <ostream>

#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// Checks everything about a scenario that can be checked without running it (cross-field rules,
// readable input files). Throws ScenarioError or agents::InputError.
void check_scenario(const Scenario& sc);

// Runs it; the summary table goes to `out`, progress to stderr. Throws on failure, leaving no
// partial file under a final name.
void run_scenario(const Scenario& sc, const RunOptions& options, std::ostream& out);

}  // namespace offloadsim::sim
