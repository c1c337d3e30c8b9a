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

namespace fs = std::filesystem;
using nlohmann::json;

namespace offloadsim::sim {

namespace {

constexpr const char* kManifest = "sweep.json";

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

// A CSV cell, quoted when it holds a comma, quote or line break (swept list values do).
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

// Counts of point states.
struct Tally {
  size_t done = 0, running = 0, failed = 0, pending = 0;
};

Tally tally(const SweepManifest& m) {
  Tally t;
  for (const SweepPoint& p : m.points) {
    switch (point_state(m, p)) {
      case PointState::kDone:
        ++t.done;
        break;
      case PointState::kRunning:
        ++t.running;
        break;
      case PointState::kFailed:
        ++t.failed;
        break;
      case PointState::kPending:
        ++t.pending;
        break;
    }
  }
  return t;
}

// Runs a command, returns its exit status and stdout.
int run_command(const std::string& cmd, std::string* output) {
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) output->append(buf, n);
  const int status = ::pclose(f);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Removes ROOT/.running entries left by processes of this host that no longer exist (a killed
// run). Entries of other hosts are left alone: their tasks may still be running.
void clear_stale_running(const fs::path& root) {
  std::error_code ec;
  const fs::path dir = root / ".running";
  if (!fs::is_directory(dir, ec)) return;
  const std::string host = host_name();
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();  // <id>.<host>.<pid>
    const size_t first = name.find('.'), last = name.rfind('.');
    if (first == std::string::npos || last <= first) continue;
    if (name.substr(first + 1, last - first - 1) != host) continue;
    const pid_t pid = static_cast<pid_t>(std::strtol(name.c_str() + last + 1, nullptr, 10));
    if (pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) continue;
    fs::remove_all(e.path(), ec);
  }
}

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

// ---------------------------------------------------------------------------------------------
// Local backend

std::string sweep_rate(std::size_t finished, double minutes) {
  if (finished == 0 || !(minutes > 0)) return "none finished";
  return fmt::format("{:.2f} points/minute", static_cast<double>(finished) / minutes);
}

int run_sweep_local(const SweepManifest& m, const LocalOptions& opt, std::ostream& out) {
  const int cores = available_cores();
  const int jobs = opt.jobs > 0 ? opt.jobs : cores;
  // Points × the children each point's run starts (closed-loop policies) never exceed the cores: each
  // point gets its share (parallel_units.h reads OFFLOADSIM_JOBS).
  ::setenv("OFFLOADSIM_JOBS", std::to_string(std::max(1, cores / jobs)).c_str(), 1);
  clear_stale_running(m.root);
  std::vector<const SweepPoint*> todo;
  for (const SweepPoint& p : m.points) {
    if (point_state(m, p) != PointState::kDone) todo.push_back(&p);
  }
  const size_t already = m.points.size() - todo.size();
  fmt::print(out, "sweep '{}': {} points, {} already done, {} to run on {} worker{}; logs in {}\n", m.name,
             m.points.size(), already, todo.size(), jobs, jobs == 1 ? "" : "s", (m.root / "logs").string());
  out.flush();
  if (todo.empty()) return 0;

  std::error_code ec;
  fs::create_directories(m.root / "logs", ec);
  const std::string exe = self_executable();
  const std::string root = fs::absolute(m.root).string();

  std::vector<const SweepPoint*> failed;
  size_t next = 0, finished = 0;
  bool stopping = false;
  std::ostream no_output(nullptr);  // --quiet: progress written nowhere
  Progress progress = opt.progress ? Progress(fmt::format("sweep {}", m.name), todo.size())
                                   : Progress(fmt::format("sweep {}", m.name), todo.size(), no_output, false);
  const auto start = std::chrono::steady_clock::now();

  // Each task in its own process group (a Ctrl-C reaches only this process, which then stops
  // each task once), told to end with us (stop_with_parent).
  struct Task {
    ChildProcess process;
    const SweepPoint* point;
  };
  std::list<Task> running;  // erased from the middle as tasks end
  auto spawn = [&](const SweepPoint* p) {
    const std::string log = (m.root / "logs" / (p->id + ".log")).string();
    running.push_back(
        {ChildProcess::start({exe, "sweep-task", root, "--index", std::to_string(p->index), "--quiet"}, log), p});
  };

  while (true) {
    if (interrupt_requested() && !stopping) {
      stopping = true;
      for (const Task& t : running) t.process.signal(SIGINT);
    }
    while (!stopping && running.size() < static_cast<size_t>(jobs) && next < todo.size()) spawn(todo[next++]);
    if (running.empty()) break;
    const auto ended =
        std::find_if(running.begin(), running.end(), [](Task& t) { return t.process.poll().has_value(); });
    if (ended == running.end()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    const int status = *ended->process.poll();  // the exit code, or 128 + the signal
    const SweepPoint* p = ended->point;
    running.erase(ended);
    const bool ok = status == 0;
    const bool interrupted = status >= 128;  // 130 after Ctrl-C, or killed by a signal
    if (ok) {
      ++finished;
      progress.advance();
    } else if (!(stopping && interrupted)) {
      failed.push_back(p);
      progress.advance();
    }
  }
  const double minutes = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 60.0;
  if (stopping) {
    fmt::print(out,
               "\ninterrupted: {} of {} points finished in this run; run the same command again to finish the "
               "rest (finished points are kept)\n",
               finished, todo.size());
    return 130;
  }
  progress.finish();
  fmt::print(out, "sweep '{}': {} points run in {} ({} with {} worker{}), {} failed\n", m.name,
             finished + failed.size(), format_duration(minutes * 60), sweep_rate(finished, minutes), jobs,
             jobs == 1 ? "" : "s", failed.size());
  for (const SweepPoint* p : failed) {
    fmt::print(out, "  failed: point {} ({}), log {}\n", p->index, p->id,
               (m.root / "logs" / (p->id + ".log")).string());
  }
  return failed.empty() ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// Slurm backend

namespace {

// The array's task ids: 0 … n−1, each mapped to a point through the submission's point list (so
// that a re-submission of scattered points stays below Slurm's MaxArraySize).
std::string array_ranges(size_t n) {
  return n == 1 ? "0" : fmt::format("0-{}", n - 1);
}

std::vector<std::string> submitted_jobs(const fs::path& root) {
  std::vector<std::string> ids;
  std::ifstream in(root / "slurm" / "jobs.csv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto cells = base::split_csv_line(line);
    if (cells.size() >= 2) ids.push_back(cells[1]);
  }
  return ids;
}

// Array tasks of our jobs still in the queue, by state (PENDING, RUNNING, …). Empty if squeue is
// not available.
std::map<std::string, int> queued_tasks(const fs::path& root, bool* queried) {
  std::map<std::string, int> states;
  *queried = false;
  const std::vector<std::string> ids = submitted_jobs(root);
  if (ids.empty()) return states;
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ",") + id;
  std::string output;
  if (run_command("squeue -h -r -j " + shell_quote(list) + " -o %T 2>/dev/null", &output) != 0) return states;
  *queried = true;
  std::istringstream s(output);
  std::string state;
  while (s >> state) ++states[state];
  return states;
}

}  // namespace

int submit_sweep_slurm(const SweepManifest& m, const SlurmOptions& opt, std::ostream& out) {
  std::vector<const SweepPoint*> todo;
  for (const SweepPoint& p : m.points) {
    const PointState s = point_state(m, p);
    if (s == PointState::kPending || s == PointState::kFailed) todo.push_back(&p);
  }
  if (todo.empty()) {
    fmt::print(out, "sweep '{}': nothing to submit ({} points; {} done, the others running)\n", m.name, m.points.size(),
               tally(m).done);
    return 0;
  }
  std::error_code ec;
  const fs::path dir = m.root / "slurm";
  fs::create_directories(dir, ec);
  fs::create_directories(m.root / "logs", ec);
  int n = 1;
  while (fs::exists(dir / fmt::format("submit-{}.sbatch", n), ec)) ++n;
  const fs::path points_file = fs::absolute(dir / fmt::format("submit-{}.points", n));
  const fs::path script = fs::absolute(dir / fmt::format("submit-{}.sbatch", n));
  const std::string root = fs::absolute(m.root).string();
  const std::string exe = opt.offloadsim.empty() ? self_executable() : opt.offloadsim;

  std::string indices;
  for (const SweepPoint* p : todo) indices += std::to_string(p->index) + "\n";
  write_file_atomically(points_file, indices);

  std::string s = "#!/bin/bash\n";
  s += fmt::format("# offloadsim {} ({}): sweep '{}', {} of its {} points (submission {}).\n", offloadsim_version(),
                   git_revision(), m.name, todo.size(), m.points.size(), n);
  s += fmt::format("# Array task k runs the point on line k+1 of {}.\n", points_file.filename().string());
  s += fmt::format("# Resubmit what is unfinished: offloadsim sweep {} --backend slurm --out {}\n", m.sweep_file, root);
  s += fmt::format("#SBATCH --job-name=offloadsim-{}\n", m.name);
  s += fmt::format("#SBATCH --array={}{}\n", array_ranges(todo.size()),
                   opt.max_parallel > 0 ? fmt::format("%{}", opt.max_parallel) : "");
  s += fmt::format("#SBATCH --output={}/logs/slurm-%A_%a.log\n", root);
  s += fmt::format("#SBATCH --cpus-per-task={}\n", opt.cpus_per_task);
  if (!opt.partition.empty()) s += fmt::format("#SBATCH --partition={}\n", opt.partition);
  if (!opt.time.empty()) s += fmt::format("#SBATCH --time={}\n", opt.time);
  if (!opt.mem.empty()) s += fmt::format("#SBATCH --mem={}\n", opt.mem);
  s += "set -euo pipefail\n";
  s += fmt::format("index=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {})\n", shell_quote(points_file.string()));
  s += fmt::format("exec {} sweep-task {} --index \"$index\" --quiet\n", shell_quote(exe), shell_quote(root));
  write_file_atomically(script, s);
  fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add, ec);

  if (!opt.submit) {
    fmt::print(out, "wrote {} ({} array tasks); submit it with:\n  sbatch {}\n", script.string(), todo.size(),
               script.string());
    return 0;
  }
  std::string output;
  const int rc = run_command("sbatch --parsable " + shell_quote(script.string()) + " 2>&1", &output);
  if (rc != 0) {
    fmt::print(out, "error: sbatch failed (exit {}): {}\nthe script is {}\n", rc, output, script.string());
    return 1;
  }
  const std::string job = output.substr(0, output.find_first_of(";\n"));
  const fs::path jobs_csv = dir / "jobs.csv";
  std::string jobs = fs::exists(jobs_csv, ec) ? read_text(jobs_csv) : "submission,job_id,points,script\n";
  jobs += fmt::format("{},{},{},{}\n", n, job, todo.size(), script.filename().string());
  write_file_atomically(jobs_csv, jobs);
  fmt::print(out, "submitted job {}: {} array tasks{} (script {})\n", job, todo.size(),
             opt.max_parallel > 0 ? fmt::format(", at most {} at once", opt.max_parallel) : "", script.string());
  fmt::print(out, "follow it with: offloadsim sweep status {}\n", root);
  if (!opt.wait) return 0;

  const auto start = std::chrono::steady_clock::now();
  std::string last;
  while (true) {
    bool queried = false;
    const auto states = queued_tasks(m.root, &queried);
    int queued = 0;
    for (const auto& [st, c] : states) queued += c;
    const Tally t = tally(m);
    const std::string line = fmt::format("sweep {}: {}/{} done, {} failed, {} queued or running in Slurm", m.name,
                                         t.done, m.points.size(), t.failed, queued);
    if (line != last) {
      fmt::print(out, "{} ({})\n", line,
                 format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
      out.flush();
      last = line;
    }
    if (!queried) {
      fmt::print(out, "error: squeue did not answer; stopped waiting (the job continues)\n");
      return 1;
    }
    if (queued == 0) break;
    if (interrupt_requested()) {
      fmt::print(out, "stopped waiting; the job continues in Slurm\n");
      return 130;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  const Tally t = tally(m);
  return t.done == m.points.size() ? 0 : 1;
}

int print_sweep_status(const fs::path& root, std::ostream& out) {
  const SweepManifest m = read_sweep_manifest(root);
  const Tally t = tally(m);
  fmt::print(out, "sweep '{}' ({}): {} points — {} done, {} running, {} failed, {} pending\n", m.name, root.string(),
             m.points.size(), t.done, t.running, t.failed, t.pending);
  for (const SweepPoint& p : m.points) {
    if (point_state(m, p) != PointState::kFailed) continue;
    std::ifstream in(root / "failed" / (p.id + ".txt"));
    std::string first, reason;
    std::getline(in, first);
    std::getline(in, reason);
    fmt::print(out, "  failed: point {} ({}): {}\n", p.index, p.id, reason);
  }
  bool queried = false;
  const auto states = queued_tasks(root, &queried);
  if (queried) {
    std::string s;
    for (const auto& [st, c] : states) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", c, st);
    fmt::print(out, "slurm jobs {}: {}\n", fmt::join(submitted_jobs(root), ","), s.empty() ? "none queued" : s);
  }
  if (t.failed > 0 || t.pending > 0) {
    fmt::print(out, "to run the unfinished points: offloadsim sweep {} --out {} [--backend slurm]\n", m.sweep_file,
               root.string());
  }
  return t.done == m.points.size() ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// Collect

namespace {

// A collected row is the sweep's columns followed by the point's: a column name in both would
// make a table that csv readers silently collapse (Python's DictReader keeps the last) or rename.
void check_no_shared_column(const std::string& sweep_header, const std::string& table_header, const fs::path& file) {
  const std::vector<std::string> sweep = base::split_csv_line(sweep_header);
  for (const std::string& column : base::split_csv_line(table_header)) {
    if (std::find(sweep.begin(), sweep.end(), column) != sweep.end()) {
      throw base::InputError(file.string(), 1, column,
                             "this column has the name of one of the sweep's own columns (" + sweep_header +
                                 "), so the collected table would have it twice");
    }
  }
}

}  // namespace

void collect_sweep(const fs::path& root, bool partial, bool figures, std::ostream& out) {
  const SweepManifest m = read_sweep_manifest(root);
  std::vector<const SweepPoint*> done;
  for (const SweepPoint& p : m.points) {
    if (point_state(m, p) == PointState::kDone) done.push_back(&p);
  }
  if (done.size() < m.points.size() && !partial) {
    throw std::runtime_error(fmt::format(
        "sweep '{}': {} of {} points are not finished (see `offloadsim sweep status {}`); finish them or collect "
        "with --partial",
        m.name, m.points.size() - done.size(), m.points.size(), root.string()));
  }
  if (done.empty()) throw std::runtime_error("sweep '" + m.name + "': no finished point to collect");

  // Every table any finished point wrote. Some exist only under some settings (flows.csv with
  // network.flow_monitor, cell_capacity.csv with a background share): a point without one adds
  // no rows to it.
  std::vector<std::string> tables;
  for (const SweepPoint* p : done) {
    for (const auto& e : fs::directory_iterator(root / p->id)) {
      const std::string name = e.path().filename().string();
      if (e.path().extension() == ".csv" && std::find(tables.begin(), tables.end(), name) == tables.end()) {
        tables.push_back(name);
      }
    }
  }
  std::sort(tables.begin(), tables.end());
  std::error_code ec;
  fs::create_directories(root / "collected", ec);
  remove_partial_files(root / "collected");  // an interrupted collect's; the caller holds the sweep's lock
  // A table whose rows carry their own seed (a closed loop of run.seeds seeds; with one, it is the
  // point's) is collected without the point's.
  std::string keys_header;
  for (const auto& k : m.keys) {
    if (k != "seed") keys_header += "," + csv_cell(k);
  }
  const std::string prefix_header = "point,id,replication,seed" + keys_header;
  const std::string own_seed_header = "point,id,replication" + keys_header;
  size_t rows_total = 0;
  for (const std::string& table : tables) {
    check_interrupt();
    AtomicFile f(root / "collected" / table);
    std::string header;
    bool own_seed = false;
    size_t rows = 0;
    for (const SweepPoint* p : done) {
      const fs::path file = root / p->id / table;
      if (!fs::exists(file)) continue;
      std::ifstream in(file);
      if (!in) throw base::InputError(file.string(), 0, "", "cannot be read");
      std::string line;
      std::getline(in, line);
      if (header.empty()) {
        header = line;
        const std::vector<std::string> columns = base::split_csv_line(header);
        own_seed = std::find(columns.begin(), columns.end(), "seed") != columns.end();
        const std::string& sweep_header = own_seed ? own_seed_header : prefix_header;
        check_no_shared_column(sweep_header, header, file);
        f.stream() << sweep_header << "," << header << "\n";
      } else if (line != header) {
        throw base::InputError(file.string(), 1, "", "its columns differ from the other points' " + table);
      }
      std::string prefix = fmt::format("{},{},{}", p->index, p->id, p->replication);
      if (!own_seed) prefix += fmt::format(",{}", p->seed);
      for (const auto& [k, v] : p->params) {
        if (k != "seed") prefix += "," + csv_cell(v);
      }
      while (std::getline(in, line)) {
        if (line.empty()) continue;
        f.stream() << prefix << "," << line << "\n";
        ++rows;
      }
    }
    f.commit();
    rows_total += rows;
    fmt::print(out, "collected {} rows from {} points into {}\n", rows, done.size(),
               (root / "collected" / table).string());
  }
  (void)rows_total;
  if (figures && std::find(tables.begin(), tables.end(), "summary.csv") != tables.end()) {
    draw_figures("plot_sweep.py", root);
    fmt::print(out, "figures in {}\n", (root / "collected").string());
  }
}

void print_sweep_points(const SweepSpec& spec, const std::vector<SweepPoint>& points, std::ostream& out) {
  const auto keys = swept_keys(spec);
  fmt::print(out, "sweep '{}' from {}: {} points ({} replication{} each)\n", spec.name, spec.base, points.size(),
             spec.replications, spec.replications == 1 ? "" : "s");
  fmt::print(out, "{:>5}  {:12}  {:>4}  {:>20}  {}\n", "point", "id", "rep", "seed", fmt::join(keys, "  "));
  for (const SweepPoint& p : points) {
    std::vector<std::string> values;
    for (const auto& [k, v] : p.params) values.push_back(v);
    fmt::print(out, "{:>5}  {:12}  {:>4}  {:>20}  {}\n", p.index, p.id, p.replication, p.seed, fmt::join(values, "  "));
  }
  fmt::print(out, "{} points\n", points.size());
}

}  // namespace offloadsim::sim
