#include "sim/io/atomic_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/io/progress.h"

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

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(format_duration(12.4), "12s");
  EXPECT_EQ(format_duration(187), "3m07s");
  EXPECT_EQ(format_duration(3720), "1h02m");
}

}  // namespace
}  // namespace offloadsim::sim
