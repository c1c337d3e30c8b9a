#include "sim/scenario/scenario.h"

#include <map>
#include <string>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/scenario/schema.h"

// A loaded scenario: its values, where each was given, and the resolved YAML it writes.

namespace offloadsim::sim {

std::string ScenarioIssue::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  s += ": ";
  if (!key.empty()) s += key + ": ";
  return s + message;
}

ScenarioError::ScenarioError(std::vector<ScenarioIssue> issues)
    : std::runtime_error(join(issues)), issues_(std::move(issues)) {}

ScenarioError::ScenarioError(std::string file, int line, std::string key, std::string message)
    : ScenarioError(std::vector<ScenarioIssue>{{std::move(file), line, std::move(key), std::move(message)}}) {}

std::string ScenarioError::join(const std::vector<ScenarioIssue>& issues) {
  std::string s;
  for (size_t i = 0; i < issues.size(); ++i) s += (i ? "\n" : "") + issues[i].to_string();
  return s;
}

const Value& Scenario::get(const std::string& path) const {
  auto it = values_.find(path);
  if (it == values_.end()) throw std::logic_error("scenario field not in schema for kind " + kind_ + ": " + path);
  return it->second;
}

ScenarioError Scenario::error(const std::string& path, const std::string& message) const {
  auto it = origins_.find(path);
  if (it == origins_.end()) return ScenarioError(file_, 0, path, message + " (default value)");
  return ScenarioError(it->second.source, it->second.line, path, message);
}

std::string Scenario::given_by(const std::string& path) const {
  auto it = origins_.find(path);
  if (it == origins_.end()) return ", default";
  if (it->second.source == "--set") return ", from --set";
  return it->second.line > 0 ? fmt::format(", line {}", it->second.line) : "";
}

std::string Scenario::to_yaml(const std::function<std::string(const std::string&)>& path_text) const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  // Emit in schema order, opening and closing nested maps as paths change.
  std::vector<std::string> open;
  auto split = [](const std::string& p) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot = p.find('.'); dot != std::string::npos; dot = p.find('.', start)) {
      parts.push_back(p.substr(start, dot - start));
      start = dot + 1;
    }
    parts.push_back(p.substr(start));
    return parts;
  };
  // Schema order, except that every section's fields come together where the section first
  // appears: a section split by another's field would open twice (a duplicate key).
  std::vector<const FieldSpec*> fields;
  std::map<std::string, std::size_t> first;  // section path → where it first appears
  std::vector<std::vector<std::size_t>> order;
  for (const FieldSpec& f : scenario_schema()) {
    if (!f.applies_to(kind_)) continue;
    std::vector<std::size_t> key;
    std::string prefix;
    for (const std::string& part : split(f.path)) {
      prefix += (prefix.empty() ? "" : ".") + part;
      key.push_back(first.emplace(prefix, fields.size()).first->second);
    }
    fields.push_back(&f);
    order.push_back(std::move(key));
  }
  std::vector<std::size_t> index(fields.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
  std::stable_sort(index.begin(), index.end(), [&](std::size_t a, std::size_t b) { return order[a] < order[b]; });
  for (const std::size_t k : index) {
    const FieldSpec& f = *fields[k];
    std::vector<std::string> parts = split(f.path);
    const std::string leaf = parts.back();
    parts.pop_back();
    size_t common = 0;
    while (common < open.size() && common < parts.size() && open[common] == parts[common]) ++common;
    while (open.size() > common) {
      out << YAML::EndMap;
      open.pop_back();
    }
    for (size_t i = common; i < parts.size(); ++i) {
      out << YAML::Key << parts[i] << YAML::Value << YAML::BeginMap;
      open.push_back(parts[i]);
    }
    out << YAML::Key << leaf << YAML::Value;
    const Value& v = values_.at(f.path);
    const bool is_path = f.type == FieldType::kPath;
    auto show_path = [&](const std::string& p) { return path_text && !p.empty() ? path_text(p) : p; };
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::vector<double>> || std::is_same_v<T, std::vector<std::string>>) {
            out << YAML::Flow << YAML::BeginSeq;
            for (const auto& e : x) {
              if constexpr (std::is_same_v<T, std::vector<double>>) {
                out << fmt::format("{}", e);
              } else if (f.type == FieldType::kPathList) {
                out << show_path(e);
              } else if (e.rfind("rl:", 0) == 0) {
                out << YAML::BeginMap << YAML::Key << "rl" << YAML::Value << show_path(e.substr(3)) << YAML::EndMap;
              } else {
                out << e;
              }
            }
            out << YAML::EndSeq;
          } else if constexpr (std::is_same_v<T, double>) {
            out << fmt::format("{}", x);
          } else if constexpr (std::is_same_v<T, std::string>) {
            out << (is_path ? show_path(x) : x);
          } else {
            out << x;
          }
        },
        v);
  }
  while (!open.empty()) {
    out << YAML::EndMap;
    open.pop_back();
  }
  out << YAML::EndMap;
  return std::string("# Resolved scenario: every field, defaults filled, overrides applied.\n") + out.c_str() + "\n";
}

}  // namespace offloadsim::sim
