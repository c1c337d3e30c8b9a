#include "sim/sweep/sweep.h"
#include "base/input_error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "sim/io/interrupt.h"
#include "sim/runners/parallel_units.h"
#include "sim/sweep/sweep_runner.h"

namespace fs = std::filesystem;

namespace offloadsim::sim {
namespace {

// A fresh directory per test, holding a small offload-eval base scenario.
class SweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("sweep_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("base.yaml",
          "schema: 1\nkind: offload-eval\nname: base\nseed: 5\n"
          "stream: {horizon: 20}\n"
          "eval: {test_traces: 3, calibration_traces: 5, budgets: [0.2, 0.5], "
          "policies: [all-robot, all-cloud, oracle], reference_policy: oracle}\n");
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string sweep(const std::string& body) const {
    return write("sweep.yaml", "schema: 1\nkind: sweep\nname: s\nbase: base.yaml\n" + body);
  }
  static ScenarioIssue first_issue(const std::string& file) {
    try {
      expand_sweep(load_sweep(file));
    } catch (const ScenarioError& e) {
      return e.issues().front();
    }
    ADD_FAILURE() << file << " was accepted";
    return {};
  }
  static std::vector<ScenarioIssue> all_issues(const std::string& file) {
    try {
      expand_sweep(load_sweep(file));
    } catch (const ScenarioError& e) {
      return e.issues();
    }
    ADD_FAILURE() << file << " was accepted";
    return {};
  }
  fs::path dir_;
};

std::string param(const SweepPoint& p, const std::string& key) {
  for (const auto& [k, v] : p.params) {
    if (k == key) return v;
  }
  return "<none>";
}

TEST_F(SweepTest, CrossedAxesLastFastestReplicationsInnermost) {
  const SweepSpec spec = load_sweep(
      sweep("axes:\n  - {key: mdp.cost.cloud, values: [2, 5]}\n  - {key: stream.p_known, values: [0.4, 0.6, 0.8]}\n"
            "replications: 2\n"));
  const auto points = expand_sweep(spec);
  ASSERT_EQ(points.size(), 12u);
  EXPECT_EQ(param(points[0], "mdp.cost.cloud"), "2");
  EXPECT_EQ(param(points[0], "stream.p_known"), "0.4");
  EXPECT_EQ(param(points[2], "stream.p_known"), "0.6");  // [1] is the replication of [0]
  EXPECT_EQ(param(points[6], "mdp.cost.cloud"), "5");
  EXPECT_EQ(points[0].seed, 5u);  // the base scenario's seed …
  EXPECT_EQ(points[1].seed, 6u);  // … + r
  EXPECT_EQ(points[1].replication, 1);
  for (size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].index, i);
  // Each point's resolved scenario carries its values.
  EXPECT_NE(points[11].resolved_yaml.find("cloud: 5"), std::string::npos);
  EXPECT_NE(points[11].resolved_yaml.find("p_known: 0.8"), std::string::npos);
  EXPECT_NE(points[11].resolved_yaml.find("seed: 6"), std::string::npos);
}

TEST_F(SweepTest, ZippedAxesVaryTogetherAndFixedSetsApply) {
  const auto points =
      expand_sweep(load_sweep(sweep("set: {stream.horizon: 30}\n"
                                    "axes:\n  - zip:\n      - {key: mdp.cost.cloud, values: [2, 5, 9]}\n"
                                    "      - {key: mdp.cost.robot, values: [0.5, 1, 2]}\n")));
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(param(points[1], "mdp.cost.cloud"), "5");
  EXPECT_EQ(param(points[1], "mdp.cost.robot"), "1");
  EXPECT_EQ(param(points[2], "mdp.cost.robot"), "2");
  for (const auto& p : points) EXPECT_NE(p.resolved_yaml.find("horizon: 30"), std::string::npos);
}

TEST_F(SweepTest, ASavedPolicyIsRelativeToTheSweepFile) {
  std::ofstream(dir_ / "saved.pt") << "not read here";
  const auto points =
      expand_sweep(load_sweep(sweep("set: {eval.policies: [all-robot, {rl: saved.pt}]}\n"
                                    "axes:\n  - {key: mdp.cost.cloud, values: [2]}\n")));
  ASSERT_EQ(points.size(), 1u);
  EXPECT_NE(points[0].resolved_yaml.find((dir_ / "saved.pt").string()), std::string::npos) << points[0].resolved_yaml;
}

TEST_F(SweepTest, RangesIncludeTheEndAndPrintCleanly) {
  const auto points =
      expand_sweep(load_sweep(sweep("axes:\n  - {key: stream.p_known, range: {from: 0.1, to: 0.7, step: 0.2}}\n")));
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(param(points[1], "stream.p_known"), "0.3");  // not 0.30000000000000004
  EXPECT_EQ(param(points[3], "stream.p_known"), "0.7");
}

TEST_F(SweepTest, IdsAreStableDistinctAndIndependentOfLocation) {
  const std::string body = "axes:\n  - {key: stream.p_known, values: [0.4, 0.8]}\nreplications: 2\n";
  const auto a = expand_sweep(load_sweep(sweep(body)));
  const auto b = expand_sweep(load_sweep(sweep(body)));
  std::set<std::string> ids;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].id.size(), 12u);
    ids.insert(a[i].id);
  }
  EXPECT_EQ(ids.size(), a.size());
  // The same sweep in another directory (another checkout, another cluster node) has the same
  // ids: input files count by name and content, not by path.
  const fs::path other = dir_ / "elsewhere";
  fs::create_directories(other);
  fs::copy_file(dir_ / "base.yaml", other / "base.yaml");
  fs::copy_file(dir_ / "sweep.yaml", other / "sweep.yaml");
  const auto c = expand_sweep(load_sweep((other / "sweep.yaml").string()));
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, c[i].id);
  // … and a changed input changes them.
  const auto d = expand_sweep(load_sweep(sweep("set: {stream.horizon: 21}\n" + body)));
  EXPECT_NE(a[0].id, d[0].id);
}

TEST_F(SweepTest, UnknownKeySuggests) {
  // Two problems, in line order: the required `axes` is missing (line 1), `axis` is unknown.
  const std::vector<ScenarioIssue> all = all_issues(sweep("axis:\n  - {key: seed, values: [1, 2]}\n"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].key, "axes");
  const ScenarioIssue& i = all[1];
  EXPECT_EQ(i.key, "axis");
  EXPECT_EQ(i.line, 5);
  EXPECT_NE(i.message.find("did you mean 'axes'"), std::string::npos) << i.message;
}

TEST_F(SweepTest, AxisKeyMustBeAField) {
  const ScenarioIssue i = first_issue(sweep("axes:\n  - {key: stream.p_knwn, values: [1]}\n"));
  EXPECT_EQ(i.key, "axes[0].key");
  EXPECT_NE(i.message.find("did you mean 'stream.p_known'"), std::string::npos) << i.message;
}

TEST_F(SweepTest, ValueAFieldRejectsIsReportedAtItsAxis) {
  const ScenarioIssue i =
      first_issue(sweep("axes:\n  - {key: seed, values: [1]}\n  - {key: stream.p_known, values: [0.5, 1.5]}\n"));
  EXPECT_EQ(i.file, (dir_ / "sweep.yaml").string());
  EXPECT_EQ(i.line, 7);
  EXPECT_EQ(i.key, "stream.p_known");
  EXPECT_NE(i.message.find("1.5 is out of range"), std::string::npos) << i.message;
}

TEST_F(SweepTest, ZippedLengthsMustMatch) {
  const ScenarioIssue i = first_issue(sweep(
      "axes:\n  - zip:\n      - {key: mdp.cost.cloud, values: [2, 5]}\n      - {key: mdp.cost.robot, values: [1]}\n"));
  EXPECT_EQ(i.key, "axes[0].zip[1]");
  EXPECT_NE(i.message.find("equal lengths"), std::string::npos) << i.message;
}

// A switch that stays put down one zipped axis is fine (docs/mdp.md's cumulative table); two
// identical rows, or a repeat in an axis of its own, are not.
TEST_F(SweepTest, ZippedValuesMayRepeatButRowsMayNot) {
  const auto points =
      expand_sweep(load_sweep(sweep("axes:\n  - zip:\n      - {key: mdp.cost.cloud, values: [2, 2, 5]}\n"
                                    "      - {key: mdp.cost.robot, values: [1, 3, 3]}\n")));
  EXPECT_EQ(points.size(), 3u);
  const ScenarioIssue i =
      first_issue(sweep("axes:\n  - zip:\n      - {key: mdp.cost.cloud, values: [2, 2]}\n      - {key: mdp.cost.robot, "
                        "values: [1, 1]}\n"));
  EXPECT_EQ(i.key, "axes[0].zip");
  EXPECT_NE(i.message.find("the same point twice"), std::string::npos) << i.message;
  EXPECT_NE(first_issue(sweep("axes:\n  - {key: mdp.cost.cloud, values: [2, 2]}\n")).message.find("listed twice"),
            std::string::npos);
}

TEST_F(SweepTest, OtherErrors) {
  EXPECT_EQ(first_issue(write("nobase.yaml", "schema: 1\nkind: sweep\naxes:\n  - {key: seed, values: [1]}\n")).key,
            "base");
  EXPECT_NE(first_issue(write("missing.yaml", "schema: 1\nkind: sweep\nbase: nothere.yaml\naxes: []\n"))
                .message.find("not found"),
            std::string::npos);
  EXPECT_EQ(first_issue(sweep("axes:\n  - {key: seed, values: [1], range: {from: 1, to: 2, step: 1}}\n")).key,
            "axes[0]");
  EXPECT_EQ(first_issue(sweep("axes:\n  - {key: seed, range: {from: 1, to: 5, step: -1}}\n")).key,
            "axes[0].range.step");
  EXPECT_NE(first_issue(sweep("axes:\n  - {key: seed, values: [1, 2]}\n  - {key: seed, values: [3]}\n"))
                .message.find("already swept"),
            std::string::npos);
  EXPECT_EQ(first_issue(sweep("axes:\n  - {key: seed, values: [1]}\nreplications: 0\n")).key, "replications");
  EXPECT_EQ(first_issue(write("kind.yaml", "schema: 1\nkind: offload-eval\nbase: base.yaml\naxes: []\n")).key, "kind");
  EXPECT_EQ(first_issue(sweep("set: {stream.horizn: 3}\naxes:\n  - {key: seed, values: [1]}\n")).key,
            "set.stream.horizn");
}

// Issue 18, point 10: leniency that hid mistakes.
TEST_F(SweepTest, DescriptionMustBeAString) {
  const ScenarioIssue i = first_issue(sweep("description: [a]\naxes:\n  - {key: seed, values: [1]}\n"));
  EXPECT_EQ(i.key, "description");
  EXPECT_EQ(i.line, 5);
}

TEST_F(SweepTest, SetErrorsNameTheirLine) {
  const ScenarioIssue i = first_issue(sweep("set:\n  eval.test_traces: -3\naxes:\n  - {key: seed, values: [1]}\n"));
  EXPECT_EQ(i.key, "set.eval.test_traces");
  EXPECT_EQ(i.line, 6);
}

TEST_F(SweepTest, ASecondYamlDocumentIsRefused) {
  const ScenarioIssue i = first_issue(
      sweep("axes:\n  - {key: seed, values: [1]}\n---\naxes:\n  - {key: mdp.cost.cloud, values: [1, 2]}\n"));
  EXPECT_EQ(i.line, 7);
  EXPECT_NE(i.message.find("a second YAML document begins here"), std::string::npos) << i.message;
}

// Issue 18, point 11: a list longer than any experiment needs is refused before it is expanded.
TEST_F(SweepTest, AnAxisHasAtMostTenThousandValues) {
  std::string values = "[1";
  for (size_t k = 2; k <= kMaxListElements + 1; ++k) values += ", " + std::to_string(k);
  const ScenarioIssue i = first_issue(sweep("axes:\n  - {key: seed, values: " + values + "]}\n"));
  EXPECT_EQ(i.key, "axes[0].values");
  EXPECT_NE(i.message.find("at most 10000"), std::string::npos) << i.message;
}

// Issue 18, point 10: a manifest's ids name directories; a tampered one must not lead a task outside.
TEST_F(SweepTest, ATamperedPointIdIsRefused) {
  const SweepSpec spec = load_sweep(sweep("axes:\n  - {key: seed, values: [1]}\n"));
  const fs::path root = dir_ / "out";
  write_sweep_manifest(root, spec, expand_sweep(spec));
  std::ifstream in(root / "sweep.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string id = expand_sweep(spec).front().id;
  text.replace(text.find("\"" + id + "\""), id.size() + 2, "\"../../x\"");
  std::ofstream(root / "sweep.json") << text;
  try {
    std::ostringstream out;
    run_sweep_point(root, 0, false, {}, out);
    ADD_FAILURE() << "a tampered id was accepted";
  } catch (const base::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'../../x', not 12 hex digits"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "x.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(SweepTest, PointRunsOnceAndCollectPrefixesParameters) {
  const SweepSpec spec = load_sweep(sweep("axes:\n  - {key: mdp.cost.cloud, values: [2, '5']}\n"));
  const auto points = expand_sweep(spec);
  const fs::path root = dir_ / "results";
  const SweepManifest m = write_sweep_manifest(root, spec, points);
  EXPECT_EQ(read_sweep_manifest(root).points.size(), 2u);
  EXPECT_EQ(point_state(m, points[0]), PointState::kPending);

  std::ostringstream log;
  reset_interrupt();
  run_sweep_point(root, 0, false, {"test"}, log);
  EXPECT_EQ(point_state(m, points[0]), PointState::kDone);
  EXPECT_TRUE(fs::is_regular_file(root / points[0].id / "summary.csv"));
  EXPECT_TRUE(fs::is_empty(root / ".running"));
  const auto stamp = fs::last_write_time(root / points[0].id / "provenance.json");
  run_sweep_point(root, 0, false, {"test"}, log);  // already done: not re-run
  EXPECT_EQ(fs::last_write_time(root / points[0].id / "provenance.json"), stamp);
  EXPECT_NE(log.str().find("already done"), std::string::npos);

  EXPECT_THROW(collect_sweep(root, false, false, log), std::runtime_error);  // point 1 unfinished
  collect_sweep(root, true, false, log);
  std::ifstream in(root / "collected" / "summary.csv");
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(header.rfind("point,id,replication,seed,mdp.cost.cloud,policy,", 0), 0u) << header;
  EXPECT_EQ(row.rfind("0," + points[0].id + ",0,5,2,", 0), 0u) << row;
  EXPECT_THROW(run_sweep_point(root, 7, false, {"test"}, log), std::invalid_argument);

  // A table only point 1 writes (as cell_capacity.csv under a background share) is collected with
  // its rows alone, whichever point comes first.
  run_sweep_point(root, 1, false, {"test"}, log);
  std::ofstream(root / points[1].id / "only_here.csv") << "x\n7\n";
  collect_sweep(root, false, false, log);
  std::ifstream only(root / "collected" / "only_here.csv");
  std::getline(only, header);
  std::getline(only, row);
  EXPECT_EQ(header, "point,id,replication,seed,mdp.cost.cloud,x");
  EXPECT_EQ(row, "1," + points[1].id + ",0,5,5,7") << row;
  EXPECT_FALSE(std::getline(only, row)) << row;

  // A table with a column named like one of the sweep's (queries.csv had `id`) is refused, naming
  // the file and the column, and leaves no collected file behind.
  std::ofstream(root / points[1].id / "clash.csv") << "policy,id\nx,7\n";
  try {
    collect_sweep(root, false, false, log);
    ADD_FAILURE() << "a table repeating the sweep's column 'id' was collected";
  } catch (const base::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("clash.csv"), std::string::npos) << e.what();
    EXPECT_EQ(e.field(), "id") << e.what();
  }
  EXPECT_FALSE(fs::exists(root / "collected" / "clash.csv"));
}

// Issue 33, item 8: a sweep whose points all failed reported "0.00 points/minute".
TEST(SweepRate, SaysNoneFinishedRatherThanARateOfZero) {
  EXPECT_EQ(sweep_rate(0, 3.0), "none finished");
  EXPECT_EQ(sweep_rate(6, 2.0), "3.00 points/minute");
}

// A point's closed loop starts as many children as available_cores() says: the local sweep's share
// (OFFLOADSIM_JOBS) first, else the affinity capped by a Slurm task's allocation.
TEST(AvailableCores, FollowTheSweepsShareThenTheSlurmAllocation) {
  const auto saved = [](const char* name) {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  const std::optional<std::string> jobs = saved("OFFLOADSIM_JOBS"), slurm = saved("SLURM_CPUS_PER_TASK");
  ::unsetenv("OFFLOADSIM_JOBS");
  ::unsetenv("SLURM_CPUS_PER_TASK");
  const int all = available_cores();
  EXPECT_GE(all, 1);
  EXPECT_EQ(cli_jobs(0), all);
  EXPECT_EQ(cli_jobs(5), 5);
  ::setenv("SLURM_CPUS_PER_TASK", "1", 1);
  EXPECT_EQ(available_cores(), 1);
  ::setenv("SLURM_CPUS_PER_TASK", "4096", 1);
  EXPECT_EQ(available_cores(), all);  // an allocation never adds cores
  ::setenv("OFFLOADSIM_JOBS", "3", 1);
  EXPECT_EQ(available_cores(), 3);
  ::unsetenv("OFFLOADSIM_JOBS");
  ::unsetenv("SLURM_CPUS_PER_TASK");
  if (jobs) ::setenv("OFFLOADSIM_JOBS", jobs->c_str(), 1);
  if (slurm) ::setenv("SLURM_CPUS_PER_TASK", slurm->c_str(), 1);
}

TEST_F(SweepTest, FailedPointLeavesAReasonAndNoDirectory) {
  const SweepSpec spec = load_sweep(sweep("axes:\n  - {key: mdp.cost.cloud, values: [2]}\n"));
  const auto points = expand_sweep(spec);
  const fs::path root = dir_ / "results";
  const SweepManifest m = write_sweep_manifest(root, spec, points);
  // Edit the point's scenario after expansion: the task refuses to run a point that changed.
  const fs::path yaml = root / "points" / (points[0].id + ".yaml");
  std::stringstream text;
  text << std::ifstream(yaml).rdbuf();
  std::string changed = text.str();
  const size_t at = changed.find("horizon: 20");
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, 11, "horizon: 21");
  std::ofstream(yaml) << changed;
  std::ostringstream log;
  EXPECT_THROW(run_sweep_point(root, 0, false, {"test"}, log), std::runtime_error);
  EXPECT_EQ(point_state(m, points[0]), PointState::kFailed);
  std::stringstream reason;
  reason << std::ifstream(root / "failed" / (points[0].id + ".txt")).rdbuf();
  EXPECT_NE(reason.str().find("inputs changed"), std::string::npos) << reason.str();
  EXPECT_FALSE(fs::exists(root / points[0].id));
}

}  // namespace
}  // namespace offloadsim::sim
