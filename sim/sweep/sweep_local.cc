// The local backend: the points not yet done, as child processes on this machine's cores.
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

using sweep_files::host_name;

namespace {

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

}  // namespace offloadsim::sim
