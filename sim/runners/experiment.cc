#include "sim/runners/experiment.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/mdp/offload_mdp.h"
#include "agents/policies/oracle_policy.h"
#include "agents/streams/facenet_table.h"
#include "agents/streams/synthetic_stream.h"
#include "agents/streams/trace_csv.h"
#include "base/input_error.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/output_lock.h"
#include "sim/io/progress.h"
#include "sim/io/provenance.h"
#include "sim/io/run_journal.h"
#include "sim/runners/closed_loop_run.h"
#include "sim/runners/congestion_traces.h"
#include "sim/runners/live_run.h"
#include "sim/runners/network_study.h"
#include "sim/runners/offload_eval.h"
#include "sim/runners/perception_timing.h"
#include "sim/runners/rl_train.h"
#include "sim/runners/surrogate_check.h"
#include "sim/runners/surrogate_train.h"
#include "sim/runners/video_traces.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

void check_offload_eval(const Scenario& sc) {
  const OffloadEvalConfig cfg = offload_eval_config(sc);
  std::vector<agents::Trace> test;  // the test traces, or for a synthetic stream one like them
  if (cfg.source == "synthetic") {
    // The table must have the people both splits draw from (for rl-train, before hours of training).
    const agents::FacenetTable table = agents::FacenetTable::load(cfg.table);
    for (const std::string& split : {cfg.train_split, cfg.test_split}) {
      const agents::SyntheticStream stream(table, synthetic_stream_params(cfg, split));
      test = {stream.generate(0, "check")};
    }
  }
  if (cfg.source == "traces") {
    test = load_traces(cfg, cfg.test_traces_file);
    if (!cfg.train_traces_file.empty()) load_traces(cfg, cfg.train_traces_file);
  }
  check_saved_policies(sc, agents::observation_feature_names(test.front(), cfg.mdp));
  // The exact oracle's memory grows with the square of the episode: refuse what it cannot hold now,
  // not after the other policies have run.
  if (std::find(cfg.policies.begin(), cfg.policies.end(), "oracle") != cfg.policies.end()) {
    const double largest = *std::max_element(cfg.budgets.begin(), cfg.budgets.end());
    for (const agents::Trace& t : test) {
      const std::size_t need = agents::oracle_memory_bytes(t, agents::budget_queries(largest, t.horizon()));
      if (need > agents::kOracleMemoryLimit) {
        throw sc.error("eval.policies",
                       fmt::format("the exact oracle would need {:.1f} GiB for trace '{}' ({} frames) at budget {}, "
                                   "more than its limit of {:.0f} GiB (docs/limits.md): use shorter traces, smaller "
                                   "budgets, or leave the oracle out",
                                   static_cast<double>(need) / (1 << 30), t.id, t.horizon(), largest,
                                   static_cast<double>(agents::kOracleMemoryLimit) / (1 << 30)));
      }
    }
  }
}

void check_rl_train(const Scenario& sc) {
  offload_eval_config(sc);
  trainer_options(sc);
  if (sc.text("stream.source") == "traces" && sc.text("stream.train_traces").empty()) {
    throw sc.error("stream.train_traces", "required for rl-train with stream.source 'traces'");
  }
  check_offload_eval(sc);
}

void check_video(const Scenario& sc) {
  const auto& edges = sc.numbers("video.crowd_edges");
  if (!std::is_sorted(edges.begin(), edges.end())) throw sc.error("video.crowd_edges", "must be increasing");
  if (!sc.text("video.labels").empty()) agents::read_frame_labels(sc.text("video.labels"));
}

void check_hardware(const Scenario& sc) {
  trainer_options(sc);
  check_video(sc);
  if (!sc.flag("train.evaluate")) {
    throw sc.error("train.evaluate", "the hardware experiment is the evaluation: it cannot skip it");
  }
}

void run_offload_eval_kind(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  run_offload_eval_outputs(sc, offload_eval_config(sc), opt, out, rec);
}

}  // namespace

const std::vector<ExperimentKind>& experiment_kinds() {
  static const std::vector<ExperimentKind> kinds = {
      {"offload-eval", "the paper's evaluation protocol: every policy on the same test traces at every budget",
       check_offload_eval, run_offload_eval_kind},
      {"rl-train", "trains the paper's A2C + LSTM offloading policy, saves it (TorchScript) and evaluates it",
       check_rl_train, run_rl_train},
      {"video-traces", "turns real video (OpenCV perception) or the paper's video traces into train/test trace CSVs",
       check_video, run_video_traces},
      {"perception-timing",
       "times the robot and cloud models (OpenCV) per frame size on an idle machine: the closed loop's service times",
       check_perception_timing, run_perception_timing},
      {"hardware-experiment",
       "the paper's hardware experiment on real video: traces, RL training, evaluation against thresholds",
       check_hardware, run_hardware_experiment},
      {"network-study",
       "the paper's ROS LIDAR bandwidth study (Fig. 2) in ns-3: a VLP-16 over TCPROS under its four conditions",
       check_network_scenario, run_network_study, network_study_unit},
      {"network-run",
       "robots streaming LIDAR and/or video over ns-3 WiFi or LTE with background traffic: goodput, latency, drops",
       check_network_run, run_network_run},
      {"closed-loop",
       "robots running their offload agents inside an ns-3 WiFi or LTE network: queries cross it, budget and price "
       "come from measured congestion",
       check_closed_loop, run_closed_loop_kind, closed_loop_unit},
      {"congestion-traces",
       "what the network does to robots' queries, over a grid of networks, robots per cell and background "
       "load: the closed loop with scripted query rates, one row per frame (the congestion surrogate's data)",
       check_congestion_traces, run_congestion_traces},
      {"surrogate-check",
       "does the congestion surrogate match ns-3? Per condition of the traces grid, the same policies, streams and "
       "seeds in both: latency percentiles and the policies' ranking by reward",
       check_surrogate_check, run_surrogate_check},
      {"surrogate-train",
       "the paper's A2C + LSTM trained in the congestion surrogate of the traces grid's cells, seeing the network "
       "(loop.network_features) or the paper's state; a policy for {rl: policy.pt} in the closed loop",
       check_surrogate_train, run_surrogate_train},
      {"live",
       "the offload agent as real processes: a cloud server and N robots over TCP sockets (Boost.Asio), on "
       "loopback or across an ns-3 network in real time, beside the same scenario simulated",
       check_live, run_live_kind},
  };
  return kinds;
}

const ExperimentKind& experiment_kind(const std::string& name) {
  for (const ExperimentKind& k : experiment_kinds()) {
    if (k.name == name) return k;
  }
  throw std::logic_error("no runner for kind " + name);
}

void check_scenario(const Scenario& sc) {
  experiment_kind(sc.kind()).check(sc);
}

void run_scenario(const Scenario& sc, const RunOptions& opt, std::ostream& out) {
  const ExperimentKind& kind = experiment_kind(sc.kind());
  kind.check(sc);
  // One run per directory: a second one is refused before it writes anything. Under the lock no
  // other writer is at work here, so every temporary is an interrupted run's: remove them.
  const DirectoryLock lock(opt.out_dir, "--out");
  remove_partial_files(opt.out_dir);
  std::vector<std::string> unfinished;
  RunJournal journal(opt.out_dir, &unfinished);  // until finish(): a failure removes what this run wrote
  for (const std::string& name : unfinished) {
    fmt::print(out, "removed {}: left by an earlier run that did not finish\n", name);
  }

  RunRecord rec;
  rec.scenario_file = fs::absolute(sc.file()).lexically_normal().string();
  rec.scenario_name = sc.name();
  rec.kind = sc.kind();
  rec.seed = sc.seed();
  rec.overrides = opt.overrides;
  rec.command_line = opt.command_line;
  rec.start = std::chrono::system_clock::now();
  for (const auto& [key, value] : opt.notes.items()) rec.notes[key] = value;
  fmt::print(out, "offloadsim {} ({}) — {} '{}', seed {}, results in {}\n", offloadsim_version(), git_revision(),
             sc.kind(), sc.name(), sc.seed(), opt.out_dir.string());
  out.flush();  // before progress lines appear on stderr

  kind.run(sc, opt, out, rec);
  check_interrupt();  // a stop requested while the last files or figures were written: no provenance

  write_file_atomically(opt.out_dir / "scenario.resolved.yaml", sc.to_yaml());
  rec.outputs.push_back("scenario.resolved.yaml");
  rec.end = std::chrono::system_clock::now();
  rec.outputs.push_back("provenance.json");
  for (const auto& name : remove_stale_outputs(opt.out_dir, rec.outputs)) {
    fmt::print(out, "removed {}: an earlier run's result that this run does not produce\n", name);
  }
  write_file_atomically(opt.out_dir / "provenance.json", provenance_json(rec).dump(2) + "\n");
  journal.finish();
  fmt::print(out, "wrote {} files to {} in {}\n", rec.outputs.size(), opt.out_dir.string(),
             format_duration(std::chrono::duration<double>(rec.end - rec.start).count()));
}

}  // namespace offloadsim::sim
