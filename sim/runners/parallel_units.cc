#include "sim/runners/parallel_units.h"

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "base/input_error.h"
#include "sim/io/atomic_file.h"
#include "sim/io/child_process.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/io/run_journal.h"
#include "sim/runners/experiment.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

constexpr const char* kJobsVariable = "OFFLOADSIM_JOBS";
constexpr const char* kProgressFile = "progress";
constexpr const char* kLogFile = "log";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "Key:   123 kB" from a /proc file, in MB; 0 when absent.
double proc_kb_field_mb(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::strtod(line.c_str() + key.size() + 1, nullptr) / 1024.0;
  }
  return 0;
}

std::string log_tail(const fs::path& log) {
  const std::string text = read_text(log);
  const std::size_t from = text.size() > 1500 ? text.size() - 1500 : 0;
  return text.substr(from);
}

// The work directory's units and their children, removed whatever happens.
struct Children {
  fs::path dir;
  std::vector<std::optional<ChildProcess>> child;
  ~Children() {
    for (auto& c : child) {
      if (c) c->signal(SIGTERM);
    }
    for (auto& c : child) {
      if (c) c->wait_for(1.0);
    }
    child.clear();  // SIGKILL for any left
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::size_t ticks_done(const fs::path& unit_dir) {
  return static_cast<std::size_t>(std::strtoull(read_text(unit_dir / kProgressFile).c_str(), nullptr, 10));
}

}  // namespace

int available_cores() {
  if (const char* env = std::getenv(kJobsVariable)) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) cores = std::max(1, CPU_COUNT(&set));
  // A Slurm task's allocation, also where the cluster does not pin tasks to their CPUs.
  if (const char* slurm = std::getenv("SLURM_CPUS_PER_TASK")) {
    const int n = std::atoi(slurm);
    if (n > 0) cores = std::min(cores, n);
  }
  return cores;
}

int cli_jobs(int requested) {
  return requested > 0 ? requested : available_cores();
}

double memory_available_mb() {
  return proc_kb_field_mb("/proc/meminfo", "MemAvailable");
}

double resident_mb() {
  return proc_kb_field_mb("/proc/self/status", "VmRSS");
}

namespace {

// Seconds since `began`, as a unit's wall-time part.
std::string seconds_since(std::chrono::steady_clock::time_point began) {
  return fmt::format("{:.1f}", std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
}

// How a run's units are run in children.
struct UnitRun {
  std::string label;  // the merged progress line's
  std::size_t units = 0;
  std::size_t jobs = 1;            // children at once (≤ units)
  std::size_t ticks_per_unit = 0;  // progress per unit (0: none shown)
  double memory_per_child_mb = 0;  // the estimate the memory check uses
  std::string memory_basis;        // how the estimate was made, for the refusal's message
};

// Refuses (InputError on --jobs) when run.jobs children of memory_per_child_mb would not fit in
// what is available.
void check_children_fit(const UnitRun& run) {
  const double available = memory_available_mb();
  if (run.jobs <= 1 || available <= 0) return;
  const double need = static_cast<double>(run.jobs) * run.memory_per_child_mb;
  if (need <= available) return;
  const auto fit = static_cast<std::size_t>(available / std::max(1.0, run.memory_per_child_mb));
  throw base::InputError(
      "--jobs", 0, "",
      fmt::format("{} children of ~{:.0f} MB each ({}) need {:.0f} MB, more than the {:.0f} MB available: use "
                  "--jobs {}",
                  run.jobs, run.memory_per_child_mb, run.memory_basis, need, available, std::max<std::size_t>(1, fit)));
}

// Runs units [0, run.units) as `offloadsim run-unit` children of the same scenario and --set
// overrides, `run.jobs` at a time, with their work directory under opt.out_dir (removed after; an
// interrupted run's is removed by the next run, as every partial file is). Returns the parts in unit
// order. Throws Interrupted on Ctrl-C/SIGTERM (every child stopped), std::runtime_error naming the
// unit and the tail of its log when a child fails.
std::vector<UnitParts> run_units_in_children(const Scenario& sc, const RunOptions& opt, const UnitRun& run);
std::vector<UnitParts> run_units_in_children(const Scenario& sc, const RunOptions& opt, const UnitRun& run) {
  check_children_fit(run);
  Children kids;
  kids.dir = opt.out_dir / fmt::format("units.partial-{}", ::getpid());
  fs::create_directories(kids.dir);
  kids.child.resize(run.units);
  std::vector<std::chrono::steady_clock::time_point> began(run.units);
  const std::string exe = self_executable();
  const std::string scenario = fs::absolute(sc.file()).string();
  auto start = [&](std::size_t i) {
    const fs::path d = kids.dir / std::to_string(i);
    fs::create_directories(d);
    std::vector<std::string> args = {exe, "run-unit", scenario, "--unit", std::to_string(i), "--parts", d.string()};
    for (const std::string& o : opt.overrides) args.insert(args.end(), {"--set", o});
    kids.child[i].emplace(ChildProcess::start(args, (d / kLogFile).string()));
    began[i] = std::chrono::steady_clock::now();
  };

  std::unique_ptr<Progress> bar;
  if (opt.progress && run.ticks_per_unit > 0)
    bar = std::make_unique<Progress>(run.label, run.units * run.ticks_per_unit);
  std::size_t shown = 0, next = 0, finished = 0;
  std::vector<bool> done(run.units, false);
  std::vector<UnitParts> parts(run.units);
  while (finished < run.units) {
    if (interrupt_requested()) throw Interrupted();  // ~Children stops every child within a second
    std::size_t running = 0;
    for (std::size_t i = 0; i < next; ++i) running += done[i] ? 0 : 1;
    while (running < run.jobs && next < run.units) {
      start(next++);
      ++running;
    }
    std::size_t ticks = 0;
    for (std::size_t i = 0; i < next; ++i) {
      const fs::path d = kids.dir / std::to_string(i);
      if (!done[i]) {
        if (const std::optional<int> status = kids.child[i]->poll()) {
          if (*status == 130 && interrupt_requested()) throw Interrupted();
          if (*status != 0) {
            throw std::runtime_error(fmt::format("{} unit {} failed (exit {}); its log {}:\n{}", run.label, i, *status,
                                                 (d / kLogFile).string(), log_tail(d / kLogFile)));
          }
          for (const auto& entry : fs::directory_iterator(d)) {
            const std::string name = entry.path().filename().string();
            if (name != kProgressFile && name != kLogFile) parts[i][name] = read_text(entry.path());
          }
          parts[i][kUnitWallPart] = seconds_since(began[i]);
          done[i] = true;
          ++finished;
        }
      }
      ticks += done[i] ? run.ticks_per_unit : std::min(run.ticks_per_unit, ticks_done(d));
    }
    if (bar && ticks > shown) {
      bar->advance(ticks - shown);
      shown = ticks;
    }
    if (finished < run.units) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (bar) bar->finish();
  return parts;
}

}  // namespace

std::vector<UnitParts> run_units(const Scenario& sc, const RunOptions& opt, const UnitPlan& plan,
                                 const std::function<UnitParts(std::size_t)>& here, std::ostream& out, RunRecord& rec) {
  // A child holds the run's inputs as this process does after its setup, and adds one simulation
  // (measured on closed_loop_wifi.yaml and the LIDAR study: docs/benchmarks.md).
  constexpr double kChildMemoryFactor = 2.0;
  UnitRun run;
  run.label = fmt::format("{} {} (simulated s)", plan.names.size(), plan.what);
  run.units = plan.names.size();
  run.jobs =
      plan.in_one_process ? 1 : std::min<std::size_t>(static_cast<std::size_t>(std::max(1, opt.jobs)), run.units);
  run.ticks_per_unit = plan.ticks_per_unit;
  run.memory_per_child_mb = kChildMemoryFactor * resident_mb();
  run.memory_basis = fmt::format("{:.0f} × this run's {:.0f} MB after its setup", kChildMemoryFactor, resident_mb());
  rec.notes["jobs"] = run.jobs;
  std::vector<UnitParts> parts;
  if (run.jobs > 1) {
    fmt::print(out, "{} {} in {} child processes at a time\n", run.units, plan.what, run.jobs);
    out.flush();
    parts = run_units_in_children(sc, opt, run);
  } else {
    for (std::size_t i = 0; i < run.units; ++i) {
      const auto began = std::chrono::steady_clock::now();
      parts.push_back(here(i));
      parts.back()[kUnitWallPart] = seconds_since(began);
    }
  }
  // Where the time and memory went, per unit (docs/benchmarks.md derives the scaling on N cores).
  for (std::size_t i = 0; i < parts.size(); ++i) {
    nlohmann::json unit = {{plan.key, plan.names[i]}, {"wall_s", std::stod(parts[i].at(kUnitWallPart))}};
    if (const auto it = parts[i].find(kUnitPeakMemoryPart); it != parts[i].end()) {
      unit["peak_rss_mb"] = std::stod(it->second);
    }
    rec.notes[plan.what].push_back(unit);
  }
  return parts;
}

void run_unit_main(const Scenario& sc, std::size_t index, const fs::path& dir) {
  ::unsetenv(RunJournal::kEnvironment);  // it writes only into its parent's work directory
  const ExperimentKind& kind = experiment_kind(sc.kind());
  if (kind.unit == nullptr) throw std::logic_error("kind " + sc.kind() + " has no units to run apart");
  std::size_t ticks = 0;
  const UnitParts parts =
      kind.unit(sc, index, [&] { write_file_atomically(dir / kProgressFile, std::to_string(++ticks)); });
  for (const auto& [name, text] : parts) write_file_atomically(dir / name, text);
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);  // ru_maxrss in kB on Linux
  write_file_atomically(dir / kUnitPeakMemoryPart,
                        fmt::format("{:.0f}", static_cast<double>(usage.ru_maxrss) / 1024.0));
}

}  // namespace offloadsim::sim
