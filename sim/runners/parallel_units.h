// The units of one run in parallel. A kind whose run is several independent simulations (the
// policies of a closed loop: each on the same network, streams and seeds) runs each unit in a child
// process of its own — ns-3 keeps one simulator per process — at most `jobs` at a time, and joins
// their outputs in unit order, so the files are byte for byte those of a serial run. Progress is
// merged into one line; Ctrl-C or SIGTERM stops every child within a second; a run whose children
// would not fit in the memory available is refused before any starts. docs/benchmarks.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "sim/io/provenance.h"
#include "sim/runners/run_options.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {

// What one unit produces: named texts (table rows, terminal lines), joined in unit order.
using UnitParts = std::map<std::string, std::string>;

// A unit's work: `index` of the scenario's units; `tick` once per unit of progress (a simulated
// second). Registered with its kind (ExperimentKind::unit).
using UnitFunction = UnitParts (*)(const Scenario& sc, std::size_t index, const std::function<void()>& tick);

// The processors this process may run on (its affinity — a taskset, a Slurm allocation — and no
// more than SLURM_CPUS_PER_TASK when set), or OFFLOADSIM_JOBS when set (a local sweep shares its
// cores among its points that way).
int available_cores();
// What `offloadsim run --jobs N` asks for (0: not given): N, else available_cores().
int cli_jobs(int requested);
// What the kernel says can still be allocated (MemAvailable), in MB; 0 when unknown.
double memory_available_mb();
// This process's resident memory now, in MB.
double resident_mb();

// Parts every unit carries besides its kind's: its wall time (s, the child's whole life or the
// in-process call) and, from a child, its peak resident memory (MB), for provenance.json.
inline constexpr const char* kUnitWallPart = "wall_s";
inline constexpr const char* kUnitPeakMemoryPart = "peak_rss_mb";

// A kind's units as its run sees them.
struct UnitPlan {
  std::string what;                // "policies", "conditions": the terminal line's and provenance's key
  std::string key;                 // "policy", "condition": each unit's name in provenance
  std::vector<std::string> names;  // one per unit, in order
  std::size_t ticks_per_unit = 0;  // progress per unit (a simulated second)
  bool in_one_process = false;     // e.g. pcap: every unit's run would write the same files
};

// The units of a run: in opt.jobs children at a time (memory checked first: each child estimated at
// twice this process's resident memory after the run's setup), or one after the other by `here`
// (--jobs 1, one unit, plan.in_one_process). Returns the parts in unit order; records in rec.notes
// the jobs and, under plan.what, each unit's wall time and a child's peak memory. Children are
// `offloadsim run-unit` of the same scenario and --set overrides, working under opt.out_dir (removed
// after; an interrupted run's by the next run). Throws Interrupted on Ctrl-C/SIGTERM (every child
// stopped), std::runtime_error naming the unit and the tail of its log when a child fails.
std::vector<UnitParts> run_units(const Scenario& sc, const RunOptions& opt, const UnitPlan& plan,
                                 const std::function<UnitParts(std::size_t)>& here, std::ostream& out, RunRecord& rec);

// The `run-unit` subcommand, in the child: unit `index` of the scenario's kind, its parts written
// into `dir` (one file each), its progress into `dir`/progress.
void run_unit_main(const Scenario& sc, std::size_t index, const std::filesystem::path& dir);

}  // namespace offloadsim::sim
