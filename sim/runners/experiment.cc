#include "sim/runners/experiment.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "agents/streams/trace_csv.h"
#include "sim/io/atomic_file.h"
#include "sim/io/progress.h"
#include "sim/io/provenance.h"
#include "sim/runners/offload_eval.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

namespace {

// Runs analysis/<script> on the result directory. The script reads the CSVs only.
void draw_figures(const std::string& script, const fs::path& dir) {
  const fs::path path = fs::path(OFFLOADSIM_SOURCE_DIR) / "analysis" / script;
  const std::string cmd = fmt::format("'{}' '{}' '{}'", OFFLOADSIM_PYTHON, path.string(), dir.string());
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    throw std::runtime_error(fmt::format(
        "drawing figures failed ({} exited with status {}); the CSVs in {} are complete", script, rc, dir.string()));
  }
}

void run_offload_eval_kind(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  const OffloadEvalConfig cfg = offload_eval_config(sc);
  std::unique_ptr<Progress> progress;
  ProgressHooks hooks;
  if (opt.progress) {
    hooks.start = [&](size_t total) { progress = std::make_unique<Progress>("offload-eval", total); };
    hooks.advance = [&] { progress->advance(); };
  }
  const OffloadEvalResult result = run_offload_eval(cfg, hooks);
  if (progress) progress->finish();

  {
    AtomicFile f(opt.out_dir / "episodes.csv");
    write_episodes_csv(f.stream(), result.episodes);
    f.commit();
  }
  {
    AtomicFile f(opt.out_dir / "summary.csv");
    write_summary_csv(f.stream(), result.summary, result.reference_policy);
    f.commit();
  }
  {
    AtomicFile f(opt.out_dir / "test_traces.csv");
    agents::write_traces_csv(f.stream(), result.test_traces);
    f.commit();
  }
  rec.outputs.insert(rec.outputs.end(), {"episodes.csv", "summary.csv", "test_traces.csv"});
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_offload_eval.py", opt.out_dir);
    for (const char* f : {"fig_reward_boxplot", "fig_loss_cost"}) {
      rec.outputs.push_back(std::string(f) + ".png");
      rec.outputs.push_back(std::string(f) + ".pdf");
    }
  }
  fmt::print(out, "\n{}", format_summary_table(result));
}

}  // namespace

void check_scenario(const Scenario& sc) {
  if (sc.kind() == "offload-eval") {
    const OffloadEvalConfig cfg = offload_eval_config(sc);
    if (cfg.source == "traces") {
      agents::read_traces_csv(cfg.test_traces_file);
      if (!cfg.train_traces_file.empty()) agents::read_traces_csv(cfg.train_traces_file);
    }
    return;
  }
  throw std::logic_error("no runner for kind " + sc.kind());
}

void run_scenario(const Scenario& sc, const RunOptions& opt, std::ostream& out) {
  check_scenario(sc);
  std::error_code ec;
  fs::create_directories(opt.out_dir, ec);
  if (ec) throw std::runtime_error("cannot create output directory " + opt.out_dir.string() + ": " + ec.message());

  RunRecord rec;
  rec.scenario_file = fs::absolute(sc.file()).lexically_normal().string();
  rec.scenario_name = sc.name();
  rec.kind = sc.kind();
  rec.seed = sc.seed();
  rec.overrides = opt.overrides;
  rec.command_line = opt.command_line;
  rec.start = std::chrono::system_clock::now();
  fmt::print(out, "offloadsim {} ({}) — {} '{}', seed {}, results in {}\n", offloadsim_version(), git_revision(),
             sc.kind(), sc.name(), sc.seed(), opt.out_dir.string());
  out.flush();  // before progress lines appear on stderr

  if (sc.kind() == "offload-eval") run_offload_eval_kind(sc, opt, out, rec);

  write_file_atomically(opt.out_dir / "scenario.resolved.yaml", sc.to_yaml());
  rec.outputs.push_back("scenario.resolved.yaml");
  rec.end = std::chrono::system_clock::now();
  rec.outputs.push_back("provenance.json");
  write_file_atomically(opt.out_dir / "provenance.json", provenance_json(rec).dump(2) + "\n");
  fmt::print(out, "wrote {} files to {} in {}\n", rec.outputs.size(), opt.out_dir.string(),
             format_duration(std::chrono::duration<double>(rec.end - rec.start).count()));
}

}  // namespace offloadsim::sim
