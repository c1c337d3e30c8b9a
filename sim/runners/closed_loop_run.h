// kind: closed-loop — every robot of an ns-3 WiFi or LTE network runs its offload agent; each policy
// of eval.policies runs in its own simulation of the same network, seed and streams, on each of
// run.seeds seeds (paired by seed). Writes decisions.csv (every frame), queries.csv (every request
// on the wire), summary.csv (per policy, seed and robot, and overall), comparison.csv (per policy:
// means over seeds, and differences paired by seed against loop.reference_policy), the network
// tables of network-run with the policy as the condition and a seed column, and the figures.
// docs/loop.md.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "agents/loop/robot_agent.h"
#include "agents/mdp/trace.h"
#include "agents/streams/synthetic_stream.h"
#include "sim/io/provenance.h"
#include "sim/loop/closed_loop.h"
#include "sim/runners/cell_capacity.h"
#include "sim/runners/loop_inputs.h"
#include "sim/runners/parallel_units.h"
#include "sim/runners/policy_factory.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

void check_closed_loop(const Scenario& sc);
// Unit u of the run: policy u ÷ run.seeds of the run's policies in its own simulation of seed
// seed + u mod run.seeds, as its rows of every table (a unit of the kind, for parallel runs:
// parallel_units.h).
UnitParts closed_loop_unit(const Scenario& sc, std::size_t unit, const std::function<void()>& tick);
// The scenario of the run's k-th seed (k < run.seeds): seed + k, as a sweep's replications.
Scenario seed_scenario(const Scenario& sc, std::size_t k);

// A closed-loop scenario loaded once (streams, query sizes, policies, the network spec), from which
// each policy's simulation is run — by the kind, and by the loop's overhead benchmark.
class ClosedLoopExperiment {
 public:
  // `progress`: progress bars while inputs are prepared (clouds ray-cast, video encoded).
  explicit ClosedLoopExperiment(const Scenario& sc, bool progress = false);
  ~ClosedLoopExperiment();
  std::size_t policies() const;
  std::string policy_name(std::size_t p) const;
  double fps() const;
  const std::string& description() const { return description_; }
  // The measured cell under background.capacity_share (set before the first run).
  const std::optional<CellCapacity>& capacity() const { return capacity_; }
  ClosedLoopSpec& spec() { return spec_; }
  // Policy p on every robot, in its own simulation of the network.
  ClosedLoopResult run(std::size_t p);
  // What the robots play, for another backend of the same scenario (the congestion surrogate):
  // robot r's episodes, the queries' sizes, policy p's agent settings (with the network features
  // iff p is a saved policy trained on them), policy p's instance on robot r and the seed its
  // draws derive from (the robot agent's), and the frames robot r plays.
  const std::vector<agents::Trace>& episodes(int robot) const;
  const std::vector<std::uint32_t>& query_sizes() const;
  agents::RobotAgentSettings agent_settings(std::size_t p) const;
  agents::Policy& policy(std::size_t p, int robot);
  std::uint64_t seed() const;  // the scenario's
  std::uint64_t policy_seed(std::size_t p) const;
  int frames(int robot) const;
  // The same network with `queries` (a run's requests) sent open loop at their recorded times: the
  // same traffic with no agent code in the run.
  ClosedLoopResult replay(const std::vector<QueryRecord>& queries);

 private:
  struct Inputs;
  std::unique_ptr<Inputs> inputs_;
  ClosedLoopSpec spec_;
  std::optional<CellCapacity> capacity_;
  std::string description_;
};
void run_closed_loop_kind(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec);

}  // namespace offloadsim::sim
