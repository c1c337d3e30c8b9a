#include "sim/sweep/sweep.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "base/fnv1a.h"

// A sweep's points: the scenarios its axes and replications make, each loaded, checked and named.

namespace fs = std::filesystem;

namespace offloadsim::sim {

std::string point_id(const Scenario& sc) {
  const std::string text = sc.to_yaml([](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) throw std::runtime_error("cannot read " + path + " to identify a sweep point");
    return fmt::format("{}#{:016x}", fs::path(path).filename().string(), base::fnv1a64(content.str()));
  });
  return fmt::format("{:016x}", base::fnv1a64(text)).substr(0, 12);
}

namespace {

constexpr size_t kMaxSweepPoints = 100000;

// A point's scenario problem, told where the sweep file wrote it: an override comes from an axis
// (its line) or from `set` (its line, key `set.<key>`).
ScenarioIssue located(const ScenarioIssue& is, const SweepSpec& spec, const std::vector<const SweepAxis*>& axis_of) {
  if (is.file != "--set") return is;
  ScenarioIssue out = is;
  out.file = spec.file;
  out.line = 0;
  for (const SweepAxis* a : axis_of) {
    if (a->key == is.key) out.line = a->line;
  }
  if (out.line == 0) {
    out.key = "set." + is.key;
    if (auto l = spec.fixed_lines.find(is.key); l != spec.fixed_lines.end()) out.line = l->second;
  }
  return out;
}

}  // namespace

std::vector<std::string> swept_keys(const SweepSpec& spec) {
  std::vector<std::string> keys;
  for (const SweepGroup& g : spec.groups) {
    for (const SweepAxis& a : g.axes) keys.push_back(a.key);
  }
  return keys;
}

std::vector<SweepPoint> expand_sweep(const SweepSpec& spec) {
  // Each point's scenario is loaded and checked here (about a millisecond each): at most 100,000.
  // Counted without overflow: ten axes of 10,000 values are 1e40 points, not a wrapped-around few.
  size_t combos = 1;
  for (const SweepGroup& g : spec.groups) combos = std::min(combos * g.size(), kMaxSweepPoints + 1);
  const size_t total = std::min(combos * static_cast<size_t>(spec.replications), kMaxSweepPoints + 1);
  if (total > kMaxSweepPoints) {
    throw ScenarioError(spec.file, 0, "axes",
                        fmt::format("more than {} points (axes × replications); a sweep may have at most {} "
                                    "(docs/limits.md)",
                                    kMaxSweepPoints, kMaxSweepPoints));
  }
  std::vector<SweepPoint> points;
  std::vector<ScenarioIssue> issues;
  std::set<std::string> reported;
  std::map<std::string, size_t> ids;
  for (size_t c = 0; c < combos; ++c) {
    // Mixed-radix digits of c, the last group fastest.
    std::vector<size_t> digit(spec.groups.size());
    size_t rest = c;
    for (size_t g = spec.groups.size(); g-- > 0;) {
      digit[g] = rest % spec.groups[g].size();
      rest /= spec.groups[g].size();
    }
    std::vector<std::string> overrides = spec.fixed;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<const SweepAxis*> axis_of;  // the axis behind each swept override
    for (size_t g = 0; g < spec.groups.size(); ++g) {
      for (const SweepAxis& a : spec.groups[g].axes) {
        overrides.push_back(a.key + "=" + a.values[digit[g]]);
        params.emplace_back(a.key, a.values[digit[g]]);
        axis_of.push_back(&a);
      }
    }
    Scenario sc;
    try {
      sc = load_scenario(spec.base, overrides);
    } catch (const ScenarioError& e) {
      for (const ScenarioIssue& is : e.issues()) {
        const ScenarioIssue where = located(is, spec, axis_of);
        if (reported.insert(where.to_string()).second) issues.push_back(where);
      }
      continue;
    }
    const unsigned long long seed0 = sc.seed();
    for (int r = 0; r < spec.replications; ++r) {
      SweepPoint p;
      p.index = points.size();
      p.replication = r;
      p.seed = seed0 + static_cast<unsigned long long>(r);
      p.params = params;
      p.overrides = overrides;
      if (r > 0) p.overrides.push_back(fmt::format("seed={}", p.seed));
      const Scenario point_sc = r > 0 ? load_scenario(spec.base, p.overrides) : sc;
      p.id = point_id(point_sc);
      p.resolved_yaml = point_sc.to_yaml();
      if (auto [it, fresh] = ids.emplace(p.id, p.index); !fresh) {
        throw ScenarioError(spec.file, 0, "axes",
                            fmt::format("points {} and {} resolve to the same scenario (an axis value repeats a "
                                        "default or a `set` value?)",
                                        it->second, p.index));
      }
      points.push_back(std::move(p));
    }
  }
  if (!issues.empty()) throw ScenarioError(issues);
  return points;
}

}  // namespace offloadsim::sim
