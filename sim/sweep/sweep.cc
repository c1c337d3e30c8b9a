#include "sim/sweep/sweep.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/scenario/schema.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

// yaml-cpp nodes are references: this file never assigns one node to another (see scenario.cc).

int line_of(const YAML::Node& n) {
  return n.Mark().is_null() ? 0 : n.Mark().line + 1;
}

// A value as one line of YAML (flow style), the text `--set key=value` takes.
std::string flow_text(const YAML::Node& n) {
  YAML::Emitter e;
  e.SetSeqFormat(YAML::Flow);
  e.SetMapFormat(YAML::Flow);
  e << n;
  return e.c_str();
}

struct SweepLoader {
  std::string file;
  std::vector<ScenarioIssue> issues;

  void issue(int line, const std::string& key, const std::string& msg) { issues.push_back({file, line, key, msg}); }

  // Checks that `map` has only `allowed` keys; reports the others with a suggestion.
  void only_keys(const YAML::Node& map, const std::string& where, const std::vector<std::string>& allowed) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      std::string msg = "unknown key";
      const std::string best = closest_match(k, allowed);
      if (!best.empty()) msg += fmt::format(" (did you mean '{}'?)", best);
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      issue(line_of(it->first), where.empty() ? k : where + "." + k, msg + "; allowed keys: " + list);
    }
  }

  bool number(const YAML::Node& n, double* v) {
    if (!n.IsDefined() || !n.IsScalar()) return false;  // a missing key: IsScalar() would throw
    const std::string& t = n.Scalar();
    char* end = nullptr;
    errno = 0;
    *v = std::strtod(t.c_str(), &end);
    return !t.empty() && end == t.c_str() + t.size() && errno != ERANGE && std::isfinite(*v);
  }

  // A relative path given for an input-file field, or for a saved policy ({rl: file.pt} in a policy
  // list), is relative to the sweep file, as in a scenario.
  std::string value_text(const std::string& key, const YAML::Node& v) {
    const auto absolute = [this](const std::string& path) {
      return (fs::absolute(fs::path(file)).parent_path() / path).lexically_normal().string();
    };
    const FieldSpec* f = find_field(key);
    if (f && f->type == FieldType::kPath && v.IsScalar() && !v.Scalar().empty() && fs::path(v.Scalar()).is_relative()) {
      return flow_text(YAML::Node(absolute(v.Scalar())));
    }
    if (f && f->type == FieldType::kPolicyList && v.IsSequence()) {
      YAML::Node list = YAML::Clone(v);
      for (YAML::Node e : list) {
        if (e.IsMap() && e["rl"].IsScalar() && !e["rl"].Scalar().empty() && fs::path(e["rl"].Scalar()).is_relative()) {
          e["rl"] = absolute(e["rl"].Scalar());
        }
      }
      return flow_text(list);
    }
    return flow_text(v);
  }

  // One axis: {key: K, values: [...]} or {key: K, range: {from, to, step}}. `distinct`: its values
  // must differ (an axis of its own); in a zip only the rows must (checked by the caller).
  bool axis(const YAML::Node& n, const std::string& where, SweepAxis* out, bool distinct = true) {
    if (!n.IsMap()) {
      issue(line_of(n), where,
            "expected {key: field.path, values: [...]} or {key: field.path, range: {from, to, step}}");
      return false;
    }
    only_keys(n, where, {"key", "values", "range"});
    out->line = line_of(n);
    const YAML::Node key = n["key"];
    if (!key.IsDefined() || !key.IsScalar() || key.Scalar().empty()) {
      issue(out->line, where + ".key", "required: the scenario field to vary, e.g. stream.p_known");
      return false;
    }
    out->key = key.Scalar();
    if (!find_field(out->key)) {
      std::vector<std::string> paths;
      for (const FieldSpec& f : scenario_schema()) paths.push_back(f.path);
      const std::string best = closest_match(out->key, paths);
      issue(line_of(key), where + ".key",
            fmt::format("'{}' is not a scenario field{}; see docs/scenarios.md", out->key,
                        best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best)));
      return false;
    }
    if (out->key == "kind" || out->key == "schema") {
      issue(line_of(key), where + ".key", "'" + out->key + "' cannot be swept");
      return false;
    }
    const YAML::Node values = n["values"];
    const YAML::Node range = n["range"];
    if (values.IsDefined() == range.IsDefined()) {
      issue(out->line, where, "give exactly one of 'values' (a list) or 'range' ({from, to, step})");
      return false;
    }
    if (values.IsDefined()) {
      if (values.IsSequence() && values.size() > kMaxListElements) {
        issue(line_of(values), where + ".values",
              fmt::format("has {} values; an axis may have at most {}", values.size(), kMaxListElements));
        return false;
      }
      if (!values.IsSequence() || values.size() == 0) {
        issue(line_of(values), where + ".values", "expected a non-empty list of values");
        return false;
      }
      std::set<std::string> seen;
      for (size_t i = 0; i < values.size(); ++i) {
        const std::string text = value_text(out->key, values[i]);
        if (!seen.insert(text).second && distinct) {
          issue(line_of(values[i]), where + ".values", fmt::format("value {} '{}' is listed twice", i, text));
          return false;
        }
        out->values.push_back(text);
      }
      return true;
    }
    if (!range.IsMap()) {
      issue(line_of(range), where + ".range", "expected {from: a, to: b, step: s}");
      return false;
    }
    only_keys(range, where + ".range", {"from", "to", "step"});
    double from = 0, to = 0, step = 0;
    bool ok = true;
    for (auto [name, v] : {std::pair{"from", &from}, {"to", &to}, {"step", &step}}) {
      if (!number(range[name], v)) {
        issue(line_of(range), where + ".range." + name, "required number");
        ok = false;
      }
    }
    if (!ok) return false;
    if (step == 0 || (to - from) / step < 0) {
      issue(line_of(range), where + ".range.step",
            fmt::format("step {} never reaches 'to' = {} from 'from' = {}", step, to, from));
      return false;
    }
    const double n_steps = std::floor((to - from) / step + 1e-9);
    if (n_steps > 100000) {
      issue(line_of(range), where + ".range", fmt::format("{} values: too many for one axis", n_steps + 1));
      return false;
    }
    for (long i = 0; i <= static_cast<long>(n_steps); ++i) {
      // Rounded to 12 significant digits so that 0.1 + 2 × 0.1 prints as 0.3.
      const double v = std::stod(fmt::format("{:.12g}", from + static_cast<double>(i) * step));
      out->values.push_back(fmt::format("{}", v));
    }
    return true;
  }
};

}  // namespace

namespace {

// One {zip: [axes…]} entry: axes of equal lengths whose values vary together, no two rows alike.
// False (with the issues noted) when it is not usable.
bool read_zip_group(SweepLoader& L, const YAML::Node& a, const std::string& where, SweepGroup& group) {
  L.only_keys(a, where, {"zip"});
  const YAML::Node zip = a["zip"];
  if (!zip.IsSequence() || zip.size() < 2) {
    L.issue(line_of(zip), where + ".zip", "expected a list of two or more axes that vary together");
    return false;
  }
  bool ok = true;
  for (size_t j = 0; j < zip.size(); ++j) {
    SweepAxis ax;
    if (!L.axis(zip[j], fmt::format("{}.zip[{}]", where, j), &ax, false)) {
      ok = false;
      continue;
    }
    if (!group.axes.empty() && ax.values.size() != group.axes.front().values.size()) {
      L.issue(ax.line, fmt::format("{}.zip[{}]", where, j),
              fmt::format("{} values, but {} has {}: zipped axes need equal lengths", ax.values.size(),
                          group.axes.front().key, group.axes.front().values.size()));
      ok = false;
    }
    group.axes.push_back(ax);
  }
  if (!ok) return false;
  // A value may repeat down one zipped axis (a switch that stays put), but no two rows may be
  // the same point.
  std::map<std::vector<std::string>, size_t> rows;
  for (size_t r = 0; r < group.axes.front().values.size(); ++r) {
    std::vector<std::string> row;
    for (const SweepAxis& ax : group.axes) row.push_back(ax.values[r]);
    if (auto [it, fresh] = rows.emplace(row, r); !fresh) {
      L.issue(line_of(zip), where + ".zip",
              fmt::format("value {} of every zipped axis repeats value {}: the same point twice", r, it->second));
      ok = false;
    }
  }
  return ok;
}

// schema, kind, name and description.
void read_identity(const YAML::Node& root, SweepLoader& L, SweepSpec& spec) {
  const YAML::Node schema = root["schema"];
  if (!schema.IsDefined() || !schema.IsScalar() || schema.Scalar() != "1") {
    L.issue(schema.IsDefined() ? line_of(schema) : 1, "schema", "required; must be 1");
  }
  const YAML::Node kind = root["kind"];
  if (!kind.IsDefined() || !kind.IsScalar() || kind.Scalar() != "sweep") {
    L.issue(kind.IsDefined() ? line_of(kind) : 1, "kind",
            "must be 'sweep' in a sweep file (experiment scenarios are run with `offloadsim run`)");
  }
  const YAML::Node name = root["name"];
  spec.name = fs::path(spec.file).stem().string();
  if (name.IsDefined()) {
    if (!name.IsScalar() || name.Scalar().empty() || name.Scalar().find('/') != std::string::npos ||
        name.Scalar() == "." || name.Scalar() == "..") {
      L.issue(line_of(name), "name", "must be a non-empty string usable as a directory name");
    } else {
      spec.name = name.Scalar();
    }
  }
  if (const YAML::Node d = root["description"]; d.IsDefined()) {
    if (d.IsScalar()) {
      spec.description = d.Scalar();
    } else if (!d.IsNull()) {
      L.issue(line_of(d), "description", "must be a single string");
    }
  }
}

// The base scenario (relative to the sweep file) and the fields every point sets.
void read_base_and_set(const YAML::Node& root, SweepLoader& L, SweepSpec& spec) {
  const YAML::Node base = root["base"];
  std::error_code ec;
  if (!base.IsDefined() || !base.IsScalar() || base.Scalar().empty()) {
    L.issue(base.IsDefined() ? line_of(base) : 1, "base",
            "required: the scenario file every point starts from (relative to the sweep file)");
  } else {
    fs::path p = base.Scalar();
    if (p.is_relative()) p = fs::absolute(fs::path(spec.file)).parent_path() / p;
    p = p.lexically_normal();
    if (!fs::is_regular_file(p, ec)) {
      L.issue(line_of(base), "base", fmt::format("file '{}' not found (looked for {})", base.Scalar(), p.string()));
    } else {
      spec.base = p.string();
    }
  }

  if (const YAML::Node set = root["set"]; set.IsDefined()) {
    if (!set.IsMap()) {
      L.issue(line_of(set), "set", "expected a mapping of field paths to values, e.g. {eval.test_traces: 10}");
    } else {
      for (auto it = set.begin(); it != set.end(); ++it) {
        spec.fixed.push_back(it->first.Scalar() + "=" + L.value_text(it->first.Scalar(), it->second));
        spec.fixed_lines[it->first.Scalar()] = line_of(it->first);
      }
    }
  }
}

// replications and figures.
void read_replications_and_figures(const YAML::Node& root, SweepLoader& L, SweepSpec& spec) {
  if (const YAML::Node r = root["replications"]; r.IsDefined()) {
    double v = 0;
    if (!L.number(r, &v) || v != std::floor(v) || v < 1 || v > 10000) {
      L.issue(line_of(r), "replications", "must be an integer in [1, 10000]");
    } else {
      spec.replications = static_cast<int>(v);
    }
  }
  if (const YAML::Node f = root["figures"]; f.IsDefined()) {
    if (!f.IsScalar() || !YAML::convert<bool>::decode(f, spec.figures)) {
      L.issue(line_of(f), "figures", "must be true or false");
    }
  }
}

// The axes: each {key, values}, {key, range} or {zip: [...]}; a field swept twice is refused.
void read_axes(const YAML::Node& root, SweepLoader& L, SweepSpec& spec) {
  const YAML::Node axes = root["axes"];
  if (!axes.IsDefined() || !axes.IsSequence() || axes.size() == 0) {
    L.issue(axes.IsDefined() ? line_of(axes) : 1, "axes",
            "required: a non-empty list of axes ({key, values} or {key, range}, or {zip: [axes...]})");
  } else {
    std::map<std::string, int> declared;
    for (size_t i = 0; i < axes.size(); ++i) {
      const std::string where = fmt::format("axes[{}]", i);
      const YAML::Node a = axes[i];
      SweepGroup group;
      if (a.IsMap() && a["zip"].IsDefined()) {
        if (!read_zip_group(L, a, where, group)) continue;
      } else {
        SweepAxis ax;
        if (!L.axis(a, where, &ax)) continue;
        group.axes.push_back(ax);
      }
      for (const SweepAxis& ax : group.axes) {
        if (auto [it, fresh] = declared.emplace(ax.key, ax.line); !fresh) {
          L.issue(ax.line, where, fmt::format("'{}' is already swept at line {}", ax.key, it->second));
        }
      }
      spec.groups.push_back(group);
    }
  }
}

}  // namespace

SweepSpec load_sweep(const std::string& file) {
  SweepSpec spec;
  spec.file = file;
  const YAML::Node root = load_yaml_document(file, "sweep file");
  if (!root.IsMap()) throw ScenarioError(file, 1, "", "a sweep file must be a YAML mapping of keys to values");
  SweepLoader L;
  L.file = file;
  L.only_keys(root, "", {"schema", "kind", "name", "description", "base", "set", "axes", "replications", "figures"});
  read_identity(root, L, spec);
  read_base_and_set(root, L, spec);
  read_replications_and_figures(root, L, spec);
  read_axes(root, L, spec);
  std::stable_sort(L.issues.begin(), L.issues.end(),
                   [](const ScenarioIssue& a, const ScenarioIssue& b) { return a.line < b.line; });
  if (!L.issues.empty()) throw ScenarioError(L.issues);
  return spec;
}

}  // namespace offloadsim::sim
