// One scenario field, declared once: its key path, type, unit, default, allowed values and help.
// The loader validates against these declarations, error messages quote them, and
// docs/scenarios.md is generated from them (`offloadsim schema`).
#pragma once

#include <limits>
#include <string>
#include <variant>
#include <vector>

namespace offloadsim::sim {

// kPolicyList: a list whose elements are choices or {rl: path-to-saved-policy} mappings; stored
// as strings, the mapping as "rl:<absolute path>".
enum class FieldType {
  kBool,
  kInt,
  kNumber,
  kString,
  kChoice,
  kPath,
  kNumberList,
  kChoiceList,
  kPolicyList,
  kPathList
};

using Value = std::variant<bool, long long, double, std::string, std::vector<double>, std::vector<std::string>>;

struct FieldSpec {
  std::string path;  // dotted key path, e.g. "mdp.cost.cloud"
  FieldType type = FieldType::kNumber;
  std::string unit;  // empty when unitless
  Value default_value;
  double min = -std::numeric_limits<double>::infinity();  // numbers and list elements
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // kChoice, kChoiceList
  std::string help;
  std::vector<std::string> kinds;  // experiment kinds using the field; empty = every kind
  bool required = false;
  bool optional_path = false;  // kPath whose default "" means "not given"
  bool allow_empty = false;    // a list that may be [] (a choice list meaning "none")

  bool applies_to(const std::string& kind) const;
};

// "integer in [1, 1000] steps", "one of: synthetic, traces", …
std::string describe_allowed(const FieldSpec& f);
std::string format_value(const Value& v);

// The element of `candidates` closest to `word` (edit distance ≤ 2), or "" — for "did you mean".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);
const char* type_name(FieldType t);

}  // namespace offloadsim::sim
