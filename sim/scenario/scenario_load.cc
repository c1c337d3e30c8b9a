#include "sim/scenario/scenario.h"

// Reading a scenario file and its overrides: every field checked against the schema of its kind,
// every problem reported with its file, line and key.

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/scenario/schema.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

struct Loader {
  std::string file;
  std::string kind;
  std::vector<ScenarioIssue> issues;
  std::set<std::string> leaves;    // field paths of this kind
  std::set<std::string> sections;  // proper prefixes of those paths

  void issue(const std::string& source, int line, const std::string& key, const std::string& msg) {
    issues.push_back({source, line, key, msg});
  }

  void index_kind() {
    for (const FieldSpec& f : scenario_schema()) {
      if (!f.applies_to(kind)) continue;
      leaves.insert(f.path);
      for (size_t p = f.path.find('.'); p != std::string::npos; p = f.path.find('.', p + 1)) {
        sections.insert(f.path.substr(0, p));
      }
    }
  }

  std::vector<std::string> children(const std::string& prefix) const {
    std::set<std::string> out;
    const std::string pre = prefix.empty() ? "" : prefix + ".";
    for (const auto& set : {leaves, sections}) {
      for (const std::string& p : set) {
        if (p.rfind(pre, 0) != 0) continue;
        const std::string rest = p.substr(pre.size());
        if (rest.find('.') == std::string::npos) out.insert(rest);
      }
    }
    return {out.begin(), out.end()};
  }

  std::string list_of(const std::vector<std::string>& names, const std::string& prefix = "") const {
    std::string list;
    for (const auto& a : names) list += (list.empty() ? "" : ", ") + prefix + a;
    return list;
  }

  std::string unknown_key_message(const std::string& path) const {
    if (sections.count(path)) {
      return fmt::format("is a section, not a value: set its keys one by one ({})",
                         list_of(children(path), path + "."));
    }
    // The message is about the first component that does not exist: in foo.bar, about foo.
    size_t dot = path.find('.');
    while (dot != std::string::npos && sections.count(path.substr(0, dot))) dot = path.find('.', dot + 1);
    const std::string unknown = path.substr(0, dot);
    const size_t cut = unknown.rfind('.');
    const std::string parent = cut == std::string::npos ? "" : unknown.substr(0, cut);
    const std::string last = cut == std::string::npos ? unknown : unknown.substr(cut + 1);
    const std::vector<std::string> allowed = children(parent);
    std::string msg = unknown == path ? "unknown key" : fmt::format("unknown key: there is no section '{}'", unknown);
    const std::string best = closest_match(last, allowed);
    if (!best.empty() && best != last) {
      msg += fmt::format(" (did you mean '{}'?)", parent.empty() ? best : parent + "." + best);
    }
    msg += fmt::format("; allowed {} for kind {}: {}",
                       parent.empty() ? "top-level keys" : "keys under '" + parent + "'", kind, list_of(allowed));
    return msg;
  }

  static int line_of(const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

  // Converts one YAML node to a Value of the field's type; returns false (with an issue) if wrong.
  bool convert(const FieldSpec& f, const YAML::Node& n, const std::string& source, int line, const fs::path& base,
               Value* out) {
    const std::string allowed = describe_allowed(f);
    auto bad = [&](const std::string& what) {
      issue(source, line, f.path, what + "; allowed: " + allowed);
      return false;
    };
    if (!n.IsDefined() || n.IsNull()) return bad("has no value");
    auto parse_number = [&](const YAML::Node& s, double* v) {
      if (!s.IsScalar()) return false;
      const std::string& t = s.Scalar();
      char* end = nullptr;
      errno = 0;
      *v = std::strtod(t.c_str(), &end);
      return !t.empty() && end == t.c_str() + t.size() && errno != ERANGE && std::isfinite(*v);
    };
    auto in_range = [&](double v) { return v >= f.min && v <= f.max; };
    switch (f.type) {
      case FieldType::kBool: {
        bool b = false;
        if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b))
          return bad(fmt::format("'{}' is not a boolean", YAML::Dump(n)));
        *out = b;
        return true;
      }
      case FieldType::kInt: {
        // Plain integer text is read exactly (every 64-bit value); integral values written like
        // 1e3 go through a double.
        const std::string t = n.IsScalar() ? n.Scalar() : std::string();
        const bool plain = !t.empty() &&
                           t.find_first_not_of("0123456789", t[0] == '-' || t[0] == '+' ? 1 : 0) == std::string::npos &&
                           t.size() > (t[0] == '-' || t[0] == '+' ? 1u : 0u);
        long long exact = 0;
        if (plain) {
          errno = 0;
          exact = std::strtoll(t.c_str(), nullptr, 10);
          if (errno == ERANGE) return bad(fmt::format("{} is out of range", t));
          if (!in_range(static_cast<double>(exact))) return bad(fmt::format("{} is out of range", t));
          *out = exact;
          return true;
        }
        double v = 0;
        if (!parse_number(n, &v) || v != std::floor(v)) {
          return bad(fmt::format("'{}' is not an integer", YAML::Dump(n)));
        }
        if (!in_range(v) || std::abs(v) >= 9.2e18) return bad(fmt::format("{} is out of range", t));
        *out = static_cast<long long>(v);
        return true;
      }
      case FieldType::kNumber: {
        double v = 0;
        if (!parse_number(n, &v)) return bad(fmt::format("'{}' is not a number", YAML::Dump(n)));
        if (!in_range(v)) return bad(fmt::format("{} is out of range", n.Scalar()));
        *out = v;
        return true;
      }
      case FieldType::kString:
        if (!n.IsScalar()) return bad("expected a single string");
        *out = n.Scalar();
        return true;
      case FieldType::kChoice:
        if (!n.IsScalar()) return bad("expected one value");
        if (std::find(f.choices.begin(), f.choices.end(), n.Scalar()) == f.choices.end()) {
          return bad(fmt::format("'{}' is not allowed", n.Scalar()));
        }
        *out = n.Scalar();
        return true;
      case FieldType::kPath: {
        if (!n.IsScalar()) return bad("expected a file path");
        fs::path p = n.Scalar();
        if (p.empty() && f.optional_path) {
          *out = std::string();  // "not given"
          return true;
        }
        if (p.empty()) return bad("empty path");
        if (p.is_relative()) p = base / p;
        p = p.lexically_normal();
        std::error_code ec;
        if (fs::is_directory(p, ec)) return bad(fmt::format("'{}' is a directory, not a file", p.string()));
        if (!fs::is_regular_file(p, ec))
          return bad(fmt::format("file '{}' not found (looked for {})", n.Scalar(), p.string()));
        if (::access(p.c_str(), R_OK) != 0)
          return bad(fmt::format("file '{}' cannot be read: {}", p.string(), std::strerror(errno)));
        *out = p.string();
        return true;
      }
      case FieldType::kNumberList: {
        if (!n.IsSequence()) return bad("expected a list such as [0.1, 0.5]");
        if (n.size() > kMaxListElements)
          return bad(fmt::format("has {} elements; a list may have at most {}", n.size(), kMaxListElements));
        // An empty list is allowed where it is the default ("not given"), so that a resolved
        // scenario (scenario.resolved.yaml) loads again.
        if (n.size() == 0 && !(f.allow_empty || std::get<std::vector<double>>(f.default_value).empty()))
          return bad("empty list");
        std::vector<double> v;
        for (size_t i = 0; i < n.size(); ++i) {
          double x = 0;
          if (!parse_number(n[i], &x)) return bad(fmt::format("element {} '{}' is not a number", i, YAML::Dump(n[i])));
          if (!in_range(x)) return bad(fmt::format("element {} = {} is out of range", i, n[i].Scalar()));
          v.push_back(x);
        }
        *out = v;
        return true;
      }
      case FieldType::kPathList: {
        if (!n.IsSequence()) return bad("expected a list of file paths such as [a.avi, b.avi]");
        if (n.size() > kMaxListElements)
          return bad(fmt::format("has {} elements; a list may have at most {}", n.size(), kMaxListElements));
        if (n.size() == 0 && !(f.allow_empty || std::get<std::vector<std::string>>(f.default_value).empty()))
          return bad("empty list");
        std::vector<std::string> v;
        for (size_t i = 0; i < n.size(); ++i) {
          if (!n[i].IsScalar() || n[i].Scalar().empty()) return bad(fmt::format("element {} is not a file path", i));
          fs::path p = n[i].Scalar();
          if (p.is_relative()) p = base / p;
          p = p.lexically_normal();
          std::error_code ec;
          if (!fs::is_regular_file(p, ec)) {
            return bad(fmt::format("element {}: file '{}' not found (looked for {})", i, n[i].Scalar(), p.string()));
          }
          if (::access(p.c_str(), R_OK) != 0)
            return bad(fmt::format("element {}: file '{}' cannot be read: {}", i, p.string(), std::strerror(errno)));
          v.push_back(p.string());
        }
        *out = v;
        return true;
      }
      case FieldType::kChoiceList:
      case FieldType::kPolicyList: {
        if (!n.IsSequence()) return bad("expected a list such as [a, b]");
        if (n.size() > kMaxListElements)
          return bad(fmt::format("has {} elements; a list may have at most {}", n.size(), kMaxListElements));
        if (n.size() == 0 && !f.allow_empty) return bad("empty list");
        std::vector<std::string> v;
        for (size_t i = 0; i < n.size(); ++i) {
          if (f.type == FieldType::kPolicyList && n[i].IsMap()) {
            const YAML::Node rl = n[i]["rl"];
            if (n[i].size() != 1 || !rl.IsDefined() || !rl.IsScalar()) {
              return bad(fmt::format("element {} must be {{rl: path}}", i));
            }
            fs::path p = rl.Scalar();
            if (p.is_relative()) p = base / p;
            p = p.lexically_normal();
            std::error_code ec;
            if (!fs::is_regular_file(p, ec)) {
              return bad(
                  fmt::format("element {}: policy file '{}' not found (looked for {})", i, rl.Scalar(), p.string()));
            }
            v.push_back("rl:" + p.string());
            continue;
          }
          if (!n[i].IsScalar() || std::find(f.choices.begin(), f.choices.end(), n[i].Scalar()) == f.choices.end()) {
            return bad(fmt::format("element {} '{}' is not allowed", i, YAML::Dump(n[i])));
          }
          if (std::find(v.begin(), v.end(), n[i].Scalar()) != v.end()) {
            return bad(fmt::format("element {} '{}' is listed twice", i, n[i].Scalar()));
          }
          v.push_back(n[i].Scalar());
        }
        *out = v;
        return true;
      }
    }
    return false;
  }
};

Value expand_default(const FieldSpec& f) {
  const std::string token = "${data}";
  if (f.type == FieldType::kPath) {
    std::string p = std::get<std::string>(f.default_value);
    if (p.rfind(token, 0) == 0) p = data_dir() + p.substr(token.size());
    return p;
  }
  if (f.type == FieldType::kPathList) {
    std::vector<std::string> v = std::get<std::vector<std::string>>(f.default_value);
    for (std::string& p : v) {
      if (p.rfind(token, 0) == 0) p = data_dir() + p.substr(token.size());
    }
    return v;
  }
  return f.default_value;
}

}  // namespace

namespace {

using Sets = std::vector<std::pair<std::string, YAML::Node>>;

// What the file and the overrides give, each value with where it was written.
struct Given {
  std::map<std::string, Value> values;
  std::map<std::string, std::pair<std::string, int>> origins;  // source (file or "--set"), line
  std::map<std::string, int> key_lines;                        // every key the file writes, sections too
};

// Overrides parsed into (path, node) first, so that they can win over the file.
Sets parse_overrides(const std::vector<std::string>& overrides, Loader& L) {
  Sets sets;
  for (const std::string& o : overrides) {
    const size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      L.issue("--set", 0, o, "expected key.path=value");
      continue;
    }
    if (o.size() - eq - 1 > kMaxYamlFileBytes) {
      L.issue("--set", 0, o.substr(0, eq), fmt::format("value is longer than {} bytes", kMaxYamlFileBytes));
      continue;
    }
    try {
      sets.emplace_back(o.substr(0, eq), YAML::Load(o.substr(eq + 1)));
    } catch (const YAML::Exception& e) {
      L.issue("--set", 0, o.substr(0, eq), "value is not valid YAML: " + e.msg);
    }
  }
  return sets;
}

// kind decides which fields exist: the file's, or an override's.
std::string read_kind(const YAML::Node& root, const Sets& sets, const std::string& file, Loader& L) {
  const FieldSpec* kind_spec = find_field("kind");
  const YAML::Node file_kind = root["kind"];
  const YAML::Node* kind_node = &file_kind;
  for (const auto& [path, node] : sets) {
    if (path == "kind") kind_node = &node;
  }
  Value kind_value;
  if (!kind_node->IsDefined()) {
    throw ScenarioError(file, 1, "kind", "required key is missing; allowed: " + describe_allowed(*kind_spec));
  }
  if (!L.convert(*kind_spec, *kind_node, file, Loader::line_of(*kind_node), {}, &kind_value))
    throw ScenarioError(L.issues);
  return std::get<std::string>(kind_value);
}

// Walks the file's tree: each leaf converted, each section entered, anything else reported.
void read_file_fields(const YAML::Node& root, const std::string& file, Loader& L, Given& given) {
  const fs::path file_dir = fs::absolute(fs::path(file)).parent_path();
  std::vector<std::pair<std::string, YAML::Node>> stack;
  // yaml-cpp keeps both entries of a repeated key; a scenario that says two things is rejected.
  auto push_children = [&](const YAML::Node& map, const std::string& prefix) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string path = prefix + it->first.Scalar();
      const int line = Loader::line_of(it->first);
      if (const auto seen = given.key_lines.find(path); seen != given.key_lines.end()) {
        L.issue(file, line, path, fmt::format("duplicate key (also on line {}); give each key once", seen->second));
        continue;
      }
      given.key_lines[path] = line;
      stack.emplace_back(path, it->second);
    }
  };
  push_children(root, "");
  for (size_t next = 0; next < stack.size(); ++next) {
    const std::string path = stack[next].first;
    const YAML::Node node = stack[next].second;
    const int line = given.key_lines[path];
    if (L.leaves.count(path)) {
      const FieldSpec* f = find_field(path);
      Value v;
      if (L.convert(*f, node, file, line, file_dir, &v)) {
        given.values[path] = v;
        given.origins[path] = {file, line};
      }
    } else if (L.sections.count(path)) {
      if (!node.IsMap()) {
        L.issue(
            file, line, path, "expected a section (a mapping of keys); allowed keys: " + [&] {
              std::string s;
              for (const auto& c : L.children(path)) s += (s.empty() ? "" : ", ") + c;
              return s;
            }());
        continue;
      }
      push_children(node, path + ".");
    } else {
      L.issue(file, line, path, L.unknown_key_message(path));
    }
  }
}

void read_override_fields(const Sets& sets, Loader& L, Given& given) {
  for (const auto& [path, node] : sets) {
    if (!L.leaves.count(path)) {
      L.issue("--set", 0, path, L.unknown_key_message(path));
      continue;
    }
    Value v;
    if (L.convert(*find_field(path), node, "--set", 0, fs::current_path(), &v)) {
      given.values[path] = v;
      given.origins[path] = {"--set", 0};
    }
  }
}

}  // namespace

Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides) {
  Scenario sc;
  sc.file_ = file;
  sc.overrides_ = overrides;
  // yaml-cpp nodes are references: assigning one node to another overwrites the first one's
  // content in the tree. This function therefore never assigns nodes, it only binds new names.
  const YAML::Node root = load_yaml_document(file, "scenario file");
  if (!root.IsMap()) throw ScenarioError(file, 1, "", "a scenario must be a YAML mapping of keys to values");

  Loader L;
  L.file = file;
  const Sets sets = parse_overrides(overrides, L);
  L.kind = read_kind(root, sets, file, L);
  sc.kind_ = L.kind;
  L.index_kind();

  Given given;
  read_file_fields(root, file, L, given);
  read_override_fields(sets, L, given);
  for (const auto& [path, origin] : given.origins) sc.origins_[path] = {origin.first, origin.second};

  std::set<std::string> set_paths;  // given, even if wrongly: a bad value is reported once, not also as missing
  for (const auto& [path, node] : sets) set_paths.insert(path);
  // Required fields, defaults, and the schema version.
  for (const FieldSpec& f : scenario_schema()) {
    if (!f.applies_to(L.kind)) continue;
    if (given.values.count(f.path)) {
      sc.values_[f.path] = given.values[f.path];
    } else if (f.required && !given.key_lines.count(f.path) && !set_paths.count(f.path)) {
      L.issue(file, 1, f.path, "required key is missing; allowed: " + describe_allowed(f));
    } else {
      sc.values_[f.path] = expand_default(f);
    }
  }
  if (!L.issues.empty()) throw ScenarioError(L.issues);

  sc.name_ = std::get<std::string>(sc.values_["name"]);
  if (sc.name_.empty()) {
    sc.name_ = fs::path(file).stem().string();
    sc.values_["name"] = sc.name_;
  }
  if (sc.name_.find('/') != std::string::npos || sc.name_ == "." || sc.name_ == "..") {
    throw sc.error("name", "'" + sc.name_ + "' cannot be used as a directory name");
  }
  return sc;
}

}  // namespace offloadsim::sim
