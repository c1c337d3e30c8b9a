// What `offloadsim run` passes to an experiment runner.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace offloadsim::sim {

struct RunOptions {
  std::filesystem::path out_dir;                    // results directory (created if missing)
  std::vector<std::string> overrides;               // --set key=value, for provenance
  std::vector<std::string> command_line;            // argv, for provenance
  bool figures = true;                              // false: skip figures even when the scenario asks for them
  bool progress = true;                             // progress on stderr
  // Child processes at once for a kind whose run is several simulations (parallel_units.h): the CLI
  // sets --jobs or the cores; 1, the default of a run made in-process (tests, reproduce), runs them
  // here, one after the other — a child is `offloadsim run-unit`, which only the CLI's binary is.
  int jobs = 1;
  std::filesystem::path resume;                     // rl-train: checkpoint directory to continue from
  nlohmann::json notes = nlohmann::json::object();  // extra provenance (a sweep point's parameters, …)
};

}  // namespace offloadsim::sim
