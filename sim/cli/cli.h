// The CLI's subcommands and their options (sim/cli/cli_options.cc declares them; main.cc runs the
// one chosen). Internal to the offloadsim executable.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "sim/cli/live_processes.h"
#include "sim/runners/emulation.h"
#include "sim/runners/reproduce.h"
#include "sim/sweep/sweep_runner.h"

namespace offloadsim::cli {

// Every subcommand's options, the subcommands themselves, and what each runs.
struct Cli {
  std::string scenario_file, out_dir, seed, resume;
  std::vector<std::string> sets;
  bool no_figures = false, quiet = false;
  int run_jobs = 0;
  std::string sweep_file, backend = "local", sweep_root;
  bool dry_run = false, no_collect = false, partial = false, no_submit = false;
  int jobs = 0;
  size_t point_index = 0;
  sim::SlurmOptions slurm;
  std::size_t unit_index = 0;
  std::string unit_parts;
  sim::ReproduceOptions repro;
  std::string repro_out;
  bool report_only = false;
  sim::CloudProcessOptions cloud_opt;
  sim::RobotProcessOptions robot_opt;
  sim::EmulateOptions emulate_opt;
  CLI::App *run = nullptr, *validate = nullptr, *schema = nullptr, *sweep = nullptr, *sweep_status = nullptr,
           *collect = nullptr, *unit = nullptr, *task = nullptr, *reproduce = nullptr, *cloud = nullptr,
           *robot = nullptr, *emulate = nullptr;

  // run, validate, schema.
  void add_run(CLI::App& app);
  // sweep (and sweep status), collect, and the internal run-unit and sweep-task (docs/cluster.md).
  void add_sweeps(CLI::App& app);
  // Every experiment of the paper we reproduce, and the report (docs/reproduction.md).
  void add_reproduce(CLI::App& app);
  // Live mode (docs/live.md): the cloud and a robot as real processes, and the emulated network.
  void add_live(CLI::App& app);

  int run_sweep();
  // The selected subcommand's work; its exit code.
  int dispatch(int argc, char** argv);
};

}  // namespace offloadsim::cli
