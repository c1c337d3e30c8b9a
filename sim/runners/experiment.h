// Runs a validated scenario: dispatches on its kind, writes every output into the result
// directory (each file atomically), the resolved scenario and provenance.json, and the figures.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/io/provenance.h"
#include "sim/runners/parallel_units.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// One experiment kind: what `kind:` names, a line for --help and docs, the checks that need no run
// (cross-field rules, readable input files; throws ScenarioError or base::InputError), and the run,
// which writes its tables and figures into opt.out_dir and lists them in rec.outputs.
struct ExperimentKind {
  std::string name;
  std::string summary;
  void (*check)(const Scenario& sc);
  void (*run)(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);
  UnitFunction unit = nullptr;  // one of its independent simulations, for `run-unit` (parallel_units.h)
};

// Every kind, in the order docs and --help list them: the one place a kind is registered.
const std::vector<ExperimentKind>& experiment_kinds();
// The kind of that name; throws std::logic_error for a name the schema should have refused.
const ExperimentKind& experiment_kind(const std::string& name);

// Checks everything about a scenario that can be checked without running it (cross-field rules,
// readable input files). Throws ScenarioError or base::InputError.
void check_scenario(const Scenario& sc);

// Runs it; the summary table goes to `out`, progress to stderr. Throws on failure, leaving no
// partial file under a final name.
void run_scenario(const Scenario& sc, const RunOptions& options, std::ostream& out);

}  // namespace offloadsim::sim
