// Parameter sweeps: a sweep file (`kind: sweep`) names a base scenario and axes of values for its
// fields; expanding it gives one fully resolved scenario per point. Format: docs/cluster.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// One axis: a field and the values it takes (YAML text of each value, as `--set` would take it).
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
  int line = 0;  // where the axis is declared in the sweep file
};

// Axes in one group vary together (zip); groups are crossed with each other.
struct SweepGroup {
  std::vector<SweepAxis> axes;
  size_t size() const { return axes.front().values.size(); }
};

struct SweepSpec {
  std::string file;  // the sweep file
  std::string name;  // results go to results/<name>/ by default
  std::string description;
  std::string base;                        // absolute path of the base scenario
  std::vector<std::string> fixed;          // "key=value" overrides applied to every point
  std::map<std::string, int> fixed_lines;  // each `set` key's line in the sweep file
  std::vector<SweepGroup> groups;
  int replications = 1;  // replication r runs with seed = (the point's seed) + r
  bool figures = false;  // draw each point's own figures
};

struct SweepPoint {
  size_t index = 0;
  std::string id;  // stable hash of the resolved scenario (see point_id)
  int replication = 0;
  unsigned long long seed = 0;
  std::vector<std::pair<std::string, std::string>> params;  // swept key → value, in axis order
  std::vector<std::string> overrides;                       // every --set-style override of the point
  std::string resolved_yaml;                                // the point's resolved scenario
};

// Reads and validates a sweep file; throws ScenarioError listing every problem (file:line: key).
SweepSpec load_sweep(const std::string& file);

// Every point, crossed groups in declaration order (the last varies fastest), replications
// innermost. Each point's scenario is loaded and validated; a value a field rejects is reported
// at the line of its axis in the sweep file.
std::vector<SweepPoint> expand_sweep(const SweepSpec& spec);

// The swept keys in column order (axes, in declaration order).
std::vector<std::string> swept_keys(const SweepSpec& spec);

// A point's identity: 12 hex digits of a 64-bit FNV-1a hash of its resolved scenario, where every
// input file is represented by its name and a hash of its content rather than by its location, so
// that the same point has the same id in any checkout or on any cluster node.
std::string point_id(const Scenario& sc);

}  // namespace offloadsim::sim
