#include "sim/io/atomic_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/io/progress.h"
#include "sim/io/run_journal.h"

namespace offloadsim::sim {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AtomicFile, AppearsOnlyOnCommit) {
  const fs::path dir = fs::path(::testing::TempDir()) / "atomic1";
  fs::create_directories(dir);
  const fs::path final_path = dir / "out.csv";
  fs::remove(final_path);
  AtomicFile f(final_path);
  f.stream() << "a,b\n1,2\n";
  EXPECT_FALSE(fs::exists(final_path));
  EXPECT_TRUE(fs::exists(f.temp_path()));
  f.commit();
  EXPECT_EQ(slurp(final_path), "a,b\n1,2\n");
  EXPECT_FALSE(fs::exists(f.temp_path()));
}

TEST(AtomicFile, AbandonedWriteLeavesOldFileAndNoTemp) {
  const fs::path dir = fs::path(::testing::TempDir()) / "atomic2";
  fs::create_directories(dir);
  const fs::path final_path = dir / "out.csv";
  std::ofstream(final_path) << "old\n";
  fs::path temp;
  try {
    AtomicFile f(final_path);
    temp = f.temp_path();
    f.stream() << "half a fi";
    throw std::runtime_error("writer failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(slurp(final_path), "old\n");
  EXPECT_FALSE(fs::exists(temp));
}

TEST(AtomicFile, UnwritableDirectoryThrows) {
  EXPECT_THROW(AtomicFile("/nonexistent-dir/x.csv"), std::runtime_error);
}

TEST(Progress, PlainLinesWhenNotATerminal) {
  std::ostringstream out;
  {
    Progress p("work", 20, out, false);
    for (int i = 0; i < 20; ++i) p.advance();
    p.finish();
  }
  const std::string s = out.str();
  EXPECT_NE(s.find("work:  50% (10/20)"), std::string::npos) << s;
  EXPECT_NE(s.find("ETA"), std::string::npos);
  EXPECT_NE(s.find("done in"), std::string::npos);
  EXPECT_EQ(s.find('\r'), std::string::npos);
}

// Issue 33, item 8: a run whose progress units did not add up ended on "50% (1/2), done".
TEST(Progress, TheLastLineOfFinishedWorkSaysAllOfIt) {
  std::ostringstream out;
  {
    Progress p("network run", 2, out, false);
    p.advance();
    p.finish();
  }
  EXPECT_NE(out.str().find("network run: 100% (2/2), done"), std::string::npos) << out.str();
}

// Issue 33, item 6: a run that does not finish leaves nothing under a final name.
fs::path journal_dir(const std::string& name, bool finished_run_before) {
  const fs::path dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  if (finished_run_before) {
    for (const char* f : {"summary.csv", "episodes.csv", "fig_a.png"}) write_file_atomically(dir / f, "old\n");
    write_file_atomically(dir / "provenance.json",
                          R"({"outputs": ["summary.csv", "episodes.csv", "fig_a.png", "provenance.json"]})");
  }
  return dir;
}

TEST(RunJournal, AFailedRunRemovesWhatItWroteAndAFinishedRunKeepsIt) {
  const fs::path dir = journal_dir("journal_fail", false);
  {
    RunJournal j(dir, nullptr);
    write_file_atomically(dir / "summary.csv", "new\n");
    EXPECT_TRUE(fs::exists(dir / RunJournal::kFileName));
  }  // not finished: a throw, Ctrl-C, a full disk
  EXPECT_FALSE(fs::exists(dir / "summary.csv"));
  EXPECT_FALSE(fs::exists(dir / RunJournal::kFileName));
  {
    RunJournal j(dir, nullptr);
    write_file_atomically(dir / "summary.csv", "new\n");
    j.finish();
  }
  EXPECT_EQ(slurp(dir / "summary.csv"), "new\n");
  EXPECT_FALSE(fs::exists(dir / RunJournal::kFileName));
}

TEST(RunJournal, AFailedRunThatOverwroteAFinishedOnesFileTakesThatRunsOtherFilesWithIt) {
  const fs::path dir = journal_dir("journal_overlap", true);
  {
    RunJournal j(dir, nullptr);
    write_file_atomically(dir / "summary.csv", "new\n");
  }
  EXPECT_FALSE(fs::exists(dir / "summary.csv"));
  EXPECT_FALSE(fs::exists(dir / "episodes.csv"));  // no longer one run's results
  EXPECT_FALSE(fs::exists(dir / "fig_a.png"));
  EXPECT_FALSE(fs::exists(dir / "provenance.json"));
}

TEST(RunJournal, WhatARunKeepsOnPurposeSurvivesEvenAsAnEarlierRunsOutput) {
  const fs::path dir = journal_dir("journal_keep", false);
  write_file_atomically(dir / "training.csv", "old\n");
  fs::create_directories(dir / "nested" / "checkpoint");
  write_file_atomically(dir / "provenance.json", R"({"outputs": ["training.csv", "nested/", "provenance.json"]})");
  {
    RunJournal j(dir, nullptr);
    write_file_atomically(dir / "training.csv", "new\n");
    RunJournal::keep(dir / "nested" / "checkpoint");
    write_file_atomically(dir / "nested" / "checkpoint" / "trainer.json", "{}");
    write_file_atomically(dir / "nested" / "summary.csv", "x\n");
  }
  EXPECT_FALSE(fs::exists(dir / "training.csv"));
  EXPECT_FALSE(fs::exists(dir / "nested" / "summary.csv"));
  EXPECT_TRUE(fs::exists(dir / "nested" / "checkpoint" / "trainer.json"));
}

TEST(RunJournal, AFailedRunThatTouchedNothingOfAFinishedOneLeavesItWhole) {
  const fs::path dir = journal_dir("journal_apart", true);
  {
    RunJournal j(dir, nullptr);
    write_file_atomically(dir / "rates.csv", "new\n");
    RunJournal::keep(dir / "checkpoint");
    fs::create_directories(dir / "checkpoint");
    write_file_atomically(dir / "checkpoint" / "trainer.json", "{}");
  }
  EXPECT_FALSE(fs::exists(dir / "rates.csv"));
  EXPECT_TRUE(fs::exists(dir / "checkpoint" / "trainer.json"));  // kept on purpose (rl-train's --resume)
  for (const char* f : {"summary.csv", "episodes.csv", "fig_a.png", "provenance.json"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
}

TEST(RunJournal, AKilledRunsJournalIsCleanedByTheNextRunAndNothingOutsideTheDirectoryIsTouched) {
  const fs::path dir = journal_dir("journal_killed", false);
  const fs::path outside = fs::path(::testing::TempDir()) / "journal_outside.csv";
  write_file_atomically(outside, "keep me\n");
  write_file_atomically(dir / "fig_b.pdf", "x");
  std::ofstream(dir / RunJournal::kFileName) << "w " << (dir / "fig_b.pdf").string() << "\n"
                                             << "w " << outside.string() << "\n"
                                             << "w " << (dir / ".." / "journal_outside.csv").string() << "\n"
                                             << "garbage line\n";
  std::vector<std::string> removed;
  {
    RunJournal j(dir, &removed);
    j.finish();
  }
  EXPECT_EQ(removed, std::vector<std::string>{"fig_b.pdf"});
  EXPECT_FALSE(fs::exists(dir / "fig_b.pdf"));
  EXPECT_TRUE(fs::exists(outside));
}

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(format_duration(12.4), "12s");
  EXPECT_EQ(format_duration(187), "3m07s");
  EXPECT_EQ(format_duration(3720), "1h02m");
}

}  // namespace
}  // namespace offloadsim::sim
