#include "sim/runners/video_traces.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "agents/streams/trace_csv.h"
#include "base/csv_table.h"
#include "base/input_error.h"
#include "run_fixtures.h"
#include "sim/io/interrupt.h"
#include "sim/runners/experiment.h"

namespace offloadsim::sim {
namespace {

namespace fs = std::filesystem;

const std::string kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

using fixtures::run_into;
using fixtures::slurp;
using fixtures::write_temp;

TEST(Spearman, KnownValues) {
  EXPECT_NEAR(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0, 1e-12);
  EXPECT_NEAR(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0, 1e-12);
  // Ties get average ranks: x ranks 1.5 1.5 3 4, y ranks 1 2 3 4 → ρ = 0.9486832980505138.
  EXPECT_NEAR(spearman({0, 0, 1, 2}, {1, 2, 3, 4}), 0.9486832980505138, 1e-12);
  EXPECT_TRUE(std::isnan(spearman({1, 1, 1}, {1, 2, 3})));
}

TEST(VideoTraces, PaperSourceSplitsBySegmentDeterministically) {
  const std::string file =
      write_temp("vt_paper.yaml",
                 "schema: 1\nkind: video-traces\nseed: 4\nvideo: {source: paper, segment_frames: 40, "
                 "test_fraction: 0.25}\n");
  const fs::path a = run_into(file, "vt_paper_a"), b = run_into(file, "vt_paper_b");
  const auto train = agents::read_traces_csv((a / "train_traces.csv").string());
  const auto test = agents::read_traces_csv((a / "test_traces.csv").string());
  ASSERT_FALSE(train.empty());
  ASSERT_FALSE(test.empty());
  std::set<std::string> ids;
  for (const auto& t : train) ids.insert(t.id);
  for (const auto& t : test) EXPECT_EQ(ids.count(t.id), 0u) << t.id << " is in both sets";
  const double share = static_cast<double>(test.size()) / static_cast<double>(train.size() + test.size());
  EXPECT_NEAR(share, 0.25, 0.02);
  for (const char* f : {"train_traces.csv", "test_traces.csv"}) EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  EXPECT_NE(slurp(a / "test_traces.csv"), slurp(run_into(file, "vt_paper_c", {"seed=5"}) / "test_traces.csv"));
}

TEST(VideoTraces, OpencvSourceOnRealVideo) {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing: install opencv-doc (scripts/install-deps)";
  const std::string file = write_temp("vt_cv.yaml",
                                      "schema: 1\nkind: video-traces\nvideo: {frame_step: 25, max_frames: 16, "
                                      "segment_frames: 4, test_fraction: 0.25}\n");
  const fs::path a = run_into(file, "vt_cv_a"), b = run_into(file, "vt_cv_b");
  const auto train = agents::read_traces_csv((a / "train_traces.csv").string());
  const auto test = agents::read_traces_csv((a / "test_traces.csv").string());
  EXPECT_EQ(train.size(), 3u);
  EXPECT_EQ(test.size(), 1u);
  EXPECT_EQ(train[0].feature_names, std::vector<std::string>{"frame_diff"});
  // frames.csv: every processed frame, each in exactly one trace; deterministic (no times in it).
  const base::CsvTable frames = base::CsvTable::read((a / "frames.csv").string());
  EXPECT_EQ(frames.rows(), 16u);
  EXPECT_EQ(frames.cell(1, frames.column("frame")), "25");
  EXPECT_EQ(slurp(a / "frames.csv"), slurp(b / "frames.csv"));
  EXPECT_EQ(slurp(a / "train_traces.csv"), slurp(b / "train_traces.csv"));
  EXPECT_TRUE(fs::exists(a / "timing.csv"));
}

TEST(VideoTraces, BadInputsAreNamed) {
  const std::string missing =
      write_temp("vt_missing.yaml", "schema: 1\nkind: video-traces\nvideo:\n  files: [no/such/video.avi]\n");
  try {
    load_scenario(missing);
    ADD_FAILURE() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.issues().front().key, "video.files");
    EXPECT_EQ(e.issues().front().line, 4);
    EXPECT_NE(e.issues().front().message.find("no/such/video.avi' not found"), std::string::npos);
  }
  const std::string not_video = write_temp("vt_not_video.avi", "plain text\n");
  const std::string bad =
      write_temp("vt_bad.yaml", "schema: 1\nkind: video-traces\nvideo:\n  files: [" + not_video + "]\n");
  EXPECT_THROW(run_into(bad, "vt_bad"), base::InputError);
  const std::string few =
      write_temp("vt_few.yaml", "schema: 1\nkind: video-traces\nvideo: {source: paper, segment_frames: 100000}\n");
  try {
    run_into(few, "vt_few");
    ADD_FAILURE() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.issues().front().key, "video.test_fraction");
  }
}

// A hardware experiment on the paper's traces small enough for a test (seconds).
const std::string kTinyHardware =
    "schema: 1\nkind: hardware-experiment\nhardware: {sources: [paper]}\n"
    "video: {segment_frames: 40}\ntrain: {env_steps: 200, num_envs: 4}\n"
    "eval: {budgets: [0.1], heuristic_thresholds: [0.5]}\n";

TEST(HardwareExperiment, ValidationModeHoldsOutTrainingSegmentsAndNeverTouchesTheTestOnes) {
  const std::string base = kTinyHardware;
  const fs::path test_run = run_into(write_temp("hw_test.yaml", base), "hw_test");
  const fs::path val_run = run_into(write_temp("hw_val.yaml", base), "hw_val", {"hardware.evaluate_on=validation"});
  auto ids = [](const fs::path& file) {
    std::set<std::string> out;
    for (const auto& t : agents::read_traces_csv(file.string())) out.insert(t.id);
    return out;
  };
  const std::set<std::string> test = ids(test_run / "paper" / "test_traces.csv"),
                              all_train = ids(test_run / "paper" / "train_traces.csv"),
                              train = ids(val_run / "paper" / "train_traces.csv"),
                              validation = ids(val_run / "paper" / "validation_traces.csv");
  ASSERT_FALSE(validation.empty());
  // The evaluation's own copy of the traces it played (offload-eval's test_traces.csv) is the validation set.
  EXPECT_EQ(ids(val_run / "paper" / "test_traces.csv"), validation);
  // Validation + training segments are exactly the test run's training segments; none is a test one.
  std::set<std::string> joined = train;
  for (const auto& id : validation) EXPECT_TRUE(joined.insert(id).second) << id << " is in both sets";
  EXPECT_EQ(joined, all_train);
  for (const auto& id : joined) EXPECT_EQ(test.count(id), 0u) << id;
  EXPECT_NEAR(static_cast<double>(validation.size()) / static_cast<double>(all_train.size()), 0.3, 0.03);
  const base::CsvTable cmp = base::CsvTable::read((val_run / "comparison.csv").string());
  EXPECT_EQ(cmp.cell(0, cmp.column("split")), "validation");
  EXPECT_NE(slurp(val_run / "paper" / "scenario.rl-train.yaml").find("validation_traces.csv"), std::string::npos);
}

TEST(HardwareExperiment, TrainingWindowsCoverOnlyTrainingFootage) {
  const std::string base = kTinyHardware;
  const fs::path plain = run_into(write_temp("hw_plain.yaml", base), "hw_plain");
  const fs::path windows =
      run_into(write_temp("hw_windows.yaml", base), "hw_windows", {"hardware.train_window_stride=10"});
  const auto segments = agents::read_traces_csv((plain / "paper" / "train_traces.csv").string());
  const auto episodes = agents::read_traces_csv((windows / "paper" / "train_traces.csv").string());
  EXPECT_GT(episodes.size(), 2 * segments.size());  // 77 windows from 29 segments
  // Every window frame is a training frame (frames told apart by their three real-valued features).
  std::set<std::vector<double>> training;
  for (const auto& t : segments) {
    for (const auto& f : t.frames) training.insert(f.features);
  }
  for (const auto& t : episodes) {
    EXPECT_LE(t.horizon(), 40);
    for (const auto& f : t.frames) EXPECT_EQ(training.count(f.features), 1u) << t.id;
  }
  EXPECT_EQ(slurp(plain / "paper" / "test_traces.csv"), slurp(windows / "paper" / "test_traces.csv"));
}

TEST(HardwareExperiment, EndToEndOnThePaperTraces) {
  const std::string file = write_temp("hw_small.yaml",
                                      "schema: 1\nkind: hardware-experiment\nhardware: {sources: [paper]}\n"
                                      "video: {segment_frames: 40}\ntrain: {env_steps: 3000, num_envs: 4}\n"
                                      "eval: {budgets: [0.1, 0.5], heuristic_thresholds: [0.3, 0.6]}\n");
  const fs::path out = run_into(file, "hw_small");
  const base::CsvTable cmp = base::CsvTable::read((out / "comparison.csv").string());
  EXPECT_EQ(cmp.rows(), 9u);
  EXPECT_EQ(cmp.cell(0, cmp.column("source")), "paper");
  EXPECT_EQ(cmp.cell(2, cmp.column("metric")), "oracle (exact optimum) cost ÷ RL cost");
  EXPECT_LE(cmp.number(2, cmp.column("ours")), 1.0);  // the oracle never costs more than RL
  EXPECT_EQ(cmp.cell(3, cmp.column("metric")), "paper-oracle (the paper's greedy oracle) cost ÷ RL cost");
  EXPECT_GE(cmp.number(3, cmp.column("ours")), cmp.number(2, cmp.column("ours")));
  EXPECT_EQ(cmp.cell(7, cmp.column("metric")), "Spearman of the exact oracle's cloud queries with robot confidence");
  EXPECT_LE(std::abs(cmp.number(7, cmp.column("ours"))), 1.0);
  // The generated rl-train scenario is kept and runs alone.
  EXPECT_NO_THROW(load_scenario((out / "paper" / "scenario.rl-train.yaml").string()));
  const base::CsvTable decisions = base::CsvTable::read((out / "paper" / "decisions.csv").string());
  std::set<std::string> policies;
  for (size_t r = 0; r < decisions.rows(); ++r) policies.insert(decisions.cell(r, decisions.column("policy")));
  EXPECT_EQ(policies, (std::set<std::string>{"all-robot", "all-cloud", "robot-heuristic-t0.3", "robot-heuristic-t0.6",
                                             "rl", "paper-oracle", "oracle"}));
}

}  // namespace
}  // namespace offloadsim::sim
