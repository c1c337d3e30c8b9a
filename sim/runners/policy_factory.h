// Makes the policies a scenario's `eval.policies` list names, the same way for every runner:
// random, scripted query rates, all-robot, all-cloud, the robot-heuristic sweep (calibrated on training traces, never
// on test traces), the exact oracle, the paper code's greedy oracle and saved TorchScript policies ({rl: file.pt}).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "agents/mdp/trace.h"
#include "agents/policies/policy.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

struct PolicySettings {
  std::vector<std::string> entries;  // eval.policies: family names and "rl:<path>"
  int all_robot_run_every = 1;
  std::string heuristic_mode = "percentile";  // percentile | threshold
  std::vector<double> heuristic_percentiles;
  std::vector<double> heuristic_thresholds;
  std::vector<double> query_rates;  // scripted: one policy per rate (eval.query_rates)
  bool rl_sample = false;
};

struct MadePolicy {
  agents::PolicyPtr policy;
  std::string family;             // random, all-robot, all-cloud, robot-heuristic, oracle, rl
  bool network_features = false;  // a saved policy trained seeing the network: its robot computes those features
};

struct MadePolicies {
  std::vector<MadePolicy> policies;  // in the order of the entries; a heuristic sweep in its own order
  std::vector<std::pair<double, double>> heuristic_thresholds;  // percentile mode: (percentile, threshold)
};

// `calibration`: the traces the percentile heuristic takes its thresholds from.
MadePolicies make_policies(const PolicySettings& settings, const std::vector<agents::Trace>& calibration);

// The display name of each policy entry: "rl:<path>" becomes "rl" when it is the only saved
// policy, "rl-<file stem>" otherwise, or "rl-<folder name>" when saved policies share a file stem
// (results/rl/network/policy.pt and results/rl/paper_state/policy.pt: rl-network, rl-paper_state).
std::string policy_entry_name(const std::string& entry, const std::vector<std::string>& all_entries);

// Loads every saved policy in `eval.policies` (which checks it) and refuses, naming that field,
// one trained on other state features than `features` (the scenario's, in order) or, with
// `network_allowed` (the closed loop and live robots, which can measure the network), than
// `features` followed by the network features. Refuses two saved policies that would share a name.
void check_saved_policies(const Scenario& sc, const std::vector<std::string>& features, bool network_allowed = false);

}  // namespace offloadsim::sim
