#include "sim/runners/offload_eval.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <csignal>

#include "agents/mdp/offload_mdp.h"
#include "base/input_error.h"
#include "sim/io/interrupt.h"
#include "sim/io/output_lock.h"
#include "sim/runners/experiment.h"
#include "sim/scenario/scenario.h"

namespace offloadsim::sim {
namespace {

namespace fs = std::filesystem;

const std::string kQuickstart = std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path run_into(const std::string& name, const std::vector<std::string>& sets) {
  const fs::path dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  const Scenario sc = load_scenario(kQuickstart, sets);
  RunOptions opt;
  opt.out_dir = dir;
  opt.figures = false;
  opt.progress = false;
  std::ostringstream out;
  run_scenario(sc, opt, out);
  return dir;
}

TEST(OffloadEval, SameSeedGivesByteIdenticalCsvs) {
  const std::vector<std::string> small = {"eval.test_traces=6", "eval.calibration_traces=10"};
  const fs::path a = run_into("eval_a", small);
  const fs::path b = run_into("eval_b", small);
  for (const char* f : {"episodes.csv", "summary.csv", "test_traces.csv"}) {
    const std::string x = slurp(a / f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, slurp(b / f)) << f;
  }
  std::vector<std::string> other = small;
  other.push_back("seed=99");
  EXPECT_NE(slurp(a / "episodes.csv"), slurp(run_into("eval_c", other) / "episodes.csv"));
}

TEST(OffloadEval, WritesResolvedScenarioAndProvenanceAndNoPartialFiles) {
  const fs::path dir = run_into("eval_files", {"eval.test_traces=2", "eval.calibration_traces=5"});
  for (const char* f :
       {"episodes.csv", "summary.csv", "test_traces.csv", "scenario.resolved.yaml", "provenance.json"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().string().find(".partial-"), std::string::npos) << entry.path();
  }
  const std::string prov = slurp(dir / "provenance.json");
  for (const char* key : {"\"git_revision\"", "\"seed\": 1", "\"start_time_utc\"", "\"host\"", "\"yaml-cpp\""}) {
    EXPECT_NE(prov.find(key), std::string::npos) << key << "\n" << prov;
  }
  EXPECT_NE(slurp(dir / "scenario.resolved.yaml").find("test_traces: 2"), std::string::npos);
}

TEST(OffloadEval, InterruptedRunLeavesNoFiles) {
  const fs::path dir = fs::path(::testing::TempDir()) / "eval_interrupted";
  fs::remove_all(dir);
  const Scenario sc = load_scenario(kQuickstart, {"eval.test_traces=3", "eval.calibration_traces=5"});
  RunOptions opt;
  opt.out_dir = dir;
  opt.figures = false;
  opt.progress = false;
  install_interrupt_handlers();
  std::raise(SIGINT);  // as if Ctrl-C arrived before the first episode
  std::ostringstream out;
  EXPECT_THROW(run_scenario(sc, opt, out), Interrupted);
  reset_interrupt();
  std::signal(SIGINT, SIG_DFL);
  size_t files = 0;  // besides the directory's lock file, which stays
  if (fs::exists(dir)) {
    for (const auto& e : fs::directory_iterator(dir)) files += e.path().filename() != DirectoryLock::kFileName;
  }
  EXPECT_EQ(files, 0u);
}

TEST(OffloadEval, ProtocolCoversEveryPolicyTraceAndBudget) {
  const Scenario sc = load_scenario(kQuickstart, {"eval.test_traces=4", "eval.calibration_traces=10"});
  OffloadEvalConfig cfg = offload_eval_config(sc);
  const OffloadEvalResult r = run_offload_eval(cfg);
  const size_t policies = 4 + cfg.heuristic_percentiles.size();
  EXPECT_EQ(r.episodes.size(), policies * 4 * cfg.budgets.size());
  // The oracle is at least as good as every policy on every episode.
  std::map<std::pair<std::string, double>, double> oracle;
  for (const EpisodeRow& e : r.episodes) {
    if (e.policy == "oracle") oracle[{e.trace, e.budget_fraction}] = e.reward;
  }
  for (const EpisodeRow& e : r.episodes) {
    const double best = oracle[{e.trace, e.budget_fraction}];
    EXPECT_LE(e.reward, best + 1e-9) << e.policy;
    EXPECT_LE(e.cloud_queries, e.budget_queries) << e.policy;
    EXPECT_NEAR(e.reward, -e.loss_term - e.cost_term, 1e-9);
  }
  // Summary: one row per policy per budget plus "all"; the oracle's multiple is exactly 1.
  EXPECT_EQ(r.summary.size(), policies * (cfg.budgets.size() + 1));
  int best = 0;
  for (const SummaryRow& s : r.summary) {
    if (s.policy == "oracle") {
      EXPECT_DOUBLE_EQ(s.cost_multiple_mean, 1.0);
    } else {
      EXPECT_GE(s.cost_multiple_mean, 1.0 - 1e-12) << s.policy;
    }
    if (s.family == "robot-heuristic" && s.best_in_family && s.budget == "all") ++best;
  }
  EXPECT_EQ(best, 1);
}

TEST(OffloadEval, TraceFilesSourceRunsOnExportedTraces) {
  const fs::path dir = run_into("eval_export", {"eval.test_traces=3", "eval.calibration_traces=5"});
  const Scenario sc =
      load_scenario(kQuickstart, {"stream.source=traces", "stream.test_traces=" + (dir / "test_traces.csv").string(),
                                  "stream.train_traces=" + (dir / "test_traces.csv").string()});
  const OffloadEvalResult r = run_offload_eval(offload_eval_config(sc));
  // The same traces give the same oracle rewards as the synthetic run that exported them.
  std::istringstream episodes(slurp(dir / "episodes.csv"));
  std::map<std::pair<std::string, std::string>, std::string> from_csv;
  std::string line;
  while (std::getline(episodes, line)) {
    if (line.rfind("oracle,", 0) != 0) continue;
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    from_csv[{f[2], f[3]}] = f[5];
  }
  int compared = 0;
  for (const EpisodeRow& e : r.episodes) {
    if (e.policy != "oracle") continue;
    std::ostringstream b;
    b << e.budget_fraction;
    EXPECT_EQ(std::stod(from_csv[{e.trace, b.str()}]), e.reward);
    ++compared;
  }
  EXPECT_EQ(compared, 3 * 7);
}

TEST(OffloadEval, StoreDistanceFeatureSumsTheFeatureSinceEachStoreWasFilled) {
  const fs::path file = fs::path(::testing::TempDir()) / "store_feature_traces.csv";
  {
    std::ofstream f(file);
    f << "trace,frame,true_label,robot_prediction,robot_confidence,cloud_prediction,cloud_confidence,phi_change\n"
         "a,0,1,1,0.5,1,1,1\na,1,1,1,0.5,1,1,-2\na,2,1,1,0.5,1,1,3\na,3,1,1,0.5,1,1,4\n";
  }
  const std::vector<std::string> sets = {"stream.source=traces", "stream.test_traces=" + file.string(),
                                         "stream.train_traces=" + file.string(), "mdp.store_distances=true",
                                         "mdp.store_distance_feature=change"};
  const OffloadEvalConfig cfg = offload_eval_config(load_scenario(kQuickstart, sets));
  const std::vector<agents::Trace> traces = load_traces(cfg, file.string());
  ASSERT_EQ(traces.size(), 1u);
  std::vector<double> path;
  for (const agents::Frame& f : traces[0].frames) path.push_back(f.descriptor.at(0));
  EXPECT_EQ(path, (std::vector<double>{1, 3, 6, 10}));  // running sum of |change|
  // The cloud answers frame 0; two frames on, its store is 2 + 3 = 5 of change away.
  agents::OffloadEnv env(cfg.mdp);
  env.reset(traces[0], 4);
  env.step(agents::kCloud);
  env.step(agents::kPastCloud);
  const agents::Observation obs = env.observe();
  ASSERT_EQ(obs.num_features, 3);
  EXPECT_EQ(obs.features[2], 5.0);

  OffloadEvalConfig missing = cfg;
  missing.store_distance_feature = "nothing";
  try {
    load_traces(missing, file.string());
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.field(), "phi_nothing");
    EXPECT_EQ(e.file(), file.string());
  }
  try {
    offload_eval_config(load_scenario(kQuickstart, {"mdp.store_distances=true", "mdp.store_distance_feature=change"}));
    ADD_FAILURE() << "accepted on the synthetic stream";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.issues().front().key, "mdp.store_distance_feature");
  }
}

fs::path run_scenario_into(const std::string& file, const std::string& name, const std::vector<std::string>& sets) {
  const fs::path dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  RunOptions opt;
  opt.out_dir = dir;
  opt.figures = false;
  opt.progress = false;
  std::ostringstream out;
  run_scenario(load_scenario(file, sets), opt, out);
  return dir;
}

const std::string kAllQuirksOff =
    "mdp.quirks_off=[unlogged-final-step, two-stage-steps, prefilled-stores, all-cloud-floor-period, heuristic-lag, "
    "random-any-action, stream-timing]";

TEST(PaperCodeVariant, EveryQuirkSwitchedOffIsTheStandardProtocolByteForByte) {
  const std::vector<std::string> small = {"eval.test_traces=5", "eval.calibration_traces=10"};
  std::vector<std::string> off = small;
  off.insert(off.end(), {"mdp.variant=paper-code", kAllQuirksOff});
  const fs::path a = run_into("variant_standard", small);
  const fs::path b = run_into("variant_quirks_off", off);
  for (const char* f : {"episodes.csv", "summary.csv", "test_traces.csv"}) EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  // And with every quirk on, something changes.
  std::vector<std::string> on = small;
  on.push_back("mdp.variant=paper-code");
  EXPECT_NE(slurp(a / "episodes.csv"), slurp(run_into("variant_quirks_on", on) / "episodes.csv"));
}

TEST(PaperCodeVariant, QuirksOffNeedsThePaperCodeVariantAndSavedRlNeedsOneStepFrames) {
  try {
    offload_eval_config(load_scenario(kQuickstart, {"mdp.quirks_off=[heuristic-lag]"}));
    FAIL() << "accepted quirks_off with the standard variant";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("mdp.quirks_off"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_scenario(kQuickstart, {"mdp.variant=paper-code", "mdp.quirks_off=[no-such-quirk]"}), ScenarioError);
}

TEST(PaperCodeVariant, TwoStageDecisionsHaveARowPerStep) {
  const fs::path dir =
      run_into("variant_decisions",
               {"eval.test_traces=1", "eval.calibration_traces=5", "eval.budgets=[0.5]", "eval.policies=[all-robot]",
                "eval.reference_policy=all-robot", "eval.decisions=true", "mdp.variant=paper-code"});
  std::istringstream in(slurp(dir / "decisions.csv"));
  std::string line;
  std::getline(in, line);
  int rows = 0, robot_runs = 0;
  while (std::getline(in, line)) {
    ++rows;
    robot_runs += line.find(",robot,") != std::string::npos;
  }
  // Pre-filled frame 0 is one reuse; every other frame a robot run and its reuse.
  EXPECT_EQ(rows, 1 + 2 * 79);
  EXPECT_EQ(robot_runs, 79);
}

// The acceptance check of the paper-code protocol: its shipped scenario regenerates the published
// Fig. 5 ratios (the published "× RL" figures ÷ the oracle's published "× RL"), each within 10%.
TEST(PaperCodeVariant, ShippedProtocolRegeneratesThePublishedRatios) {
  const fs::path dir = run_scenario_into(std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/paper_code_protocol.yaml",
                                         "paper_code_protocol", {});
  std::istringstream in(slurp(dir / "summary.csv"));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::stringstream hs(line); std::getline(hs, line, ',');) header.push_back(line);
  const auto col = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::map<std::string, double> ratio;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    for (std::stringstream ls(line); std::getline(ls, line, ',');) f.push_back(line);
    if (f[col("budget_fraction")] == "all") ratio[f[col("family")]] = std::stod(f[col("cost_multiple")]);
  }
  const std::map<std::string, std::pair<double, double>> published = {{"random", {5.67, 5.79}},
                                                                      {"all-robot", {3.69, 3.82}},
                                                                      {"all-cloud", {3.70, 3.78}},
                                                                      {"robot-heuristic", {3.36, 3.51}}};
  for (const auto& [family, range] : published) {
    ASSERT_TRUE(ratio.count(family)) << family;
    EXPECT_GE(ratio[family], 0.9 * range.first) << family;
    EXPECT_LE(ratio[family], 1.1 * range.second) << family;
  }
  EXPECT_DOUBLE_EQ(ratio["paper-oracle"], 1.0);
}

}  // namespace
}  // namespace offloadsim::sim
