// A sweep on disk: its manifest (sweep.json, points/<id>.yaml), the state of each point, and one
// point run into its directory (`offloadsim sweep --point`, what every backend runs).
#include "sim/sweep/sweep_runner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <list>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "base/csv_table.h"
#include "base/input_error.h"
#include "sim/io/atomic_file.h"
#include "sim/io/child_process.h"
#include "sim/io/interrupt.h"
#include "sim/io/output_lock.h"
#include "sim/io/progress.h"
#include "sim/io/provenance.h"
#include "sim/io/shell_quote.h"
#include "sim/runners/experiment.h"
#include "sim/runners/figures.h"
#include "sim/sweep/sweep_files.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace offloadsim::sim {

namespace sweep_files {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace sweep_files

using sweep_files::csv_cell;
using sweep_files::host_name;
using sweep_files::read_text;

namespace {

constexpr const char* kManifest = "sweep.json";

}  // namespace

const char* state_name(PointState s) {
  switch (s) {
    case PointState::kPending:
      return "pending";
    case PointState::kRunning:
      return "running";
    case PointState::kDone:
      return "done";
    case PointState::kFailed:
      return "failed";
  }
  return "?";
}

PointState point_state(const SweepManifest& m, const SweepPoint& p) {
  std::error_code ec;
  if (fs::is_directory(m.root / p.id, ec)) return PointState::kDone;
  if (fs::is_directory(m.root / ".running", ec)) {
    for (const auto& e : fs::directory_iterator(m.root / ".running", ec)) {
      if (e.path().filename().string().rfind(p.id + ".", 0) == 0) return PointState::kRunning;
    }
  }
  if (fs::exists(m.root / "failed" / (p.id + ".txt"), ec)) return PointState::kFailed;
  return PointState::kPending;
}

SweepManifest write_sweep_manifest(const fs::path& root, const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  std::error_code ec;
  fs::create_directories(root / "points", ec);
  if (ec) throw std::runtime_error("cannot create " + (root / "points").string() + ": " + ec.message());
  SweepManifest m;
  m.root = root;
  m.name = spec.name;
  m.sweep_file = fs::absolute(spec.file).lexically_normal().string();
  m.base = spec.base;
  m.figures = spec.figures;
  m.keys = swept_keys(spec);
  m.points = points;

  // No time stamps: the manifest of a sweep is the same bytes wherever and whenever it is expanded.
  json j;
  j["sweep"] = m.name;
  j["description"] = spec.description;
  j["sweep_file"] = m.sweep_file;
  j["base"] = m.base;
  j["figures"] = m.figures;
  j["keys"] = m.keys;
  j["replications"] = spec.replications;
  j["points"] = json::array();
  std::string table = "point,id,replication,seed";
  for (const auto& k : m.keys) table += "," + csv_cell(k);
  table += "\n";
  for (const SweepPoint& p : points) {
    json params = json::array();
    for (const auto& [k, v] : p.params) params.push_back({k, v});
    j["points"].push_back({{"index", p.index},
                           {"id", p.id},
                           {"replication", p.replication},
                           {"seed", p.seed},
                           {"params", params},
                           {"overrides", p.overrides}});
    table += fmt::format("{},{},{},{}", p.index, p.id, p.replication, p.seed);
    for (const auto& [k, v] : p.params) table += "," + csv_cell(v);
    table += "\n";
    const fs::path yaml = root / "points" / (p.id + ".yaml");
    if (!fs::exists(yaml, ec) || read_text(yaml) != p.resolved_yaml) write_file_atomically(yaml, p.resolved_yaml);
  }
  write_file_atomically(root / kManifest, j.dump(2) + "\n");
  write_file_atomically(root / "points.csv", table);
  return m;
}

SweepManifest read_sweep_manifest(const fs::path& root) {
  const fs::path file = root / kManifest;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw base::InputError(file.string(), 0, "",
                           "not a sweep result directory (no sweep.json; run `offloadsim sweep SWEEP.yaml` first)");
  }
  SweepManifest m;
  m.root = root;
  try {
    const json j = json::parse(read_text(file));
    m.name = j.at("sweep").get<std::string>();
    m.sweep_file = j.at("sweep_file").get<std::string>();
    m.base = j.at("base").get<std::string>();
    m.figures = j.at("figures").get<bool>();
    m.keys = j.at("keys").get<std::vector<std::string>>();
    for (const json& jp : j.at("points")) {
      SweepPoint p;
      p.index = jp.at("index").get<size_t>();
      p.id = jp.at("id").get<std::string>();
      // Ids name directories and files under the sweep's root: only what point_id makes is accepted,
      // so a tampered manifest cannot send a task's writes (or its clean-up) elsewhere.
      if (p.id.size() != 12 || p.id.find_first_not_of("0123456789abcdef") != std::string::npos) {
        throw base::InputError(
            file.string(), 0, "",
            fmt::format("malformed sweep manifest: point {} has id '{}', not 12 hex digits", m.points.size(), p.id));
      }
      if (p.index != m.points.size()) {
        throw base::InputError(
            file.string(), 0, "",
            fmt::format("malformed sweep manifest: point {} has index {}", m.points.size(), p.index));
      }
      p.replication = jp.at("replication").get<int>();
      p.seed = jp.at("seed").get<unsigned long long>();
      for (const json& kv : jp.at("params")) p.params.emplace_back(kv.at(0), kv.at(1));
      p.overrides = jp.at("overrides").get<std::vector<std::string>>();
      m.points.push_back(std::move(p));
    }
  } catch (const json::exception& e) {
    throw base::InputError(file.string(), 0, "", std::string("malformed sweep manifest: ") + e.what());
  }
  return m;
}

void run_sweep_point(const fs::path& root, size_t index, bool progress, const std::vector<std::string>& command_line,
                     std::ostream& out, int jobs) {
  const SweepManifest m = read_sweep_manifest(root);
  if (index >= m.points.size()) {
    throw std::invalid_argument(
        fmt::format("point index {} out of range: sweep '{}' has {} points", index, m.name, m.points.size()));
  }
  const SweepPoint& p = m.points[index];
  const fs::path final_dir = root / p.id;
  std::error_code ec;
  if (fs::is_directory(final_dir, ec)) {
    fmt::print(out, "point {} ({}) is already done: {}\n", index, p.id, final_dir.string());
    return;
  }
  const fs::path running = root / ".running" / fmt::format("{}.{}.{}", p.id, host_name(), ::getpid());
  const fs::path failed = root / "failed" / (p.id + ".txt");
  try {
    const Scenario sc = load_scenario((root / "points" / (p.id + ".yaml")).string());
    if (const std::string now = point_id(sc); now != p.id) {
      throw std::runtime_error(fmt::format(
          "point {}: its inputs changed since the sweep was expanded (id {} is now {}); run `offloadsim sweep {}` "
          "again to re-expand it",
          index, p.id, now, m.sweep_file));
    }
    fs::remove_all(running, ec);
    fs::create_directories(running, ec);
    if (ec) throw std::runtime_error("cannot create " + running.string() + ": " + ec.message());

    RunOptions opt;
    opt.out_dir = running;
    opt.overrides = p.overrides;
    opt.command_line = command_line;
    opt.figures = m.figures;
    opt.progress = progress;
    opt.jobs = jobs;
    json params = json::object();
    for (const auto& [k, v] : p.params) params[k] = v;
    opt.notes["sweep"] = {{"name", m.name}, {"sweep_file", m.sweep_file},   {"point", p.index}, {"id", p.id},
                          {"base", m.base}, {"replication", p.replication}, {"params", params}};
    run_scenario(sc, opt, out);
  } catch (const Interrupted&) {
    fs::remove_all(running, ec);
    throw;
  } catch (const std::exception& e) {
    fs::remove_all(running, ec);
    fs::create_directories(root / "failed", ec);
    write_file_atomically(failed, fmt::format("point {} ({}) failed on {} (pid {}):\n{}\n", index, p.id, host_name(),
                                              ::getpid(), e.what()));
    throw;
  }
  fs::rename(running, final_dir, ec);
  if (ec) {
    // Another task finished the same point first (a re-submitted array task): keep theirs.
    if (fs::is_directory(final_dir)) {
      fs::remove_all(running, ec);
    } else {
      throw std::runtime_error("cannot rename " + running.string() + " to " + final_dir.string() + ": " + ec.message());
    }
  }
  fs::remove(failed, ec);
  fmt::print(out, "point {} ({}) done: {}\n", index, p.id, final_dir.string());
}

}  // namespace offloadsim::sim
