#include "sim/runners/policy_factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>

#include "agents/learning/rl_policy.h"
#include "agents/mdp/observation_features.h"
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
  std::vector<std::filesystem::path> saved;
  for (const std::string& e : all_entries) {
    if (e.rfind("rl:", 0) == 0) saved.emplace_back(e.substr(3));
  }
  if (saved.size() <= 1) return "rl";
  const std::filesystem::path path(entry.substr(3));
  const bool stems_shared = std::any_of(saved.begin(), saved.end(), [&](const std::filesystem::path& other) {
    return other != path && other.stem() == path.stem();
  });
  return "rl-" + (stems_shared ? path.parent_path().filename() : path.stem()).string();
}

namespace {

// The features a saved policy was trained on, from its sidecar.
std::vector<std::string> trained_features(const agents::TorchScriptPolicy& policy) {
  return policy.sidecar().at("observation").at("feature_names").get<std::vector<std::string>>();
}

// Whether a saved policy's features end with the network features (it was trained seeing them).
bool trained_on_network(const std::vector<std::string>& names) {
  const auto& net = agents::network_feature_names();
  return names.size() >= net.size() && std::equal(net.rbegin(), net.rend(), names.rbegin());
}

}  // namespace

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
      auto policy = agents::TorchScriptPolicy::load(family.substr(3), settings.rl_sample,
                                                    policy_entry_name(family, settings.entries));
      const bool network = trained_on_network(trained_features(*policy));
      out.push_back({std::move(policy), "rl", network});
    }
  }
  return made;
}

void check_saved_policies(const Scenario& sc, const std::vector<std::string>& features, bool network_allowed) {
  const std::vector<std::string>& entries = sc.texts("eval.policies");
  std::vector<std::string> names;
  for (const std::string& entry : entries) {
    if (entry.rfind("rl:", 0) != 0) continue;
    const std::string name = policy_entry_name(entry, entries);
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      throw sc.error("eval.policies", fmt::format("two saved policies would both be named '{}' in the results: "
                                                  "give them different file names or folders",
                                                  name));
    }
    names.push_back(name);
    const auto policy = agents::TorchScriptPolicy::load(entry.substr(3));
    const std::vector<std::string> got = trained_features(*policy);
    const bool network = network_allowed && trained_on_network(got);
    const auto paper_end =
        got.end() - (network ? static_cast<std::ptrdiff_t>(agents::network_feature_names().size()) : 0);
    if (std::equal(got.begin(), paper_end, features.begin(), features.end())) continue;
    throw sc.error(
        "eval.policies",
        fmt::format("{} was trained on {} features ({}) but this scenario gives its policies {} ({}){}",
                    entry.substr(3), got.size(), fmt::join(got, ", "), features.size(), fmt::join(features, ", "),
                    network_allowed
                        ? fmt::format(", or those and the {} network features", agents::network_feature_names().size())
                        : ""));
  }
}

}  // namespace offloadsim::sim
