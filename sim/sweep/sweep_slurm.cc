// The Slurm backend: the points not yet done as one job array (sbatch), and the sweep's status
// with what the queue (squeue) says of its tasks.
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

using sweep_files::read_text;

namespace {

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

}  // namespace offloadsim::sim
