// A loaded, validated scenario: every field of its kind with a value (given or default).
#pragma once

#include <cstddef>
#include <cstdint>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/field_spec.h"
#include "sim/scenario/scenario_error.h"

namespace offloadsim::sim {

class Scenario {
 public:
  const std::string& file() const { return file_; }
  // The --set overrides it was loaded with, in order (load_scenario(file(), overrides()) loads it again).
  const std::vector<std::string>& overrides() const { return overrides_; }
  const std::string& kind() const { return kind_; }
  const std::string& name() const { return name_; }
  unsigned long long seed() const { return static_cast<unsigned long long>(integer("seed")); }

  bool flag(const std::string& path) const { return std::get<bool>(get(path)); }
  long long integer(const std::string& path) const { return std::get<long long>(get(path)); }
  double number(const std::string& path) const { return std::get<double>(get(path)); }
  const std::string& text(const std::string& path) const { return std::get<std::string>(get(path)); }
  const std::vector<double>& numbers(const std::string& path) const { return std::get<std::vector<double>>(get(path)); }
  const std::vector<std::string>& texts(const std::string& path) const {
    return std::get<std::vector<std::string>>(get(path));
  }
  const Value& get(const std::string& path) const;
  // Whether the field is one of this kind's (the schema lists it for the kind).
  bool has(const std::string& path) const { return values_.count(path) != 0; }

  // An error about one field, located where the field was given (file and line, or --set).
  ScenarioError error(const std::string& path, const std::string& message) const;
  // Where a field's value came from, for messages about two fields: ", from --set", ", line 12", ", default".
  std::string given_by(const std::string& path) const;

  // The resolved scenario as YAML: every field of the kind, in schema order. `path_text`, when
  // given, replaces each input-file path in the text (sweeps use it for location-free ids).
  std::string to_yaml(const std::function<std::string(const std::string&)>& path_text = {}) const;

  // Applies one more override after loading (used by tests and sweeps); validated like --set.
  friend Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides);

 private:
  struct Origin {
    std::string source;  // file or "--set"
    int line = 0;
  };
  std::string file_;
  std::vector<std::string> overrides_;
  std::string kind_;
  std::string name_;
  std::map<std::string, Value> values_;
  std::map<std::string, Origin> origins_;
};

// Loads and validates `file`, then applies `overrides` ("key.path=value", value in YAML syntax).
// Throws ScenarioError listing every problem found.
Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides = {});

// Limits on what a scenario or sweep file may hold (docs/limits.md): enough for any real
// experiment by orders of magnitude, small enough that a wrong or hostile file is refused in
// milliseconds instead of taking gigabytes to parse.
inline constexpr std::uintmax_t kMaxYamlFileBytes = 1 << 20;  // a scenario or sweep file, and one --set value
inline constexpr std::size_t kMaxListElements = 10000;        // one list-valued field, or a sweep axis

// The one YAML document in `file` (a scenario or sweep file; `what` names it in errors). Refuses,
// naming the file (and line), a file that is missing, a directory, larger than kMaxYamlFileBytes,
// not valid YAML, or holding more than one document ("---"): the second would be silently ignored.
YAML::Node load_yaml_document(const std::string& file, const std::string& what);

}  // namespace offloadsim::sim
