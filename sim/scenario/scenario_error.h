// Everything wrong with a scenario, each problem naming the file, line, key path and what is
// allowed. The CLI prints one line per problem and exits with code 2.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace offloadsim::sim {

struct ScenarioIssue {
  std::string file;  // the scenario file, or "--set" for a command-line override
  int line = 0;      // 1-based; 0 when no line applies
  std::string key;   // dotted key path; empty when the problem is the whole file
  std::string message;

  std::string to_string() const;
};

class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<ScenarioIssue> issues);
  ScenarioError(std::string file, int line, std::string key, std::string message);
  const std::vector<ScenarioIssue>& issues() const { return issues_; }

 private:
  static std::string join(const std::vector<ScenarioIssue>& issues);
  std::vector<ScenarioIssue> issues_;
};

}  // namespace offloadsim::sim
