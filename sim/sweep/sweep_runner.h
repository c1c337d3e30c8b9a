// Running a sweep: the result layout, one point's task, the local and Slurm backends, status and
// collection. Layout of a sweep's result directory ROOT (docs/cluster.md):
//
//   ROOT/sweep.json            the manifest: every point's index, id, replication, seed, parameters
//   ROOT/points.csv            the same, one row per point, for people and spreadsheets
//   ROOT/points/<id>.yaml      each point's resolved scenario (what the task runs)
//   ROOT/<id>/                 a finished point's outputs; it appears (by rename) only when complete
//   ROOT/.running/<id>.<host>.<pid>/   a point being run
//   ROOT/failed/<id>.txt       why a point's last attempt failed
//   ROOT/logs/                 each task's stdout and stderr
//   ROOT/slurm/                generated sbatch scripts, their point lists, submitted job ids
//   ROOT/collected/            `collect`'s tidy CSVs and figures
//
// Nothing here relies on a clock shared between nodes or on a node-local path: a task needs only
// ROOT (on a shared file system), the manifest and the offloadsim binary.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "sim/sweep/sweep.h"

namespace offloadsim::sim {

struct SweepManifest {
  std::filesystem::path root;
  std::string name;
  std::string sweep_file;
  std::string base;
  bool figures = false;
  std::vector<std::string> keys;   // swept keys, in column order
  std::vector<SweepPoint> points;  // resolved_yaml left empty when read back
};

// Writes the manifest, points.csv and each point's resolved scenario into root (atomically).
SweepManifest write_sweep_manifest(const std::filesystem::path& root, const SweepSpec& spec,
                                   const std::vector<SweepPoint>& points);
// Reads ROOT/sweep.json; throws base::InputError if it is missing or malformed.
SweepManifest read_sweep_manifest(const std::filesystem::path& root);

enum class PointState { kPending, kRunning, kDone, kFailed };
PointState point_state(const SweepManifest& m, const SweepPoint& p);
const char* state_name(PointState s);

// Runs point `index` of the sweep in ROOT: into ROOT/.running/…, renamed to ROOT/<id>/ when
// complete; on failure writes ROOT/failed/<id>.txt and rethrows. A finished point is not re-run.
// `jobs`: the point's run's child processes (RunOptions::jobs; the sweep-task subcommand passes the
// point's share of the cores).
void run_sweep_point(const std::filesystem::path& root, size_t index, bool progress,
                     const std::vector<std::string>& command_line, std::ostream& out, int jobs = 1);

struct LocalOptions {
  int jobs = 0;  // parallel processes; 0 = number of cores
  bool progress = true;
};
// Runs every unfinished point in parallel child processes (this binary's `sweep-task`), one
// progress line for the whole sweep. Ctrl-C stops the children cleanly. Returns the exit code:
// 0 all done, 1 some point failed, 130 interrupted.
int run_sweep_local(const SweepManifest& m, const LocalOptions& opt, std::ostream& out);
// "2.50 points/minute", or "none finished" when no point did (a rate of 0 would say nothing).
std::string sweep_rate(std::size_t finished, double minutes);

struct SlurmOptions {
  std::string partition, time, mem;
  int cpus_per_task = 1;
  int max_parallel = 0;    // array throttle %K; 0 = none
  bool submit = true;      // false: write the script only
  bool wait = false;       // poll until the submitted tasks leave the queue
  std::string offloadsim;  // binary the tasks run; default: this one
};
// Writes ROOT/slurm/submit-<n>.sbatch (one array task per unfinished point) and submits it with
// sbatch. Returns the exit code.
int submit_sweep_slurm(const SweepManifest& m, const SlurmOptions& opt, std::ostream& out);

// Prints done / running / failed / pending counts, failures and queued Slurm tasks. Returns 0 if
// every point is done, 1 otherwise.
int print_sweep_status(const std::filesystem::path& root, std::ostream& out);

// Concatenates every finished point's CSVs into ROOT/collected/<name>.csv with columns point,
// replication, seed and one per swept key in front; draws a figure per numeric swept axis.
// Throws if a point is unfinished unless `partial`.
void collect_sweep(const std::filesystem::path& root, bool partial, bool figures, std::ostream& out);

// Prints the points of a sweep (for --dry-run).
void print_sweep_points(const SweepSpec& spec, const std::vector<SweepPoint>& points, std::ostream& out);

}  // namespace offloadsim::sim
