// offloadsim: the command-line entry point.
//
// Exit codes: 0 success; 1 the run failed; 2 bad input (scenario, trace or data file, or command
// line); 130 interrupted (Ctrl-C).
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <c10/util/Exception.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <CLI/CLI.hpp>

#include "base/input_error.h"
#include "sim/cli/cli.h"
#include "sim/cli/live_processes.h"
#include "sim/io/child_process.h"
#include "sim/io/interrupt.h"
#include "sim/io/output_lock.h"
#include "sim/io/progress.h"
#include "sim/io/provenance.h"
#include "sim/runners/emulation.h"
#include "sim/runners/experiment.h"
#include "sim/runners/live_run.h"
#include "sim/runners/reproduce.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/schema.h"
#include "sim/sweep/sweep_runner.h"

namespace {

using namespace offloadsim;

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

// True when `file` parses as YAML with `kind: sweep` (run/validate then point at `offloadsim sweep`).
bool is_sweep_file(const std::string& file) {
  try {
    const YAML::Node root = sim::load_yaml_document(file, "scenario file");
    return root.IsMap() && root["kind"] && root["kind"].IsScalar() && root["kind"].as<std::string>() == "sweep";
  } catch (const std::exception&) {
    return false;  // the scenario loader reports what is wrong with it
  }
}

const char* const kFooter = R"(
Examples:
  offloadsim run scenarios/quickstart.yaml
      run the quick-start evaluation; results in results/quickstart/
  offloadsim run scenarios/paper_synthetic.yaml --out /tmp/paper --seed 7
  offloadsim run scenarios/paper_synthetic.yaml --set eval.test_traces=20 --set 'eval.budgets=[0.1, 0.5]'
  offloadsim run scenarios/ros_lidar_study.yaml      # the paper's ROS LIDAR study in ns-3 WiFi
  offloadsim run scenarios/lte_4robots.yaml --set network.lte.ul_resource_blocks=100
  offloadsim run scenarios/closed_loop_wifi.yaml     # offload agents inside ns-3: queries cross the WiFi
  offloadsim validate scenarios/my_experiment.yaml
  offloadsim schema            # every scenario field: type, unit, default, allowed values
  offloadsim run scenarios/live_loopback.yaml        # the agent as real processes over sockets
  offloadsim reproduce         # every experiment of the paper we reproduce, then REPORT.md
  offloadsim sweep scenarios/sweep_example.yaml      # a parameter sweep on all cores
  offloadsim sweep scenarios/sweep_example.yaml --backend slurm --partition batch --time 00:30:00

Exit codes: 0 success, 1 run failed, 2 bad input (scenario, data file or arguments), 130 interrupted.
Documentation: README.md, docs/scenarios.md, docs/mdp.md, docs/rl.md, docs/perception.md,
  docs/network.md, docs/loop.md, docs/live.md, docs/cluster.md, docs/limits.md,
  docs/reproduction.md.)";

std::vector<std::string> with_seed(std::vector<std::string> sets, const std::string& seed) {
  if (!seed.empty()) sets.push_back("seed=" + seed);
  return sets;
}

}  // namespace

namespace offloadsim::cli {

int Cli::run_sweep() {
  if (sweep_file.empty()) {
    fmt::print(stderr, "error: sweep: a sweep file is required (or: sweep status DIR)\n");
    return kExitBadInput;
  }
  const sim::SweepSpec spec = sim::load_sweep(sweep_file);
  const std::vector<sim::SweepPoint> points = sim::expand_sweep(spec);
  if (dry_run) {
    sim::print_sweep_points(spec, points, std::cout);
    return 0;
  }
  const std::filesystem::path root =
      out_dir.empty() ? std::filesystem::path("results") / spec.name : std::filesystem::path(out_dir);
  const sim::DirectoryLock lock(root, "--out");
  const sim::SweepManifest m = sim::write_sweep_manifest(root, spec, points);
  if (backend == "slurm") {
    slurm.submit = !no_submit;
    return sim::submit_sweep_slurm(m, slurm, std::cout);
  }
  const int rc = sim::run_sweep_local(m, {jobs, !quiet}, std::cout);
  if (rc == 0 && !no_collect) sim::collect_sweep(root, false, true, std::cout);
  return rc;
}

int Cli::dispatch(int argc, char** argv) {
  if (*schema) {
    std::cout << sim::schema_markdown();
    return 0;
  }
  if (*sweep_status) return sim::print_sweep_status(sweep_root, std::cout);
  if (*cloud) return sim::cloud_main(cloud_opt, std::cout);
  if (*robot) return sim::robot_main(robot_opt, std::cout);
  if (*emulate) return sim::emulate_main(emulate_opt, std::cout);
  if (*reproduce) {
    if (!repro_out.empty()) repro.out_dir = repro_out;
    repro.report_only = report_only;
    return sim::reproduce_main(repro, std::cout);
  }
  if (*collect) {
    std::optional<sim::DirectoryLock> lock;  // a missing directory: collect_sweep says what is wrong
    if (std::filesystem::is_directory(sweep_root)) lock.emplace(sweep_root, "the collect directory");
    sim::collect_sweep(sweep_root, partial, !no_figures, std::cout);
    return 0;
  }
  if (*unit) {
    sim::stop_with_parent();
    sim::run_unit_main(sim::load_scenario(scenario_file, sets), unit_index, unit_parts);
    return 0;
  }
  if (*task) {
    sim::stop_with_parent();
    sim::run_sweep_point(sweep_root, point_index, !quiet, std::vector<std::string>(argv, argv + argc), std::cout,
                         sim::available_cores());
    return 0;
  }
  if (*sweep) return run_sweep();
  const std::vector<std::string> overrides = with_seed(sets, seed);
  if (*validate && is_sweep_file(scenario_file)) {
    // A sweep file is checked as `sweep --dry-run` checks it: the file and every point's scenario.
    if (!sets.empty() || !seed.empty()) {
      fmt::print(stderr, "error: validate: --set and --seed apply to scenarios; {} is a sweep file\n", scenario_file);
      return kExitBadInput;
    }
    const sim::SweepSpec spec = sim::load_sweep(scenario_file);
    const std::vector<sim::SweepPoint> points = sim::expand_sweep(spec);
    fmt::print("{}: valid sweep '{}', {} points\n", scenario_file, spec.name, points.size());
    return 0;
  }
  if (is_sweep_file(scenario_file)) {
    fmt::print(stderr,
               "error: {} is a sweep file (kind: sweep): run it with `offloadsim sweep {}` (add --dry-run to "
               "list its points)\n",
               scenario_file, scenario_file);
    return kExitBadInput;
  }
  const sim::Scenario sc = sim::load_scenario(scenario_file, overrides);
  if (!resume.empty() && sc.kind() != "rl-train") {
    fmt::print(stderr, "error: --resume: continues rl-train runs only; {} is of kind {}\n", scenario_file, sc.kind());
    return kExitBadInput;
  }
  if (*validate) {
    sim::check_scenario(sc);
    fmt::print("{}: valid {} scenario '{}'\n", scenario_file, sc.kind(), sc.name());
    return 0;
  }
  sim::RunOptions opt;
  opt.out_dir = out_dir.empty() ? std::filesystem::path("results") / sc.name() : std::filesystem::path(out_dir);
  opt.overrides = overrides;
  opt.command_line.assign(argv, argv + argc);
  opt.figures = !no_figures;
  opt.progress = !quiet;
  opt.resume = resume;
  opt.jobs = sim::cli_jobs(run_jobs);
  sim::run_scenario(sc, opt, std::cout);
  return 0;
}

}  // namespace offloadsim::cli

using offloadsim::cli::Cli;

int main(int argc, char** argv) {
  CLI::App app{fmt::format("offloadsim {} — a network-emulating testbed for cloud-robotics offloading.\n"
                           "Runs the experiment a YAML scenario describes and writes tidy CSVs, figures and "
                           "provenance.",
                           sim::offloadsim_version()),
               "offloadsim"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("offloadsim {} ({})", sim::offloadsim_version(), git_revision()));

  Cli cli;
  cli.add_run(app);
  cli.add_sweeps(app);
  cli.add_reproduce(app);
  cli.add_live(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitBadInput;
  }

  // Ctrl-C and SIGTERM (what Slurm sends at a time limit) alike: every phase stops at its next
  // clean point and the program exits 130.
  sim::install_interrupt_handlers();
  if (!cli.quiet) sim::install_progress_listener();
  try {
    return cli.dispatch(argc, argv);
  } catch (const sim::ScenarioError& e) {
    for (const auto& issue : e.issues()) fmt::print(stderr, "error: {}\n", issue.to_string());
    return kExitBadInput;
  } catch (const base::InputError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  } catch (const sim::Interrupted&) {
    fmt::print(stderr, "\ninterrupted: no partial file was left under a final name\n");
    return kExitInterrupted;
  } catch (const c10::Error& e) {  // LibTorch's own: its message without the C++ backtrace
    fmt::print(stderr, "error: {}\n", e.what_without_backtrace());
    return kExitFailure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
}
