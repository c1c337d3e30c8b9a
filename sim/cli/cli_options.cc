#include <CLI/CLI.hpp>

#include "sim/cli/cli.h"

namespace offloadsim::cli {

namespace {

const CLI::Validator kNonEmpty(
    [](std::string& v) { return v.empty() ? std::string("must not be empty") : std::string(); }, "", "non-empty");
// The schema's range for `seed` (a YAML integer, 64-bit signed).
const CLI::Validator kSeedValue(
    [](std::string& v) {
      const bool digits = !v.empty() && v.size() <= 19 && v.find_first_not_of("0123456789") == std::string::npos;
      return digits && std::stoull(v) <= 9223372036854775807ULL
                 ? std::string()
                 : "'" + v + "' is not a seed: an integer from 0 to 9223372036854775807";
    },
    "", "seed");

}  // namespace

void Cli::add_run(CLI::App& app) {
  run = app.add_subcommand("run", "Run the experiment a scenario file describes.");
  run->add_option("scenario", scenario_file, "Scenario YAML file (see docs/scenarios.md)")->required();
  run->add_option("--out,-o", out_dir, "Result directory (default: results/<scenario name>/)")
      ->type_name("DIR")
      ->check(kNonEmpty);
  run->add_option("--seed", seed, "Master seed, 0 to 9223372036854775807; overrides the scenario's `seed`")
      ->type_name("UINT")
      ->check(kSeedValue);
  run->add_option("--set", sets, "Override a field: key.path=value (YAML syntax), repeatable")->take_all();
  run->add_flag("--no-figures", no_figures, "Write the CSVs but skip drawing figures");
  run->add_flag("--quiet,-q", quiet, "No progress output on stderr");
  run->add_option("--resume", resume, "rl-train: continue training exactly from this checkpoint directory")
      ->type_name("DIR")
      ->check(CLI::ExistingDirectory);
  run->add_option("--jobs,-j", run_jobs,
                  "closed-loop policies, network-study conditions: simulations run at once, each in a child process "
                  "(default: the cores this process may use; 1: one after the other, in this process). The CSVs "
                  "are the same bytes either way")
      ->type_name("N")
      ->check(CLI::Range(1, 4096));
  run->footer(R"(
Writes into the result directory: the experiment's CSVs, its figures (PNG and PDF),
scenario.resolved.yaml (every field, overrides applied) and provenance.json (version,
git revision, seed, times, host, libraries). Each file appears only when complete.

Examples:
  offloadsim run scenarios/quickstart.yaml
  offloadsim run scenarios/paper_synthetic.yaml --out results/paper-seed7 --seed 7
  offloadsim run scenarios/paper_synthetic.yaml --set stream.p_known=0.8
  offloadsim run scenarios/paper_rl.yaml                  # train RL, then evaluate it
  offloadsim run scenarios/paper_rl.yaml --resume results/paper_rl/checkpoint

Exit codes: 0 success, 1 run failed, 2 bad input (scenario, data file or arguments), 130 interrupted
(Ctrl-C: the run stops at the next clean point and leaves no partial file).)");

  validate = app.add_subcommand("validate", "Check a scenario file without running it.");
  validate->add_option("scenario", scenario_file, "Scenario YAML file")->required();
  validate->add_option("--set", sets, "Override a field: key.path=value, repeatable")->take_all();
  validate->footer("\nExample:\n  offloadsim validate scenarios/paper_synthetic.yaml --set eval.test_traces=10");

  schema = app.add_subcommand("schema", "Print every scenario field (Markdown, as in docs/scenarios.md).");
}

void Cli::add_sweeps(CLI::App& app) {
  sweep = app.add_subcommand("sweep", "Run a parameter sweep: every point of a sweep file, locally or on Slurm.");
  sweep->add_option("sweep_file", sweep_file, "Sweep YAML file (kind: sweep; see docs/cluster.md)");
  sweep->add_option("--out,-o", out_dir, "Sweep result directory (default: results/<sweep name>/)");
  sweep->add_flag("--dry-run,-n", dry_run, "Print the points and their count; run nothing, write nothing");
  sweep->add_option("--backend", backend, "local (default): parallel processes here; slurm: one array job")
      ->check(CLI::IsMember({"local", "slurm"}));
  sweep->add_option("--jobs,-j", jobs, "local: parallel processes (default: number of cores)")
      ->check(CLI::Range(1, 1024));
  sweep->add_flag("--no-collect", no_collect, "local: do not collect the CSVs when every point is done");
  sweep->add_flag("--quiet,-q", quiet, "No progress output on stderr");
  sweep->add_option("--partition", slurm.partition, "slurm: partition (sbatch --partition)")->group("Slurm");
  sweep->add_option("--time", slurm.time, "slurm: time limit per point, e.g. 01:00:00")->group("Slurm");
  sweep->add_option("--mem", slurm.mem, "slurm: memory per point, e.g. 4G")->group("Slurm");
  sweep->add_option("--cpus-per-task", slurm.cpus_per_task, "slurm: cores per point (default 1)")
      ->check(CLI::Range(1, 1024))
      ->group("Slurm");
  sweep->add_option("--max-parallel", slurm.max_parallel, "slurm: at most K points at once (array throttle %K)")
      ->check(CLI::Range(1, 100000))
      ->group("Slurm");
  sweep->add_flag("--wait", slurm.wait, "slurm: wait until the submitted tasks leave the queue")->group("Slurm");
  sweep->add_flag("--no-submit", no_submit, "slurm: write the sbatch script but do not submit it")->group("Slurm");
  sweep
      ->add_option("--offloadsim", slurm.offloadsim,
                   "slurm: offloadsim binary as the compute nodes see it (default: this binary)")
      ->group("Slurm");
  sweep->footer(R"(
A sweep file names a base scenario and axes (lists or ranges of values for its fields),
crossed or zipped, with replications (replication r runs with seed + r). Each point's
results go to <out>/<point id>/, the id a stable hash of its resolved scenario; a point's
directory appears only when it is complete, so running the same command again skips
finished points and runs the rest. <out>/points.csv maps ids to parameters.

Examples:
  offloadsim sweep scenarios/sweep_example.yaml --dry-run
  offloadsim sweep scenarios/sweep_example.yaml              # all cores; then collects
  offloadsim sweep scenarios/sweep_example.yaml --jobs 1
  offloadsim sweep scenarios/sweep_example.yaml --backend slurm --partition batch \
      --time 00:30:00 --mem 2G --max-parallel 50
  offloadsim sweep status results/sweep_example
  offloadsim collect results/sweep_example)");
  sweep_status = sweep->add_subcommand("status", "Done / running / failed / pending points of a sweep.");
  sweep_status->add_option("dir", sweep_root, "Sweep result directory")->required();

  collect = app.add_subcommand("collect", "Collect a sweep's CSVs into one tidy CSV per table, with figures.");
  collect->add_option("dir", sweep_root, "Sweep result directory, e.g. results/sweep_example")->required();
  collect->add_flag("--partial", partial, "Collect the finished points even if some are not");
  collect->add_flag("--no-figures", no_figures, "Write the CSVs but skip the figures");
  collect->footer(R"(
Writes <dir>/collected/<table>.csv (summary.csv, episodes.csv, ...): every point's rows with
columns point, id, replication, seed and one per swept field in front, and a figure per
numeric swept axis (collected/fig_sweep_<field>.png/pdf).)");

  unit = app.add_subcommand("run-unit", "Run one unit of a scenario's run (used by `run --jobs`).");
  unit->group("");  // internal: hidden from --help
  unit->add_option("scenario", scenario_file, "Scenario YAML file")->required();
  unit->add_option("--set", sets, "Override a field, as the parent run was given it")->take_all();
  unit->add_option("--unit", unit_index, "The unit (a closed loop's policy index)")->required();
  unit->add_option("--parts", unit_parts, "Directory for the unit's outputs")->required();

  task = app.add_subcommand("sweep-task", "Run one point of an expanded sweep (used by the backends).");
  task->group("");  // internal: hidden from --help
  task->add_option("dir", sweep_root, "Sweep result directory")->required();
  task->add_option("--index", point_index, "Point index (sweep.json)")->required();
  task->add_flag("--quiet,-q", quiet, "No progress output");
}

void Cli::add_reproduce(CLI::App& app) {
  reproduce =
      app.add_subcommand("reproduce", "Run every experiment of the paper that offloadsim reproduces, then REPORT.md.");
  reproduce->add_option("--out,-o", repro_out, "Result directory (default: results/reproduction/)")
      ->type_name("DIR")
      ->check(kNonEmpty);
  reproduce
      ->add_option("--only", repro.only,
                   "Run only these parts (repeatable): fig2_lidar, fig5_paper_code, "
                   "fig5_way_between, fig5_rl, hardware")
      ->take_all()
      ->check(CLI::IsMember({"fig2_lidar", "fig5_paper_code", "fig5_way_between", "fig5_rl", "hardware"}));
  reproduce->add_flag("--report-only", report_only, "Write the report from the parts already done, run nothing");
  reproduce->footer(R"(
Runs, one after the other, each part into <out>/<part>/ (its output in <out>/logs/<part>.log,
progress here every 15 s): the ROS LIDAR study (Fig. 2), Fig. 5 as the paper's code computes it,
the way from its protocol to ours, RL trained and evaluated with our protocol (Fig. 5/6), and the
real-video experiment. Then writes <out>/REPORT.md and <out>/report.html: every number of the
paper we reproduce beside ours, with its status (within tolerance, explained difference, not
reproduced) and the doc that explains it. About 30 minutes on 2 cores.

A part is done when its provenance.json exists: run the same command again after a stop (Ctrl-C,
a kill) and it skips the done parts and continues an interrupted RL training from its checkpoint.

Example:
  offloadsim reproduce                      # or: make reproduce
  offloadsim reproduce --only fig5_paper_code --only fig5_way_between)");
}

void Cli::add_live(CLI::App& app) {
  cloud = app.add_subcommand("cloud", "Serve a live scenario's cloud model over TCP (live mode).");
  cloud->add_option("scenario", cloud_opt.scenario, "Scenario YAML file of kind live")->required();
  cloud->add_option("--set", cloud_opt.overrides, "Override a field: key.path=value, repeatable")->take_all();
  cloud->add_option("--address", cloud_opt.address, "Address to listen on (default 127.0.0.1; 0.0.0.0: all)");
  cloud->add_option("--port", cloud_opt.port, "TCP port (default 0: any free port, see --port-file)")
      ->check(CLI::Range(0, 65535));
  cloud->add_option("--port-file", cloud_opt.port_file, "Write the port listened on to this file")->type_name("FILE");
  cloud->add_option("--stats", cloud_opt.stats_file, "Write the server's counters (JSON) here at exit")
      ->type_name("FILE");
  cloud
      ->add_option("--model", cloud_opt.model, "constant: answer label 0 at once (benchmarks); default: the scenario's")
      ->check(CLI::IsMember({"constant"}));
  cloud->add_option("--duration", cloud_opt.duration_s, "Stop after this many seconds (default: at Ctrl-C/SIGTERM)")
      ->check(CLI::Range(0.0, 1e7));
  cloud->footer(R"(
Answers requests with the scenario's cloud model: live.source video → the OpenCV cloud model
(video.cloud.*) on the JPEG frame; stream → the answer the robot's trace records. Limits from
live.*: max_connections, max_message_kb (checked before allocating), read_timeout_s; cloud.workers
threads run the model. One line per refused or dropped connection. Stops at Ctrl-C or SIGTERM.

Example:
  offloadsim cloud scenarios/live_loopback.yaml --port 7070)");

  robot = app.add_subcommand("robot", "Run one robot of a live scenario against a cloud (live mode).");
  robot->add_option("scenario", robot_opt.scenario, "Scenario YAML file of kind live")->required();
  robot->add_option("--set", robot_opt.overrides, "Override a field: key.path=value, repeatable")->take_all();
  robot->add_option("--index", robot_opt.index, "Which robot, 1 … robots.count (default 1)")
      ->check(CLI::Range(1, 1000));
  robot->add_option("--policy", robot_opt.policy, "A policy of eval.policies by name (default: the first)");
  robot->add_option("--cloud", robot_opt.cloud, "The cloud's HOST:PORT (default 127.0.0.1:7070)");
  robot->add_option("--out,-o", robot_opt.out_dir, "Directory for decisions.csv, queries.csv, summary.csv, robot.json")
      ->type_name("DIR");
  robot->add_option("--start-at", robot_opt.start_at_unix,
                    "Session start, Unix time in s (aligns robots; default now)");
  robot->footer(R"(
Decides about its frames (loop.fps, for run.duration_s) with the same agent as kind closed-loop,
sends its queries to the cloud with their deadlines, falls back on on-board or cached predictions
when the cloud is slow or gone, and reconnects with back-off. In video mode it needs the inputs a
kind live run prepared (live.inputs = <out>/inputs, set in <out>/inputs/scenario.yaml).

Example:
  offloadsim robot results/live_loopback/inputs/scenario.yaml --index 1 --cloud 127.0.0.1:7070 --out /tmp/r1)");

  emulate = app.add_subcommand("emulate", "Run a live scenario's ns-3 network in real time (used by kind live).");
  emulate->group("");  // internal: hidden from --help
  emulate->add_option("scenario", emulate_opt.scenario, "Scenario YAML file of kind live")->required();
  emulate->add_option("--ready", emulate_opt.ready_file, "Written when the network is up")->required();
  emulate->add_option("--lag", emulate_opt.lag_file, "Lag samples (CSV), written at exit")->required();
}

}  // namespace offloadsim::cli
