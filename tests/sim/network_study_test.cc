// The network kinds through the scenario loader and runner: byte-identical CSVs for the same
// scenario and seed, different ones for another seed, and clear errors for what the schema alone
// cannot check.
#include "sim/runners/network_study.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/csv_table.h"
#include "run_fixtures.h"
#include "sim/runners/experiment.h"

namespace offloadsim::sim {
namespace {

namespace fs = std::filesystem;

using fixtures::run_in_place;
using fixtures::run_into;
using fixtures::slurp;
using fixtures::write_temp;

// Two robots with a 4 Mbps camera each and a random walk (so that the seed matters), 3 s.
const char* const kSmallRun =
    "schema: 1\nkind: network-run\nseed: 3\n"
    "network: {mobility: random-walk, robot_distance_m: 20, flow_monitor: true}\n"
    "robots: {count: 2, streams: [video]}\nstations: {count: 1}\n"
    "camera: {bitrate_mbps: 4, fps: 20}\n"
    "background: {flows: 1, kind: cbr, rate_mbps: 20, start_s: [1]}\n"
    "run: {duration_s: 3, warmup_s: 1}\n";

TEST(NetworkRunKind, SameSeedSameBytes) {
  const std::string file = write_temp("net_small.yaml", kSmallRun);
  const fs::path a = run_into(file, "net_a"), b = run_into(file, "net_b"), c = run_into(file, "net_c", {"seed=4"});
  for (const char* csv : {"rates.csv", "summary.csv", "messages.csv", "flows.csv", "background.csv"}) {
    EXPECT_EQ(slurp(a / csv), slurp(b / csv)) << csv;
  }
  EXPECT_NE(slurp(a / "messages.csv"), slurp(c / "messages.csv"));
  const std::string summary = slurp(a / "summary.csv");
  EXPECT_NE(summary.find("robot1,video,"), std::string::npos) << summary;
  EXPECT_NE(summary.find("robot2,video,"), std::string::npos) << summary;
  EXPECT_NE(slurp(a / "background.csv").find("background1,"), std::string::npos);
}

// The cells of every data row of <dir>/summary.csv.
std::vector<std::vector<std::string>> summary_rows(const fs::path& dir) {
  std::istringstream lines(slurp(dir / "summary.csv"));
  std::string row;
  std::getline(lines, row);  // header
  std::vector<std::vector<std::string>> rows;
  while (std::getline(lines, row)) {
    std::istringstream cs(row);
    rows.emplace_back();
    for (std::string c; std::getline(cs, c, ',');) rows.back().push_back(c);
  }
  return rows;
}

// A robot out of the AP's range never connects: its receiver got nothing (share 0), it is not
// mistaken for the sender condition (rostopic bw on the robot itself, 100%).
TEST(NetworkStudyKind, UnreachableReceiverReportsNothingReceived) {
  const std::string file = write_temp("study_far.yaml",
                                      "schema: 1\nkind: network-study\nnetwork: {robot_distance_m: 3000}\n"
                                      "run: {duration_s: 2, warmup_s: 0.5}\nstudy: {conditions: [one_receiver]}\n");
  const auto rows = summary_rows(run_into(file, "study_far"));
  ASSERT_EQ(rows.size(), 1U);
  const std::vector<std::string>& cells = rows[0];
  ASSERT_GE(cells.size(), 12U);
  ASSERT_EQ(cells[0] + "," + cells[1], "one_receiver,lidar1");
  EXPECT_EQ(cells[3], "0.000") << "receiver_median_mbps";
  EXPECT_EQ(cells[4], "0.0") << "receiver_share_pct";
  EXPECT_EQ(cells[11], "0") << "processed";
}

// Messages handled per flow of a study's summary.csv (column `processed`).
std::vector<long> processed_per_flow(const fs::path& dir) {
  std::vector<long> out;
  for (const auto& cells : summary_rows(dir)) out.push_back(std::stol(cells.at(11)));
  return out;
}

// Two saturating robots on a 2.4 GHz 802.11n channel. With ns-3's default ADDBA response timeout
// (1 ms) robot 2's Block Ack agreement fails again and again and it delivers nothing (at this seed;
// at 2 of seeds 1-8); with the testbed's default (Linux's 1 s) both robots get their share.
TEST(NetworkRunKind, BlockAckSetupDoesNotLockOutARobot) {
  const std::string file = write_temp("run_addba.yaml",
                                      "schema: 1\nkind: network-run\nseed: 1\n"
                                      "network: {wifi: {standard: 802.11n, band: 2.4GHz, channel_width: 20}}\n"
                                      "robots: {count: 2, streams: [lidar]}\nservers: {count: 2}\n"
                                      "tcpros: {processing_per_mb_ms: 73.15}\n"
                                      "run: {duration_s: 4, warmup_s: 1}\n");
  auto processed = [](const fs::path& dir) {  // column `processed` of a network-run summary.csv
    std::vector<long> out;
    for (const auto& cells : summary_rows(dir)) out.push_back(std::stol(cells.at(9)));
    return out;
  };
  const auto ns3_default = processed(run_into(file, "run_addba_1ms", {"network.wifi.addba_timeout_ms=1"}));
  ASSERT_EQ(ns3_default.size(), 2U);
  EXPECT_EQ(std::min(ns3_default[0], ns3_default[1]), 0) << "ns-3's 1 ms no longer locks robot 2 out";
  const auto ours = processed(run_into(file, "run_addba_1s"));
  ASSERT_EQ(ours.size(), 2U);
  EXPECT_GE(std::min(ours[0], ours[1]), 8) << ours[0] << " and " << ours[1] << " messages";
}

// network.robot_distances_m places each robot: the one put out of the AP's range delivers nothing,
// and robots past the list's end stay at network.robot_distance_m.
TEST(NetworkStudyKind, PerRobotDistancesPlaceEachRobot) {
  const std::string file = write_temp("study_distances.yaml",
                                      "schema: 1\nkind: network-study\n"
                                      "run: {duration_s: 2, warmup_s: 0.5}\nstudy: {conditions: [two_pairs]}\n");
  const auto second_far = processed_per_flow(run_into(file, "study_r2_far", {"network.robot_distances_m=[5, 3000]"}));
  ASSERT_EQ(second_far.size(), 2U);
  EXPECT_GT(second_far[0], 0);
  EXPECT_EQ(second_far[1], 0);
  const auto first_far = processed_per_flow(run_into(file, "study_r1_far", {"network.robot_distances_m=[3000]"}));
  ASSERT_EQ(first_far.size(), 2U);
  EXPECT_EQ(first_far[0], 0);
  EXPECT_GT(first_far[1], 0) << "robot 2 is past the list's end: network.robot_distance_m (5 m)";
}

// network.robot_angles_deg: two saturating robots 40 m from the AP on opposite sides (the default
// spread) are 80 m apart and cannot hear each other: hidden terminals, one robot starves. Side by side
// they hear each other and share the channel.
TEST(NetworkStudyKind, PerRobotAnglesDecideWhetherRobotsHearEachOther) {
  const std::string file = write_temp("study_angles.yaml",
                                      "schema: 1\nkind: network-study\nseed: 2018\n"
                                      "network: {wifi: {standard: 802.11n, channel_width: 20}, "
                                      "robot_distances_m: [40, 40]}\n"
                                      "tcpros: {processing_per_mb_ms: 73.15}\n"
                                      "run: {duration_s: 4, warmup_s: 1}\nstudy: {conditions: [two_pairs]}\n");
  const auto opposite = processed_per_flow(run_into(file, "study_opposite"));
  ASSERT_EQ(opposite.size(), 2U);
  EXPECT_LE(std::min(opposite[0], opposite[1]), 2) << opposite[0] << " and " << opposite[1] << " messages";
  const auto side_by_side = processed_per_flow(run_into(file, "study_side", {"network.robot_angles_deg=[0, 10]"}));
  ASSERT_EQ(side_by_side.size(), 2U);
  EXPECT_GE(std::min(side_by_side[0], side_by_side[1]), 6) << side_by_side[0] << " and " << side_by_side[1];
}

// A condition's random stream is fixed by its name: run alone, two_pairs gives the rows it gives
// beside other conditions (a user re-running one condition gets the study's numbers).
TEST(NetworkStudyKind, AConditionRunAloneGivesItsRowsOfTheWholeStudy) {
  const std::string file = write_temp("study_alone.yaml",
                                      "schema: 1\nkind: network-study\nseed: 5\n"
                                      "network: {wifi: {standard: 802.11n, channel_width: 20}}\n"
                                      "run: {duration_s: 2, warmup_s: 0.5}\n");
  const fs::path both = run_into(file, "study_both", {"study.conditions=[one_receiver, two_pairs]"});
  const fs::path alone = run_into(file, "study_alone", {"study.conditions=[two_pairs]"});
  auto rows_of = [](const fs::path& dir, const std::string& csv) {
    std::istringstream lines(slurp(dir / csv));
    std::string out;
    for (std::string row; std::getline(lines, row);) {
      if (row.rfind("two_pairs,", 0) == 0) out += row + "\n";
    }
    return out;
  };
  for (const char* csv : {"summary.csv", "rates.csv", "messages.csv"}) {
    EXPECT_FALSE(rows_of(alone, csv).empty()) << csv;
    EXPECT_EQ(rows_of(alone, csv), rows_of(both, csv)) << csv;
  }
}

// A second run into the same directory leaves no table of the first that it does not write itself.
TEST(NetworkRunKind, ARunRemovesAnEarlierRunsTablesItDoesNotWrite) {
  const std::string file = write_temp("net_stale.yaml", kSmallRun);
  const fs::path dir = run_into(file, "net_stale");
  ASSERT_TRUE(fs::exists(dir / "flows.csv"));
  std::ofstream(dir / "notes.txt") << "the user's own file\n";
  const std::string log = run_in_place(file, dir, {"network.flow_monitor=false", "run.duration_s=2"});
  EXPECT_FALSE(fs::exists(dir / "flows.csv")) << log;
  EXPECT_NE(log.find("removed flows.csv"), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(dir / "summary.csv"));
  EXPECT_TRUE(fs::exists(dir / "notes.txt")) << "not ours: never listed in provenance.json";
  EXPECT_EQ(slurp(dir / "provenance.json").find("flows.csv"), std::string::npos);
}

TEST(NetworkRunKind, ErrorsNameTheField) {
  auto error_of = [](const std::string& yaml) -> std::string {
    try {
      check_scenario(load_scenario(write_temp("net_bad.yaml", yaml)));
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  };
  const std::string lists = error_of(
      "schema: 1\nkind: network-run\nrobots: {count: 1}\nstations: {count: 1}\n"
      "background: {flows: 2, start_s: [1, 2, 3]}\n");
  EXPECT_NE(lists.find("background.start_s: has 3 values; give one (for every flow) or one per flow (2)"),
            std::string::npos)
      << lists;
  const std::string distances =
      error_of("schema: 1\nkind: network-run\nrobots: {count: 2}\nnetwork: {robot_distances_m: [5, 10, 20]}\n");
  EXPECT_NE(distances.find("network.robot_distances_m: has 3 values, more than robots.count (2)"), std::string::npos)
      << distances;
  const std::string angles = error_of("schema: 1\nkind: network-study\nnetwork: {robot_angles_deg: [0, 10, 20]}\n");
  EXPECT_NE(angles.find("network.robot_angles_deg: has 3 values; the study has at most 2 robots"), std::string::npos)
      << angles;
  const std::string no_station = error_of("schema: 1\nkind: network-run\nrobots: {count: 1}\nbackground: {flows: 1}\n");
  EXPECT_NE(no_station.find("stations.count: background flows need at least one station"), std::string::npos)
      << no_station;
  const std::string bulk_share = error_of(
      "schema: 1\nkind: network-run\nstations: {count: 1}\n"
      "background: {flows: 1, kind: bulk, capacity_share: 0.5}\n");
  EXPECT_NE(bulk_share.find("background.kind: 'bulk' has no rate to set"), std::string::npos) << bulk_share;
  const std::string rbs =
      error_of("schema: 1\nkind: network-run\nnetwork: {type: lte, lte: {ul_resource_blocks: 30}}\n");
  EXPECT_NE(rbs.find("network.lte.ul_resource_blocks: 30 is not an LTE bandwidth"), std::string::npos) << rbs;
  const std::string lte_study = error_of("schema: 1\nkind: network-study\nnetwork: {type: lte}\n");
  EXPECT_NE(lte_study.find("network.type: the LIDAR study runs on WiFi"), std::string::npos) << lte_study;
  const std::string video =
      error_of("schema: 1\nkind: network-run\nrobots: {streams: [video]}\ncamera: {file: /nonexistent/cam.avi}\n");
  EXPECT_NE(video.find("/nonexistent/cam.avi"), std::string::npos) << video;
  const std::string sampling =
      error_of("schema: 1\nkind: network-run\nrun: {duration_s: 2, warmup_s: 0, sample_interval_s: 100}\n");
  EXPECT_NE(sampling.find("run.sample_interval_s: 100 s leaves no sample in the 2 s after the warm-up"),
            std::string::npos)
      << sampling;
  const std::string warmup = error_of("schema: 1\nkind: network-run\nrun: {duration_s: 3, warmup_s: 5}\n");
  EXPECT_NE(warmup.find("run.warmup_s: 5 s must be less than run.duration_s (3 s, line 3)"), std::string::npos)
      << warmup;
  const std::string stop = error_of(
      "schema: 1\nkind: network-run\nstations: {count: 1}\nbackground: {flows: 1, start_s: [3], stop_s: [2]}\n");
  EXPECT_NE(stop.find("background.stop_s: flow 'background1' stops (2 s) before it starts (3 s)"), std::string::npos)
      << stop;
  // A data file that is not what its field says is reported with the field (and the file).
  const std::string bw_log = write_temp("negative_bw.txt", "average: -7.50MB/s\n\tmean: 0.89MB min: 0.89MB\n");
  const std::string negative =
      error_of("schema: 1\nkind: network-study\nstudy: {measured: {one_receiver: " + bw_log + "}}\n");
  EXPECT_NE(negative.find("study.measured.one_receiver: " + bw_log +
                          ":1: average: a rate must be finite and not "
                          "negative"),
            std::string::npos)
      << negative;
}

// Half the cell's measured capacity: the probe (one TCP bulk download alone) gives the capacity,
// the background flow runs at half of it, and the cell carries it.
TEST(NetworkRunKind, BackgroundAsAShareOfTheMeasuredCapacity) {
  const std::string file = write_temp("net_share.yaml",
                                      "schema: 1\nkind: network-run\nseed: 2\n"
                                      "network: {wifi: {standard: 802.11n, band: 2.4GHz, channel_width: 20}}\n"
                                      "robots: {count: 1, streams: []}\nstations: {count: 1}\n"
                                      "background: {flows: 1, kind: cbr, capacity_share: 0.5, start_s: [1]}\n"
                                      "run: {duration_s: 3, warmup_s: 1}\noutput: {figures: false}\n");
  const fs::path out = run_into(file, "net_share");
  const base::CsvTable cap = base::CsvTable::read((out / "cell_capacity.csv").string());
  ASSERT_EQ(cap.rows(), 1u);
  const double capacity = cap.number(0, cap.column("capacity_mbps"));
  EXPECT_GT(capacity, 10.0);  // one 802.11n stream on 20 MHz: tens of Mbps
  EXPECT_LT(capacity, 72.2);  // never above the PHY rate
  EXPECT_NEAR(cap.number(0, cap.column("flow_rate_mbps")), 0.5 * capacity, 1e-3);
  const base::CsvTable bg = base::CsvTable::read((out / "background.csv").string());
  ASSERT_EQ(bg.rows(), 1u);
  EXPECT_NEAR(bg.number(0, bg.column("goodput_mbps")), 0.5 * capacity, 0.05 * capacity);
}

}  // namespace
}  // namespace offloadsim::sim
