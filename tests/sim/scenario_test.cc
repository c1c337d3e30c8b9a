#include "sim/scenario/scenario.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/input_error.h"
#include "sim/runners/experiment.h"
#include "sim/scenario/schema.h"

namespace offloadsim::sim {
namespace {

std::string write_scenario(const std::string& name, const std::string& yaml) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << yaml;
  return path;
}

// Loads, expecting failure; returns the first issue.
ScenarioIssue first_issue(const std::string& path, const std::vector<std::string>& sets = {}) {
  try {
    const Scenario sc = load_scenario(path, sets);
    check_scenario(sc);
  } catch (const ScenarioError& e) {
    EXPECT_FALSE(e.issues().empty());
    return e.issues().front();
  }
  ADD_FAILURE() << path << " was accepted";
  return {};
}

const std::string kHead = "schema: 1\nkind: offload-eval\n";

TEST(Scenario, MinimalFileGetsEveryDefault) {
  const Scenario sc = load_scenario(write_scenario("min.yaml", kHead));
  EXPECT_EQ(sc.kind(), "offload-eval");
  EXPECT_EQ(sc.name(), "min");  // the file's stem
  EXPECT_EQ(sc.integer("stream.horizon"), 80);
  EXPECT_EQ(sc.number("mdp.accuracy_weight"), 10.0);
  EXPECT_EQ(sc.number("mdp.cost.cloud"), 5.0);
  EXPECT_EQ(sc.numbers("eval.budgets").size(), 7u);
  EXPECT_EQ(sc.seed(), 1u);
  EXPECT_NE(sc.text("stream.table").find("scenarios/data/SVM_results.csv"), std::string::npos);
}

TEST(Scenario, OverridesWinAndAreTyped) {
  const Scenario sc = load_scenario(write_scenario("ov.yaml", kHead + "stream:\n  horizon: 40\n"),
                                    {"stream.horizon=20", "eval.budgets=[0.1, 0.2]", "seed=9"});
  EXPECT_EQ(sc.integer("stream.horizon"), 20);
  EXPECT_EQ(sc.numbers("eval.budgets"), (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(sc.seed(), 9u);
}

// Issue 18, point 9: every 64-bit seed the CLI allows is read exactly; larger ones are "out of range".
TEST(Scenario, EverySixtyFourBitSeedIsReadExactly) {
  const std::string path = write_scenario("seed.yaml", kHead + "seed: 9223372036854775807\n");
  EXPECT_EQ(load_scenario(path).seed(), 9223372036854775807ULL);
  EXPECT_EQ(load_scenario(path, {"seed=9223372036854775000"}).seed(), 9223372036854775000ULL);
  for (const char* big : {"9223372036854775808", "10000000000000000000", "9300000000000000000"}) {
    const ScenarioIssue i = first_issue(path, {std::string("seed=") + big});
    EXPECT_EQ(i.key, "seed");
    EXPECT_NE(i.message.find("out of range"), std::string::npos) << i.message;
  }
  EXPECT_NE(first_issue(path, {"seed=-1"}).message.find("out of range"), std::string::npos);
  EXPECT_NE(first_issue(path, {"seed=1.5"}).message.find("not an integer"), std::string::npos);
}

// Issue 18, points 10 and 11: one document, a bounded size, bounded lists.
TEST(ScenarioErrors, ASecondYamlDocumentIsRefused) {
  const ScenarioIssue i = first_issue(write_scenario("two.yaml", kHead + "---\nbogus_key: 1\n"));
  EXPECT_EQ(i.line, 3);
  EXPECT_NE(i.message.find("a second YAML document begins here"), std::string::npos) << i.message;
  // A "---" that opens the first document is not a second one; content after "..." is.
  EXPECT_EQ(load_scenario(write_scenario("opened.yaml", "# c\n---\n" + kHead)).kind(), "offload-eval");
  EXPECT_EQ(first_issue(write_scenario("ended.yaml", kHead + "...\nbogus_key: 1\n")).line, 4);
}

// Found by tests/fuzz: yaml-cpp's LoadAll looped forever (and took 24 GB) on a lone comma.
TEST(ScenarioErrors, MalformedYamlIsRefusedQuickly) {
  for (const char* text : {",", "{", "[", "- a\nb: c\n", "a: [1, 2\n"}) {
    const ScenarioIssue i = first_issue(write_scenario("malformed.yaml", text));
    EXPECT_FALSE(i.message.empty()) << text;
  }
}

TEST(ScenarioErrors, AFileOverOneMebibyteIsRefusedUnread) {
  const ScenarioIssue i =
      first_issue(write_scenario("big.yaml", kHead + "# " + std::string(kMaxYamlFileBytes, 'x') + "\n"));
  EXPECT_NE(i.message.find("at most 1048576 bytes"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, AListOverTenThousandElementsIsRefused) {
  std::string budgets = "[0.5";
  for (size_t k = 1; k <= kMaxListElements; ++k) budgets += ", 0.5";
  const ScenarioIssue i = first_issue(write_scenario("long.yaml", kHead + "eval:\n  budgets: " + budgets + "]\n"));
  EXPECT_EQ(i.key, "eval.budgets");
  EXPECT_NE(i.message.find("10001 elements; a list may have at most 10000"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, SamplesPerRunAreBounded) {
  const ScenarioIssue i = first_issue(write_scenario("samples.yaml", "schema: 1\nkind: network-run\n"),
                                      {"run.duration_s=1e6", "run.sample_interval_s=0.01"});
  EXPECT_EQ(i.key, "run.sample_interval_s");
  EXPECT_NE(i.message.find("samples per stream"), std::string::npos) << i.message;
}

// Issue 18, point 7: a FaceNet table whose test split lacks the people the stream needs is refused
// when the scenario is checked (validate), with exit 2 and the table named, not after training.
TEST(ScenarioErrors, ATableWithoutTestPeopleIsRefusedAtValidation) {
  const std::string table = ::testing::TempDir() + "no_test.csv";
  {
    std::ifstream in(std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/data/SVM_results.csv");
    std::ofstream out(table);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find(",TEST,") == std::string::npos) out << line << "\n";
    }
  }
  const Scenario sc = load_scenario(write_scenario("notest.yaml", kHead), {"stream.table=" + table});
  try {
    check_scenario(sc);
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.file(), table);
    EXPECT_NE(std::string(e.what()).find("no known (SEEN) person in split TEST"), std::string::npos) << e.what();
  }
}

TEST(ScenarioErrors, UnknownKeyNamesLineAndSuggests) {
  const ScenarioIssue i = first_issue(write_scenario("unknown.yaml", kHead + "stream:\n  horizn: 40\n"));
  EXPECT_EQ(i.line, 4);
  EXPECT_EQ(i.key, "stream.horizn");
  EXPECT_NE(i.message.find("did you mean 'stream.horizon'"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, UnknownTopLevelKey) {
  const ScenarioIssue i = first_issue(write_scenario("unknown_top.yaml", kHead + "outptu: {}\n"));
  EXPECT_EQ(i.key, "outptu");
  EXPECT_EQ(i.line, 3);
}

TEST(ScenarioErrors, WrongTypeNamesKeyAndAllowed) {
  const ScenarioIssue i = first_issue(write_scenario("type.yaml", kHead + "mdp:\n  cost_weight: lots\n"));
  EXPECT_EQ(i.key, "mdp.cost_weight");
  EXPECT_EQ(i.line, 4);
  EXPECT_NE(i.message.find("is not a number"), std::string::npos) << i.message;
  EXPECT_NE(i.message.find("allowed: number in [0, 1e+06]"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, IntegerFieldRejectsFraction) {
  const ScenarioIssue i = first_issue(write_scenario("int.yaml", kHead + "eval:\n  test_traces: 2.5\n"));
  EXPECT_EQ(i.key, "eval.test_traces");
  EXPECT_NE(i.message.find("not an integer"), std::string::npos);
}

TEST(ScenarioErrors, OutOfRangeNamesRange) {
  const ScenarioIssue i = first_issue(write_scenario("range.yaml", kHead + "stream:\n  p_known: 1.5\n"));
  EXPECT_EQ(i.key, "stream.p_known");
  EXPECT_NE(i.message.find("1.5 is out of range; allowed: number in [0, 1] (probability)"), std::string::npos)
      << i.message;
}

TEST(ScenarioErrors, ListElementOutOfRange) {
  const ScenarioIssue i = first_issue(write_scenario("list.yaml", kHead + "eval:\n  budgets: [0.1, 1.2]\n"));
  EXPECT_EQ(i.key, "eval.budgets");
  EXPECT_NE(i.message.find("element 1 = 1.2 is out of range"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, BadChoice) {
  const ScenarioIssue i = first_issue(write_scenario("choice.yaml", kHead + "eval:\n  policies: [random, psychic]\n"));
  EXPECT_EQ(i.key, "eval.policies");
  EXPECT_NE(i.message.find("'psychic' is not allowed"), std::string::npos) << i.message;
  EXPECT_NE(i.message.find("all-cloud"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, MissingFileNamesPath) {
  const ScenarioIssue i = first_issue(write_scenario("file.yaml", kHead + "stream:\n  table: nowhere.csv\n"));
  EXPECT_EQ(i.key, "stream.table");
  EXPECT_NE(i.message.find("file 'nowhere.csv' not found"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, MissingRequiredKeys) {
  ScenarioIssue i = first_issue(write_scenario("nokind.yaml", "schema: 1\n"));
  EXPECT_EQ(i.key, "kind");
  EXPECT_NE(i.message.find("offload-eval"), std::string::npos);
  i = first_issue(write_scenario("noschema.yaml", "kind: offload-eval\n"));
  EXPECT_EQ(i.key, "schema");
}

TEST(ScenarioErrors, WrongSchemaVersion) {
  const ScenarioIssue i = first_issue(write_scenario("v2.yaml", "schema: 2\nkind: offload-eval\n"));
  EXPECT_EQ(i.key, "schema");
  EXPECT_EQ(i.line, 1);
}

TEST(ScenarioErrors, WrongSchemaVersionIsOneProblemNotAlsoAMissingKey) {
  try {
    load_scenario(write_scenario("v2only.yaml", "schema: 2\nkind: offload-eval\n"));
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.issues().size(), 1u) << e.what();
    EXPECT_EQ(e.issues()[0].message.find("required key is missing"), std::string::npos) << e.what();
  }
}

// yaml-cpp keeps both entries of a repeated key; the loader names the second one and the first's line.
TEST(ScenarioErrors, DuplicateKeyNamesBothLines) {
  ScenarioIssue i = first_issue(write_scenario("dup.yaml", kHead + "seed: 7\nseed: 3\n"));
  EXPECT_EQ(i.key, "seed");
  EXPECT_EQ(i.line, 4);
  EXPECT_NE(i.message.find("duplicate key (also on line 3)"), std::string::npos) << i.message;
  i = first_issue(write_scenario("dupsec.yaml", kHead + "stream:\n  horizon: 10\nmdp: {}\nstream:\n  p_known: 0.5\n"));
  EXPECT_EQ(i.key, "stream");
  EXPECT_EQ(i.line, 6);
}

TEST(ScenarioErrors, OverrideOfASectionOrUnknownSection) {
  const std::string path = write_scenario("setsection.yaml", kHead);
  ScenarioIssue i = first_issue(path, {"stream=5"});
  EXPECT_EQ(i.key, "stream");
  EXPECT_NE(i.message.find("is a section, not a value: set its keys one by one (stream."), std::string::npos)
      << i.message;
  i = first_issue(path, {"foo.bar=1"});
  EXPECT_EQ(i.key, "foo.bar");
  EXPECT_NE(i.message.find("there is no section 'foo'; allowed top-level keys for kind offload-eval: "),
            std::string::npos)
      << i.message;
  EXPECT_NE(i.message.find("stream"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, ADirectoryIsNotAFile) {
  ScenarioIssue i = first_issue(::testing::TempDir());
  EXPECT_NE(i.message.find("is a directory, not a scenario file"), std::string::npos) << i.message;
  i = first_issue(write_scenario("dirtable.yaml", kHead + "stream:\n  table: " + ::testing::TempDir() + "\n"));
  EXPECT_EQ(i.key, "stream.table");
  EXPECT_NE(i.message.find("is a directory, not a file"), std::string::npos) << i.message;
}

TEST(ScenarioErrors, SectionGivenAsScalar) {
  const ScenarioIssue i = first_issue(write_scenario("section.yaml", kHead + "mdp: 3\n"));
  EXPECT_EQ(i.key, "mdp");
  EXPECT_NE(i.message.find("expected a section"), std::string::npos);
}

TEST(ScenarioErrors, InvalidYamlNamesLine) {
  const ScenarioIssue i = first_issue(write_scenario("syntax.yaml", kHead + "stream: [unclosed\n"));
  EXPECT_GT(i.line, 0);
  EXPECT_NE(i.message.find("not valid YAML"), std::string::npos);
}

TEST(ScenarioErrors, MissingScenarioFile) {
  const ScenarioIssue i = first_issue("/nonexistent/scenario.yaml");
  EXPECT_EQ(i.file, "/nonexistent/scenario.yaml");
  EXPECT_NE(i.message.find("not found"), std::string::npos);
}

TEST(ScenarioErrors, BadOverrideNamesSet) {
  const std::string path = write_scenario("setbad.yaml", kHead);
  ScenarioIssue i = first_issue(path, {"stream.horizon=abc"});
  EXPECT_EQ(i.file, "--set");
  EXPECT_EQ(i.key, "stream.horizon");
  i = first_issue(path, {"stream.nope=1"});
  EXPECT_EQ(i.key, "stream.nope");
  EXPECT_NE(i.message.find("unknown key"), std::string::npos);
  i = first_issue(path, {"novalue"});
  EXPECT_NE(i.message.find("key.path=value"), std::string::npos);
}

TEST(ScenarioErrors, CrossFieldRuleNamesKeyAndLine) {
  const ScenarioIssue i =
      first_issue(write_scenario("xref.yaml", kHead + "eval:\n  policies: [random]\n  reference_policy: oracle\n"));
  EXPECT_EQ(i.key, "eval.reference_policy");
  EXPECT_EQ(i.line, 5);
  EXPECT_NE(i.message.find("not among the evaluated policies"), std::string::npos);
}

TEST(ScenarioErrors, TraceSourceNeedsTraceFile) {
  const ScenarioIssue i = first_issue(write_scenario("src.yaml", kHead + "stream:\n  source: traces\n"));
  EXPECT_EQ(i.key, "stream.test_traces");
}

TEST(ScenarioErrors, ReportsEveryProblemAtOnce) {
  try {
    load_scenario(write_scenario("many.yaml", kHead + "stream:\n  horizon: -1\n  p_known: x\nfoo: 1\n"));
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.issues().size(), 3u) << e.what();
  }
}

TEST(Scenario, ResolvedYamlLoadsBackToTheSameValues) {
  const Scenario a = load_scenario(write_scenario("res.yaml", kHead + "seed: 5\n"), {"eval.test_traces=3"});
  const std::string resolved = write_scenario("res_resolved.yaml", a.to_yaml());
  const Scenario b = load_scenario(resolved);
  for (const FieldSpec& f : scenario_schema()) {
    if (!f.applies_to(a.kind()) || f.path == "name") continue;
    EXPECT_EQ(format_value(a.get(f.path)), format_value(b.get(f.path))) << f.path;
  }
  EXPECT_EQ(b.name(), "res");
}

// Every kind's resolved scenario is one YAML mapping that loads back: a section whose fields the
// schema lists apart (loop.query_rates among the loop fields of another block) still opens once.
TEST(Scenario, EveryKindsResolvedYamlLoadsBack) {
  int kinds = 0;
  for (const std::string& kind : find_field("kind")->choices) {
    Scenario a;
    try {
      a = load_scenario(write_scenario("kind_" + kind + ".yaml", "schema: 1\nkind: " + kind + "\n"));
    } catch (const ScenarioError&) {
      continue;  // a kind with required fields
    }
    ++kinds;
    const Scenario b = load_scenario(write_scenario("kind_" + kind + "_resolved.yaml", a.to_yaml()));
    for (const FieldSpec& f : scenario_schema()) {
      if (!f.applies_to(kind) || f.path == "name") continue;
      EXPECT_EQ(format_value(a.get(f.path)), format_value(b.get(f.path))) << kind << ": " << f.path;
    }
  }
  EXPECT_GE(kinds, 10);
}

TEST(Scenario, ShippedScenariosAreValid) {
  for (const char* name : {"quickstart.yaml", "paper_synthetic.yaml"}) {
    const Scenario sc = load_scenario(std::string(OFFLOADSIM_SOURCE_DIR) + "/scenarios/" + name);
    EXPECT_NO_THROW(check_scenario(sc)) << name;
  }
}

}  // namespace
}  // namespace offloadsim::sim
