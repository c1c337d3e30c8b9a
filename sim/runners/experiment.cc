#include "sim/runners/experiment.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/streams/input_error.h"
#include "agents/streams/trace_csv.h"
#include "sim/io/atomic_file.h"
#include "sim/io/progress.h"
#include "sim/io/provenance.h"
#include "sim/runners/network_study.h"
#include "sim/runners/offload_eval.h"
#include "sim/runners/rl_train.h"
#include "sim/runners/video_traces.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

void check_scenario(const Scenario& sc) {
  if (sc.kind() == "offload-eval" || sc.kind() == "rl-train") {
    const OffloadEvalConfig cfg = offload_eval_config(sc);
    if (sc.kind() == "rl-train") {
      trainer_options(sc);
      if (cfg.source == "traces" && cfg.train_traces_file.empty()) {
        throw sc.error("stream.train_traces", "required for rl-train with stream.source 'traces'");
      }
    }
    if (cfg.source == "traces") {
      agents::read_traces_csv(cfg.test_traces_file);
      if (!cfg.train_traces_file.empty()) agents::read_traces_csv(cfg.train_traces_file);
    }
    return;
  }
  if (sc.kind() == "video-traces" || sc.kind() == "hardware-experiment") {
    if (sc.kind() == "hardware-experiment") trainer_options(sc);
    const auto& edges = sc.numbers("video.crowd_edges");
    if (!std::is_sorted(edges.begin(), edges.end())) throw sc.error("video.crowd_edges", "must be increasing");
    if (!sc.text("video.labels").empty()) agents::read_frame_labels(sc.text("video.labels"));
    return;
  }
  if (sc.kind() == "network-study" || sc.kind() == "network-run") {
    check_network_scenario(sc);
    return;
  }
  throw std::logic_error("no runner for kind " + sc.kind());
}

void run_scenario(const Scenario& sc, const RunOptions& opt, std::ostream& out) {
  check_scenario(sc);
  std::error_code ec;
  fs::create_directories(opt.out_dir, ec);
  if (ec || !fs::is_directory(opt.out_dir, ec)) {
    throw agents::InputError(opt.out_dir.string(), 0, "",
                             "cannot be used as the result directory (--out): " +
                                 (ec ? ec.message() : std::string("a file of that name exists")));
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

  if (sc.kind() == "offload-eval") run_offload_eval_outputs(sc, offload_eval_config(sc), opt, out, rec);
  if (sc.kind() == "rl-train") run_rl_train(sc, opt, out, rec);
  if (sc.kind() == "video-traces") run_video_traces(sc, opt, out, rec);
  if (sc.kind() == "hardware-experiment") run_hardware_experiment(sc, opt, out, rec);
  if (sc.kind() == "network-study") run_network_study(sc, opt, out, rec);
  if (sc.kind() == "network-run") run_network_run(sc, opt, out, rec);

  write_file_atomically(opt.out_dir / "scenario.resolved.yaml", sc.to_yaml());
  rec.outputs.push_back("scenario.resolved.yaml");
  rec.end = std::chrono::system_clock::now();
  rec.outputs.push_back("provenance.json");
  for (const auto& name : remove_stale_outputs(opt.out_dir, rec.outputs)) {
    fmt::print(out, "removed {}: an earlier run's result that this run does not produce\n", name);
  }
  write_file_atomically(opt.out_dir / "provenance.json", provenance_json(rec).dump(2) + "\n");
  fmt::print(out, "wrote {} files to {} in {}\n", rec.outputs.size(), opt.out_dir.string(),
             format_duration(std::chrono::duration<double>(rec.end - rec.start).count()));
}

}  // namespace offloadsim::sim
