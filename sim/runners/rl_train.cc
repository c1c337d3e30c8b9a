#include "sim/runners/rl_train.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include <chrono>
#include <memory>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "agents/learning/rl_policy.h"
#include "agents/learning/training_traces.h"
#include "agents/streams/facenet_table.h"
#include "agents/streams/trace_csv.h"
#include "base/input_error.h"
#include "sim/io/atomic_file.h"
#include "sim/io/interrupt.h"
#include "sim/io/progress.h"
#include "sim/io/run_journal.h"
#include "sim/io/shell_quote.h"
#include "sim/runners/figures.h"
#include "sim/runners/offload_eval.h"
#include "sim/scenario/schema.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {

agents::TrainerOptions trainer_options(const Scenario& sc) {
  agents::TrainerOptions o;
  o.num_envs = static_cast<int>(sc.integer("train.num_envs"));
  o.n_steps = static_cast<int>(sc.integer("train.n_steps"));
  o.total_env_steps = sc.integer("train.env_steps");
  o.budgets = sc.numbers("train.budgets");
  o.reward_scale = sc.number("train.reward_scale");
  o.seed = sc.seed();
  o.network.lstm_hidden = sc.integer("train.lstm_hidden");
  o.network.fc_hidden = sc.integer("train.fc_hidden");
  o.a2c.optimizer = sc.text("train.optimizer");
  o.a2c.learning_rate = sc.number("train.learning_rate");
  o.a2c.gamma = sc.number("train.gamma");
  o.a2c.entropy_coef = sc.number("train.entropy_coef");
  o.entropy_coef_final = sc.number("train.entropy_final");
  o.a2c.value_coef = sc.number("train.value_coef");
  o.a2c.max_grad_norm = sc.number("train.max_grad_norm");
  return o;
}

void write_training_csv(std::ostream& out, const std::vector<agents::TrainingRow>& rows) {
  out << "update,env_steps,wall_s,mean_episode_reward,entropy,policy_loss,value_loss\n";
  for (const auto& r : rows) {
    fmt::print(out, "{},{},{:.3f},{},{},{},{}\n", r.update, r.env_steps, r.wall_s, r.mean_episode_reward, r.entropy,
               r.policy_loss, r.value_loss);
  }
}

namespace {

// The checkpoint's copy of the scenario it was trained under (resume compares against it).
constexpr const char* kCheckpointScenario = "scenario.yaml";

// Writes the checkpoint into DIR/checkpoint atomically: a fresh directory is filled, then
// exchanged with the old one in one step (renameat2 RENAME_EXCHANGE), so that at every instant
// DIR/checkpoint is a complete checkpoint; a killed run leaves at most a checkpoint.partial-PID,
// which the next run into DIR removes.
void write_checkpoint(const agents::A2CTrainer& trainer, const Scenario& sc, const fs::path& out_dir) {
  const fs::path final_dir = out_dir / "checkpoint";
  const fs::path tmp = out_dir / fmt::format("checkpoint.partial-{}", ::getpid());
  RunJournal::keep(final_dir);  // for --resume, even when the run stops
  fs::remove_all(tmp);
  trainer.save_checkpoint(tmp.string());
  write_file_atomically(tmp / kCheckpointScenario, sc.to_yaml());
  if (!fs::exists(final_dir)) {
    fs::rename(tmp, final_dir);
    return;
  }
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_EXCHANGE) != 0) {
    throw std::runtime_error(fmt::format("cannot replace {}: {}", final_dir.string(), std::strerror(errno)));
  }
  fs::remove_all(tmp);  // now the previous checkpoint
}

// Training settings that may differ when a run resumes: how long to go on, how often to save, and
// what to do after training. Every other field must be as the checkpoint was trained.
bool may_change_on_resume(const std::string& path) {
  static const std::set<std::string> fields = {
      "name",           "train.env_steps", "train.wall_time_limit", "train.checkpoint_every",
      "train.evaluate", "train.threads",   "stream.test_traces",    "stream.test_split"};
  return fields.count(path) > 0 || path.rfind("eval.", 0) == 0 || path.rfind("output.", 0) == 0;
}

// Refuses (exit 2, naming the field) a resume under other training settings than the checkpoint's.
void check_resume_settings(const Scenario& sc, const fs::path& checkpoint) {
  const fs::path file = checkpoint / kCheckpointScenario;
  if (!fs::exists(file)) {
    throw base::InputError(file.string(), 0, "",
                           "missing: the checkpoint does not say which settings it was trained with (it was "
                           "written by an offloadsim before 2026-11-30, or is not a checkpoint)");
  }
  const Scenario then = load_scenario(file.string());
  for (const FieldSpec& f : scenario_schema()) {
    if (!f.applies_to(sc.kind()) || may_change_on_resume(f.path)) continue;
    if (sc.get(f.path) != then.get(f.path)) {
      throw base::InputError(
          file.string(), 0, f.path,
          fmt::format("the checkpoint was trained with {}, this run has {}{}: resuming would not "
                      "continue the same training (set it back, or start a new run without "
                      "--resume)",
                      format_value(then.get(f.path)), format_value(sc.get(f.path)), sc.given_by(f.path)));
    }
  }
}

// The command that continues this run: the same one, with --resume pointing at its checkpoint.
std::string resume_command(const RunOptions& opt) {
  std::vector<std::string> args;
  for (size_t i = 0; i < opt.command_line.size(); ++i) {
    const std::string& a = opt.command_line[i];
    if (a == "--resume") {
      ++i;  // and its value
      continue;
    }
    if (a.rfind("--resume=", 0) == 0) continue;
    args.push_back(a);
  }
  if (args.empty()) args = {"offloadsim", "run"};
  args.push_back("--resume");
  args.push_back((opt.out_dir / "checkpoint").string());
  std::string cmd;
  for (const std::string& a : args) cmd += (cmd.empty() ? "" : " ") + shell_word(a);
  return cmd;
}

void write_policy(const agents::A2CTrainer& trainer, const Scenario& sc, const std::vector<std::string>& features,
                  const agents::MdpParams& mdp, const fs::path& out_dir, const std::string& stop_reason) {
  const fs::path pt = out_dir / "policy.pt";
  const fs::path tmp = out_dir / fmt::format("policy.pt.partial-{}", ::getpid());
  agents::save_torchscript_policy(trainer.network(), tmp.string());
  nlohmann::json side = agents::policy_sidecar(trainer.network()->options(), trainer.normalizer(), features, mdp);
  side["policy_file"] = agents::policy_file_fingerprint(tmp.string());
  side["training"] = {{"seed", sc.seed()},
                      {"updates", trainer.updates()},
                      {"env_steps", trainer.env_steps()},
                      {"stopped", stop_reason},
                      {"offloadsim_version", offloadsim_version()},
                      {"git_revision", git_revision()},
                      {"scenario", sc.to_yaml()}};
  write_file_atomically(out_dir / "policy.json", side.dump(2) + "\n");
  RunJournal::note(pt);
  fs::rename(tmp, pt);
}

}  // namespace

void run_rl_train(const Scenario& sc, const RunOptions& opt, std::ostream& out, RunRecord& rec) {
  OffloadEvalConfig eval = offload_eval_config(sc);
  agents::TrainerOptions topt = trainer_options(sc);
  torch::set_num_threads(static_cast<int>(sc.integer("train.threads")));

  // Training episodes: the TRAIN split of the synthetic stream, or a training trace file.
  std::unique_ptr<agents::FacenetTable> table;
  std::unique_ptr<agents::TrainingTraces> traces;
  if (eval.source == "synthetic") {
    table = std::make_unique<agents::FacenetTable>(agents::FacenetTable::load(eval.table));
    agents::SyntheticStreamParams p;
    p.horizon = eval.horizon;
    p.coherence_mean = eval.coherence_mean;
    p.p_known = eval.p_known;
    p.redraw_every = eval.redraw_every;
    p.split = eval.train_split;
    p.descriptors = eval.mdp.store_distances;
    traces = std::make_unique<agents::SyntheticTrainingTraces>(*table, p, sc.seed());
  } else {
    traces = std::make_unique<agents::FileTrainingTraces>(load_traces(eval, eval.train_traces_file), sc.seed());
  }
  // Feature scales from a sample of training episodes (never from test traces).
  std::vector<agents::Trace> sample;
  for (std::uint64_t k = 0; k < 200; ++k) sample.push_back(traces->draw(k));
  const std::vector<std::string> features = agents::observation_feature_names(sample.front(), eval.mdp);
  agents::A2CTrainer trainer(topt, eval.mdp, *traces, agents::StateNormalizer::fit(sample, eval.mdp.store_distances));
  if (!opt.resume.empty()) {
    if (opt.resume.filename().string().find(".partial") != std::string::npos) {
      throw base::InputError(opt.resume.string(), 0, "",
                             "is an unfinished checkpoint that a stopped run left behind; resume from the directory's "
                             "checkpoint/");
    }
    check_resume_settings(sc, opt.resume);
    trainer.load_checkpoint(opt.resume.string());
    fmt::print(out, "resumed from {} at {} env steps ({} updates)\n", opt.resume.string(), trainer.env_steps(),
               trainer.updates());
  }

  const double wall_limit = sc.number("train.wall_time_limit");
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t checkpoint_every = sc.integer("train.checkpoint_every");
  std::unique_ptr<Progress> progress;
  if (opt.progress) {
    progress = std::make_unique<Progress>("rl-train (env steps)", static_cast<size_t>(topt.total_env_steps));
    progress->advance(static_cast<size_t>(trainer.env_steps()));
  }
  std::int64_t last_steps = trainer.env_steps();
  std::string stop_reason = "completed";
  auto should_stop = [&] {
    if (interrupt_requested()) {
      stop_reason = "interrupted";
      return true;
    }
    if (wall_limit > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= wall_limit) {
      stop_reason = "wall_time_limit";
      return true;
    }
    return false;
  };
  auto on_round = [&](const agents::TrainingRow& row) {
    if (progress) progress->advance(static_cast<size_t>(row.env_steps - last_steps));
    last_steps = row.env_steps;
    if (trainer.rounds() % checkpoint_every == 0) write_checkpoint(trainer, sc, opt.out_dir);
  };
  trainer.train(should_stop, on_round);
  if (progress && stop_reason == "completed") progress->finish();

  write_checkpoint(trainer, sc, opt.out_dir);
  {
    AtomicFile f(opt.out_dir / "training.csv");
    write_training_csv(f.stream(), trainer.history());
    f.commit();
  }
  rec.outputs.insert(rec.outputs.end(), {"checkpoint/", "training.csv"});
  if (opt.figures && sc.flag("output.figures")) {
    draw_figures("plot_training.py", opt.out_dir);
    rec.outputs.insert(rec.outputs.end(), {"fig_training.png", "fig_training.pdf"});
  }
  const agents::TrainingRow last = trainer.history().empty() ? agents::TrainingRow{} : trainer.history().back();
  fmt::print(out, "\ntraining {}: {} env steps, {} updates, {:.0f} s; last round's mean episode reward {:.2f}\n",
             stop_reason, trainer.env_steps(), trainer.updates(), last.wall_s, last.mean_episode_reward);
  if (stop_reason == "interrupted") {
    fmt::print(out, "checkpoint in {}; continue with:\n  {}\n", (opt.out_dir / "checkpoint").string(),
               resume_command(opt));
    throw Interrupted();
  }

  write_policy(trainer, sc, features, eval.mdp, opt.out_dir, stop_reason);
  rec.outputs.insert(rec.outputs.end(), {"policy.pt", "policy.json"});
  const auto bytes = fs::file_size(opt.out_dir / "policy.pt");
  fmt::print(out, "saved policy {} ({:.2f} MB TorchScript; the paper's was 1.5 MB) and its sidecar policy.json\n",
             (opt.out_dir / "policy.pt").string(), static_cast<double>(bytes) / 1e6);
  rec.notes["policy_bytes"] = bytes;
  rec.notes["training_stopped"] = stop_reason;
  if (stop_reason == "wall_time_limit") {
    fmt::print(out, "stopped at the wall-time limit; continue with:\n  {}\n", resume_command(opt));
    return;
  }

  if (sc.flag("train.evaluate")) {
    for (std::string& p : eval.policies) {
      if (p == "rl") p = "rl:" + fs::absolute(opt.out_dir / "policy.pt").string();
    }
    run_offload_eval_outputs(sc, eval, opt, out, rec);
  }
}

}  // namespace offloadsim::sim
