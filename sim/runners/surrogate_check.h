// kind: surrogate-check — does the congestion surrogate (agents/mdp/congestion_surrogate.h) match
// ns-3? For every condition of the traces grid (traces.*), the cell's model is fitted from a
// congestion-traces run (surrogate.traces, recorded with another seed), and each policy of
// eval.policies plays the same robots, streams and seeds in ns-3 and in the surrogate. Per
// condition and policy: the queries' median and 95th-percentile latency in both (within 10% and
// 20%?), and per condition the policies' ranking by reward (Kendall τ ≥ 0.8?). docs/congestion.md.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "agents/mdp/congestion_surrogate.h"
#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

struct FittedCell {
  agents::CellModel model;
  int queries = 0, probes = 0;  // answered queries and probes it was fitted on
  double mean_abs_error_s = 0;
};

// One model per condition of a congestion_traces.csv (keyed by its first three cells,
// "network,robots,background_mbps"), fitted on every answered query of the condition's runs and
// the probes of congestion_probes.csv beside it. Throws base::InputError naming the file, line
// and column.
std::map<std::string, FittedCell> fit_cells(const std::string& traces_csv, int cloud_workers);

// What the surrogate kinds need of a scenario: surrogate.traces that cover the traces.* grid, and
// a deadline of at most one frame period. `why`: what the traces are for, in the error.
void check_surrogate_traces(const Scenario& sc, const std::string& why);

void check_surrogate_check(const Scenario& sc);
void run_surrogate_check(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

}  // namespace offloadsim::sim
