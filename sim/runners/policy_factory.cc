#include "sim/runners/policy_factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>

#include "agents/learning/rl_policy.h"
#include "agents/policies/all_cloud_policy.h"
#include "agents/policies/all_robot_policy.h"
#include "agents/policies/congestion_aware_policy.h"
#include "agents/policies/oracle_policy.h"
#include "agents/policies/paper_oracle_policy.h"
#include "agents/policies/random_policy.h"
#include "agents/policies/robot_heuristic_policy.h"
#include "agents/policies/scripted_query_policy.h"

namespace offloadsim::sim {

std::string policy_entry_name(const std::string& entry, const std::vector<std::string>& all_entries) {
  if (entry.rfind("rl:", 0) != 0) return entry;
  const auto saved = std::count_if(all_entries.begin(), all_entries.end(),
                                   [](const std::string& e) { return e.rfind("rl:", 0) == 0 || e == "rl"; });
  if (saved <= 1) return "rl";
  return "rl-" + std::filesystem::path(entry.substr(3)).stem().string();
}

MadePolicies make_policies(const PolicySettings& settings, const std::vector<agents::Trace>& calibration) {
  MadePolicies made;
  auto& out = made.policies;
  for (const std::string& family : settings.entries) {
    if (family == "random") out.push_back({std::make_unique<agents::RandomPolicy>(), family});
    if (family == "scripted") {
      for (double rate : settings.query_rates) {
        out.push_back({std::make_unique<agents::ScriptedQueryPolicy>(rate), family});
      }
    }
    if (family == "all-robot") {
      out.push_back({std::make_unique<agents::AllRobotPolicy>(settings.all_robot_run_every), family});
    }
    if (family == "all-cloud") out.push_back({std::make_unique<agents::AllCloudPolicy>(), family});
    if (family == "robot-heuristic" && settings.heuristic_mode == "threshold") {
      for (double t : settings.heuristic_thresholds) {
        out.push_back(
            {std::make_unique<agents::RobotHeuristicPolicy>(std::numeric_limits<double>::quiet_NaN(), t), family});
      }
    } else if (family == "robot-heuristic") {
      for (double q : settings.heuristic_percentiles) {
        const double threshold = agents::RobotHeuristicPolicy::threshold_for(q, calibration);
        made.heuristic_thresholds.emplace_back(q, threshold);
        out.push_back({std::make_unique<agents::RobotHeuristicPolicy>(q, threshold), family});
      }
    }
    if (family == "congestion-aware") {
      for (double q : settings.heuristic_percentiles) {
        out.push_back({std::make_unique<agents::CongestionAwarePolicy>(
                           q, agents::RobotHeuristicPolicy::threshold_for(q, calibration)),
                       family});
      }
    }
    if (family == "oracle") out.push_back({std::make_unique<agents::OraclePolicy>(), family});
    if (family == "paper-oracle") out.push_back({std::make_unique<agents::PaperOraclePolicy>(), family});
    if (family.rfind("rl:", 0) == 0) {
      out.push_back({agents::TorchScriptPolicy::load(family.substr(3), settings.rl_sample,
                                                     policy_entry_name(family, settings.entries)),
                     "rl"});
    }
  }
  return made;
}

void check_saved_policies(const Scenario& sc, const std::vector<std::string>& features, const std::string& note) {
  for (const std::string& entry : sc.texts("eval.policies")) {
    if (entry.rfind("rl:", 0) != 0) continue;
    const auto policy = agents::TorchScriptPolicy::load(entry.substr(3));
    const auto got = policy->sidecar().at("observation").at("feature_names").get<std::vector<std::string>>();
    if (got != features) {
      throw sc.error("eval.policies",
                     fmt::format("{} was trained on {} features ({}) but this scenario gives its policies {} ({}){}",
                                 entry.substr(3), got.size(), fmt::join(got, ", "), features.size(),
                                 fmt::join(features, ", "), note));
    }
  }
}

}  // namespace offloadsim::sim
