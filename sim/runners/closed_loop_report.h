// What a closed-loop run says beside its tables: each policy over the seeds and paired by seed
// against a reference (comparison.csv and the terminal table), the policies that behaved as one,
// and what its figures are told of the run (its condition line, the deadline, the background flows).
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sim/io/provenance.h"
#include "sim/runners/parallel_units.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// The unit part holding a run's summary.csv line of all robots together.
inline constexpr const char* kOverallPart = "overall";

// Units are policy-major: unit p·seeds + k is policy p on the run's k-th seed.
// Pairs (earlier, later) of policies that executed the same action at every frame of every robot
// on every seed, from the units' "decisions" rows: one behaviour under two names.
std::vector<std::pair<std::size_t, std::size_t>> identical_policies(const std::vector<UnitParts>& units,
                                                                    std::size_t seeds);

// Per policy and seed, summary.csv's numeric columns of all robots (NaN where "NA"), from the
// units' kOverallPart.
using SeedMetrics = std::vector<std::vector<std::map<std::string, double>>>;
SeedMetrics seed_metrics(const std::vector<UnitParts>& units, std::size_t seeds);

// The index of loop.reference_policy among the run's policies (empty: the first); a name not
// among them is refused naming the field and the names.
std::size_t reference_policy(const Scenario& sc, const std::vector<std::string>& policies);

// comparison.csv: per policy and metric, the mean over seeds with its 95% CI (Student's t) and the
// mean difference from the reference policy, paired by seed, with its CI.
extern const char* const kComparisonHeader;
std::string comparison_csv(const std::vector<std::string>& policies, const SeedMetrics& m, std::size_t reference);
// The terminal table: per policy, means over seeds, reward's CI and its paired difference.
std::string comparison_table(const std::vector<std::string>& policies, const SeedMetrics& m, std::size_t reference);

// The options analysis/plot_closed_loop.py takes: --condition, --deadline-ms, --background S,E.
std::vector<std::string> closed_loop_figure_options(const Scenario& sc);

// Policies that made the same decisions at every frame of every robot (and seed): printed as one
// behaviour here, and listed in the provenance's notes.
void note_identical_policies(const std::vector<UnitParts>& units, const std::vector<std::string>& policies,
                             std::size_t seeds, std::ostream& out, RunRecord& rec);

// The policies figure and a timeline per policy (plot_closed_loop.py), an earlier run's removed first.
void draw_closed_loop_figures(const Scenario& sc, const RunOptions& opt, RunRecord& rec);

}  // namespace offloadsim::sim
