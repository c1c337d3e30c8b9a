#include "netmodels/tcpros/framing.h"

#include <random>

#include <gtest/gtest.h>

#include "base/stats.h"
#include "netmodels/tcpros/bw_estimator.h"
#include "netmodels/tcpros/rostopic_log.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "base/input_error.h"

namespace offloadsim::netmodels {
namespace {

TEST(Framing, LengthIsFourBytesLittleEndian) {
  const auto b = encode_frame_length(888576);  // 0x000D8F00
  EXPECT_EQ(b[0], 0x00);
  EXPECT_EQ(b[1], 0x8F);
  EXPECT_EQ(b[2], 0x0D);
  EXPECT_EQ(b[3], 0x00);
  EXPECT_EQ(decode_frame_length(b.data()), 888576U);
}

TEST(Framing, RoundTripThroughArbitraryChunks) {
  std::mt19937 rng(7);
  std::vector<std::vector<std::uint8_t>> sent;
  std::vector<std::uint8_t> stream;
  for (int m = 0; m < 50; ++m) {
    std::vector<std::uint8_t> payload(std::uniform_int_distribution<int>(0, 5000)(rng));
    for (auto& x : payload) x = static_cast<std::uint8_t>(rng());
    append_frame(stream, payload);
    sent.push_back(payload);
  }
  std::vector<std::pair<std::uint32_t, std::vector<std::uint8_t>>> got;
  FrameReassembler r(16,
                     [&](std::uint32_t n, const std::vector<std::uint8_t>& prefix) { got.emplace_back(n, prefix); });
  for (std::size_t i = 0; i < stream.size();) {
    const std::size_t n = std::min<std::size_t>(std::uniform_int_distribution<int>(1, 3000)(rng), stream.size() - i);
    r.feed(stream.data() + i, n);
    i += n;
  }
  ASSERT_EQ(got.size(), sent.size());
  for (std::size_t m = 0; m < sent.size(); ++m) {
    EXPECT_EQ(got[m].first, sent[m].size());
    const std::size_t k = std::min<std::size_t>(16, sent[m].size());
    EXPECT_EQ(got[m].second, std::vector<std::uint8_t>(sent[m].begin(), sent[m].begin() + static_cast<long>(k)));
  }
  EXPECT_EQ(r.pending_bytes(), 0U);
}

TEST(Framing, OneByteAtATime) {
  std::vector<std::uint8_t> stream;
  append_frame(stream, {1, 2, 3});
  append_frame(stream, {});
  append_frame(stream, {9});
  std::vector<std::uint32_t> lengths;
  FrameReassembler r(4, [&](std::uint32_t n, const std::vector<std::uint8_t>&) { lengths.push_back(n); });
  for (std::uint8_t b : stream) r.feed(&b, 1);
  EXPECT_EQ(lengths, (std::vector<std::uint32_t>{3, 0, 1}));
}

TEST(BandwidthEstimator, AveragesTheLastWindowLikeRostopicBw) {
  BandwidthEstimator bw(3);
  EXPECT_EQ(bw.rate(1.0), 0.0);
  bw.add(0.0, 100);
  bw.add(0.1, 100);
  EXPECT_DOUBLE_EQ(bw.rate(0.2), 200 / 0.2);
  bw.add(0.2, 100);
  bw.add(0.3, 400);  // the window drops the message at t = 0
  EXPECT_DOUBLE_EQ(bw.rate(0.5), 600 / 0.4);
}

// The message of the base::InputError that `read` throws ("" and a test failure if none).
template <typename F>
std::string input_error_of(F read) {
  try {
    read();
  } catch (const base::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no base::InputError";
  return "";
}

// The paper's raw logs give SPEC §2c's medians (bundled copies).
TEST(RostopicLog, PaperMediansFromTheRawLogs) {
  const std::string dir = std::string(OFFLOADSIM_DATA_DIR) + "/paper-lidar-measurements/";
  auto median = [&](const char* f) { return base::median(read_rostopic_bw_mbps(dir + f)); };
  EXPECT_NEAR(median("bw_lidar_source_with_receiver.txt"), 70.48, 0.005);
  EXPECT_NEAR(median("bw_lidar_receiver_with_receiver.txt"), 59.28, 0.005);
  EXPECT_NEAR(median("bw_lidar_receiver_with_download.txt"), 30.16, 0.005);
  EXPECT_NEAR(median("bw_lidar_receiver_both_lidars.txt"), 11.12, 0.005);
  // KB/s lines count too (the two-pair receivers fall below 1 MB/s at times).
  const auto both = read_rostopic_bw_mbps(dir + "bw_lidar_receiver_both_lidars.txt");
  EXPECT_EQ(both.size(), 238U);
  EXPECT_LT(*std::min_element(both.begin(), both.end()), 8.0);
}

// rostopic hz: the last complete report (the files end mid-line), e.g. the one-receiver log's
// "average rate: 8.157 / min: 0.065s max: 1.406s std dev: 0.05790s window: 1320".
TEST(RostopicLog, HzLastReport) {
  const std::string dir = std::string(OFFLOADSIM_DATA_DIR) + "/paper-lidar-measurements/";
  const RostopicHz one = read_rostopic_hz(dir + "hz_lidar_receiver_with_receiver.txt");
  EXPECT_DOUBLE_EQ(one.rate_hz, 8.157);
  EXPECT_DOUBLE_EQ(one.min_s, 0.065);
  EXPECT_DOUBLE_EQ(one.max_s, 1.406);
  EXPECT_DOUBLE_EQ(one.std_s, 0.05790);
  EXPECT_EQ(one.window, 1320);
  const RostopicHz download = read_rostopic_hz(dir + "hz_lidar_receiver_with_download.txt");
  EXPECT_DOUBLE_EQ(download.rate_hz, 4.223);  // the last report with a window, not the unfinished one
  EXPECT_EQ(download.window, 459);
  const std::string bad = ::testing::TempDir() + "bad_hz.txt";
  std::ofstream(bad) << "subscribed to [/x]\naverage rate: 9.9\n\tmin: 0.1ms max: 0.2s std dev: 0.01s window: 3\n";
  const std::string error = input_error_of([&] { read_rostopic_hz(bad); });
  EXPECT_NE(error.find("bad_hz.txt:3: min: not a rostopic hz report"), std::string::npos) << error;
  EXPECT_THROW(read_rostopic_hz(dir + "bw_lidar_receiver_with_receiver.txt"), base::InputError);
}

TEST(RostopicLog, BadFilesAreNamed) {
  const std::string path = ::testing::TempDir() + "bad_bw.txt";
  std::ofstream(path) << "subscribed to [/x]\naverage: 9.1ZB/s\n";
  const std::string error = input_error_of([&] { read_rostopic_bw_mbps(path); });
  EXPECT_NE(error.find("bad_bw.txt:2: average: unknown unit 'ZB/s'"), std::string::npos) << error;
  EXPECT_THROW(read_rostopic_bw_mbps("/nonexistent/bw.txt"), base::InputError);
}

}  // namespace
}  // namespace offloadsim::netmodels
