#include "sim/runners/rl_train.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "base/input_error.h"
#include "sim/runners/experiment.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {
namespace {

namespace fs = std::filesystem;

const std::string kPaperRl = std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/paper_rl.yaml";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// training.csv without its wall_s column (the one machine-dependent number).
std::string curve(const fs::path& csv) {
  std::istringstream in(slurp(csv));
  std::string line, out;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    for (size_t i = 0; i < f.size(); ++i) {
      if (i != 2) out += f[i] + ",";
    }
    out += "\n";
  }
  return out;
}

const std::vector<std::string> kTiny = {"train.env_steps=3000",
                                        "train.num_envs=4",
                                        "train.lstm_hidden=8",
                                        "train.fc_hidden=16",
                                        "eval.test_traces=2",
                                        "eval.calibration_traces=3",
                                        "eval.heuristic_percentiles=[30]",
                                        "eval.budgets=[0.1, 0.5]"};

fs::path run_into(const std::string& name, std::vector<std::string> sets, const fs::path& resume = {}) {
  const fs::path dir = fs::path(::testing::TempDir()) / name;
  if (resume.empty()) fs::remove_all(dir);
  sets.insert(sets.begin(), kTiny.begin(), kTiny.end());
  const Scenario sc = load_scenario(kPaperRl, sets);
  RunOptions opt;
  opt.out_dir = dir;
  opt.figures = false;
  opt.progress = false;
  opt.resume = resume;
  std::ostringstream out;
  run_scenario(sc, opt, out);
  return dir;
}

TEST(RlTrain, TrainsSavesAndEvaluatesTheSavedPolicy) {
  const fs::path dir = run_into("rl_e2e", {});
  for (const char* f : {"training.csv", "policy.pt", "policy.json", "checkpoint/model.pt", "checkpoint/trainer.json",
                        "episodes.csv", "summary.csv", "provenance.json", "scenario.resolved.yaml"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  EXPECT_EQ(slurp(dir / "training.csv")
                .rfind("update,env_steps,wall_s,mean_episode_reward,entropy,policy_loss,value_loss\n", 0),
            0u);
  const std::string summary = slurp(dir / "summary.csv");
  EXPECT_NE(summary.find("\nrl,rl,all,"), std::string::npos) << summary;
  EXPECT_NE(summary.find(",rl,1,"), std::string::npos);  // reference policy column
  EXPECT_NE(slurp(dir / "policy.json").find("\"feature_scales\""), std::string::npos);
  EXPECT_NE(slurp(dir / "provenance.json").find("\"policy_bytes\""), std::string::npos);
}

TEST(RlTrain, SameSeedSameCurve) {
  const fs::path a = run_into("rl_seed_a", {"train.evaluate=false"});
  const fs::path b = run_into("rl_seed_b", {"train.evaluate=false"});
  EXPECT_EQ(curve(a / "training.csv"), curve(b / "training.csv"));
  EXPECT_GT(curve(a / "training.csv").size(), 100u);
}

TEST(RlTrain, WallTimeLimitLeavesAResumableCheckpoint) {
  const fs::path straight = run_into("rl_straight", {"train.evaluate=false"});
  // Stop after the first round (a zero-second limit is checked after each round).
  const fs::path dir = run_into("rl_resumed", {"train.evaluate=false", "train.wall_time_limit=1e-9"});
  EXPECT_TRUE(fs::exists(dir / "checkpoint" / "trainer.json"));
  EXPECT_TRUE(fs::exists(dir / "policy.pt"));  // a usable policy, even when stopped early
  EXPECT_NE(curve(dir / "training.csv"), curve(straight / "training.csv"));
  run_into("rl_resumed", {"train.evaluate=false"}, dir / "checkpoint");
  EXPECT_EQ(curve(dir / "training.csv"), curve(straight / "training.csv"));
}

// Issue 18, point 6: a resume continues the same training or is refused, naming the field.
TEST(RlTrain, ResumeUnderOtherTrainingSettingsIsRefusedNamingTheField) {
  const fs::path dir = run_into("rl_resume_lr", {"train.evaluate=false", "train.wall_time_limit=1e-9"});
  try {
    run_into("rl_resume_lr", {"train.evaluate=false", "train.learning_rate=0.05"}, dir / "checkpoint");
    FAIL() << "a resume with another learning rate was accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.field(), "train.learning_rate");
    EXPECT_EQ(e.file(), (dir / "checkpoint" / "scenario.yaml").string());
  }
  // What may change: how long to go on, and what happens after training.
  run_into("rl_resume_lr", {"train.evaluate=false", "train.env_steps=4000", "train.wall_time_limit=0"},
           dir / "checkpoint");
}

// Issue 18, point 10: what a run killed while saving a checkpoint leaves (checkpoint.partial-PID/)
// is removed by the next run into the directory, here the resume that follows the hint.
TEST(RlTrain, AKilledRunsPartialCheckpointIsRemovedByTheNextRun) {
  const fs::path dir = run_into("rl_killed", {"train.evaluate=false", "train.wall_time_limit=1e-9"});
  fs::copy(dir / "checkpoint", dir / "checkpoint.partial-424242");
  run_into("rl_killed", {"train.evaluate=false", "train.wall_time_limit=1e-9"}, dir / "checkpoint");
  EXPECT_FALSE(fs::exists(dir / "checkpoint.partial-424242"));
  EXPECT_TRUE(fs::exists(dir / "checkpoint" / "trainer.json"));
}

// Issue 18, point 6: the hint to continue is the command that was run, overrides and all.
TEST(RlTrain, ResumeHintRepeatsTheWholeCommand) {
  const fs::path dir = fs::path(::testing::TempDir()) / "rl_hint";
  fs::remove_all(dir);
  std::vector<std::string> sets = kTiny;
  sets.insert(sets.end(), {"train.evaluate=false", "train.wall_time_limit=1e-9", "stream.p_known=0.6"});
  RunOptions opt;
  opt.out_dir = dir;
  opt.figures = false;
  opt.progress = false;
  opt.command_line = {"offloadsim",         "run",   "paper_rl.yaml",           "--set",
                      "stream.p_known=0.6", "--set", "eval.budgets=[0.1, 0.5]", "--resume",
                      "old/checkpoint"};
  std::ostringstream out;
  run_scenario(load_scenario(kPaperRl, sets), opt, out);
  EXPECT_NE(out.str().find("continue with:\n  offloadsim run paper_rl.yaml --set stream.p_known=0.6 --set "
                           "'eval.budgets=[0.1, 0.5]' --resume " +
                           (dir / "checkpoint").string() + "\n"),
            std::string::npos)
      << out.str();
}

// Issue 18, points 7 and 8: damaged or tampered checkpoint files are input errors naming the file.
TEST(RlTrain, DamagedCheckpointFilesAreInputErrorsNamingTheFile) {
  const fs::path dir = run_into("rl_damaged", {"train.evaluate=false", "train.wall_time_limit=1e-9"});
  const fs::path good = dir / "checkpoint";
  auto damaged = [&](const std::string& name, const std::string& file,
                     const std::function<void(const fs::path&)>& harm) {
    const fs::path copy = dir.parent_path() / ("rl_damaged_" + name);
    fs::remove_all(copy);
    fs::copy(good, copy);
    harm(copy / file);
    try {
      run_into("rl_damaged_out", {"train.evaluate=false"}, copy);
      ADD_FAILURE() << name << " was accepted";
    } catch (const base::InputError& e) {
      EXPECT_EQ(e.file(), (copy / file).string()) << name << ": " << e.what();
      return std::string(e.what());
    }
    return std::string();
  };
  damaged("truncated", "model.pt", [](const fs::path& f) { fs::resize_file(f, fs::file_size(f) / 2); });
  damaged("empty_json", "trainer.json", [](const fs::path& f) { std::ofstream{f}; });
  auto edit = [](const std::string& key, const std::string& value) {
    return [=](const fs::path& f) {
      std::string text = slurp(f);
      const size_t at = text.find("\"" + key + "\":");
      ASSERT_NE(at, std::string::npos) << key;
      const size_t begin = text.find(':', at) + 1, end = text.find_first_of(",\n}", begin);
      text.replace(begin, end - begin, value);
      std::ofstream(f) << text;
    };
  };
  EXPECT_NE(damaged("negative_steps", "trainer.json", edit("env_steps", "-5")).find("env_steps: is negative"),
            std::string::npos);
  EXPECT_NE(damaged("negative_round", "trainer.json", edit("round", "-1")).find("round: is negative"),
            std::string::npos);
  // Issue 33, item 8: 2^63 wrapped to a negative number and was reported "is negative".
  EXPECT_NE(damaged("huge_steps", "trainer.json", edit("env_steps", "9223372036854775808"))
                .find("env_steps: 9223372036854775808 is too large"),
            std::string::npos);
}

TEST(RlTrain, OffloadEvalRefusesBareRl) {
  const fs::path path = fs::path(::testing::TempDir()) / "bare_rl.yaml";
  std::ofstream(path) << "schema: 1\nkind: offload-eval\neval:\n  policies: [rl, oracle]\n";
  try {
    check_scenario(load_scenario(path.string()));
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.issues().front().key, "eval.policies");
    EXPECT_EQ(e.issues().front().line, 4);
  }
}

}  // namespace
}  // namespace offloadsim::sim
