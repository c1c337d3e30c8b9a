// kind: perception-timing (issue 35): the models timed per frame size, every size on every frame,
// and a machine that other processes keep busy refused rather than timed.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <set>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "base/csv_table.h"
#include "run_fixtures.h"
#include "sim/scenario/scenario_error.h"

namespace offloadsim::sim {
namespace {

std::string timing_scenario(const std::string& name) {
  return fixtures::write_temp(name, R"(schema: 1
kind: perception-timing
video:
  files: [/usr/share/doc/opencv-doc/examples/data/vtest.avi]
  frame_step: 50
  max_frames: 2
timing:
  widths: [160, 320]
  heights: [120, 240]
)");
}

// ctest runs other tests beside this one: the load limit is lifted where the test is not about it.
const std::string kAnyLoad = "timing.max_other_load=1000";

TEST(PerceptionTiming, TimesBothModelsAtEverySizeOnEveryFrame) {
  const auto dir = fixtures::run_into(timing_scenario("timing_sizes.yaml"), "timing_sizes", {kAnyLoad});
  const base::CsvTable t = base::CsvTable::read((dir / "timing.csv").string());
  ASSERT_EQ(t.rows(), 4u);  // 2 frames × 2 sizes
  std::set<std::pair<int, int>> seen;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    EXPECT_EQ(t.integer(r, t.column("frame")), r < 2 ? 0 : 50);  // frame by frame, each at both sizes
    seen.insert({t.integer(r, t.column("width")), t.integer(r, t.column("height"))});
    EXPECT_GT(t.number(r, t.column("robot_ms")), 0.0);
    EXPECT_GT(t.number(r, t.column("cloud_ms")), 0.0);
  }
  EXPECT_EQ(seen, (std::set<std::pair<int, int>>{{160, 120}, {320, 240}}));
  const base::CsvTable sizes = base::CsvTable::read((dir / "timing_sizes.csv").string());
  ASSERT_EQ(sizes.rows(), 2u);
  EXPECT_EQ(sizes.integer(1, sizes.column("frames")), 2);
  EXPECT_NEAR(sizes.number(1, sizes.column("megapixels")), 0.0768, 1e-9);
  const auto prov = nlohmann::json::parse(fixtures::slurp(dir / "provenance.json"));
  EXPECT_GE(prov["machine"]["cores"].get<int>(), 1);
  EXPECT_TRUE(prov["notes"]["others_load_cores"].contains("during"));
  EXPECT_EQ(prov["notes"]["opencv_threads"], 1);
}

TEST(PerceptionTiming, OneHeightPerWidth) {
  try {
    check_scenario(load_scenario(timing_scenario("timing_pairs.yaml"), {"timing.heights=[120]"}));
    ADD_FAILURE() << "accepted 2 widths and 1 height";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("timing.heights"), std::string::npos) << e.what();
  }
}

// A process spinning on a core beside the timing: refused before any model runs, and nothing written.
TEST(PerceptionTiming, RefusesABusyMachine) {
  const pid_t spinner = ::fork();
  ASSERT_GE(spinner, 0);
  if (spinner == 0) {
    for (volatile unsigned long spin = 0;; ++spin) {
    }
  }
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "timing_busy";
  std::filesystem::remove_all(dir);
  std::string what;
  try {
    fixtures::run_in_place(timing_scenario("timing_busy.yaml"), dir, {"timing.max_other_load=0.3"});
  } catch (const ScenarioError& e) {
    what = e.what();
  }
  ::kill(spinner, SIGKILL);
  ::waitpid(spinner, nullptr, 0);
  EXPECT_NE(what.find("the machine is not idle"), std::string::npos) << what;
  EXPECT_NE(what.find("timing.max_other_load"), std::string::npos) << what;
  EXPECT_FALSE(std::filesystem::exists(dir / "timing.csv"));
}

}  // namespace
}  // namespace offloadsim::sim
