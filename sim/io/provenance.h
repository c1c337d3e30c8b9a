// provenance.json: what produced a result directory, so a figure in a paper can be traced back.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace offloadsim {
const char* git_revision();  // generated at build time (cmake/WriteGitRevision.cmake)
}

namespace offloadsim::sim {

std::string offloadsim_version();

struct RunRecord {
  std::string scenario_file;
  std::string scenario_name;
  std::string kind;
  unsigned long long seed = 0;
  std::vector<std::string> command_line;
  std::vector<std::string> overrides;
  std::chrono::system_clock::time_point start;
  std::chrono::system_clock::time_point end;
  std::vector<std::string> outputs;                 // file names inside the result directory
  nlohmann::json notes = nlohmann::json::object();  // kind-specific facts (policy size, stop reason, …)
};

nlohmann::json provenance_json(const RunRecord& run);

// The outputs the provenance.json in `dir` lists (a finished run's); empty when there is none or it
// cannot be read.
std::vector<std::string> provenance_outputs(const std::filesystem::path& dir);

// A run into a directory that holds an earlier run's results: removes the files (and directories,
// listed with a trailing '/') that the earlier provenance.json lists and `outputs` does not, so no
// stale table sits beside new ones (flows.csv from a run with FlowMonitor on, say). Returns their names.
std::vector<std::string> remove_stale_outputs(const std::filesystem::path& dir,
                                              const std::vector<std::string>& outputs);
// "2026-11-24T19:07:13Z"
std::string iso_utc(std::chrono::system_clock::time_point t);

}  // namespace offloadsim::sim
