#include <gtest/gtest.h>

#include "netmodels/sensors/video_frames.h"
#include "netmodels/sensors/vlp16_lidar.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "base/input_error.h"

namespace offloadsim::netmodels {
namespace {

const char* const kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

TEST(Vlp16Lidar, PointsRingsAndMessageSize) {
  const Vlp16Lidar lidar(Vlp16Config{}, default_lidar_scene());
  // 9.92 Hz and one firing per 55.296 µs: 1823 firings of 16 lasers.
  EXPECT_EQ(lidar.rays_per_rotation(), 1823U * 16U);
  const auto cloud = lidar.scan(0.0);
  EXPECT_LE(cloud.size(), lidar.rays_per_rotation());
  EXPECT_EQ(sizeof(VelodynePoint), 32U);
  std::vector<int> per_ring(16, 0);
  for (const auto& p : cloud) {
    ASSERT_LT(p.ring, 16);
    ++per_ring[p.ring];
    // Each point lies on its laser's cone: elevation −15° + 2°·ring.
    const double el = std::atan2(p.z, std::hypot(p.x, p.y)) * 180 / M_PI;
    EXPECT_NEAR(el, -15.0 + 2.0 * p.ring, 1e-3);
  }
  for (int r = 0; r < 8; ++r) EXPECT_EQ(per_ring[r], 1823) << "downward laser " << r << " always hits the floor";
  const auto msg = serialize_pointcloud2(cloud, 7, 1.5);
  // The data block is 32 bytes per point; the rest is the PointCloud2 header and field list.
  EXPECT_GE(msg.size(), cloud.size() * 32);
  EXPECT_LT(msg.size(), cloud.size() * 32 + 200);
  // The default scene gives the paper's cloud size: ~888,576 bytes (27,768 points).
  EXPECT_NEAR(static_cast<double>(msg.size()), 888576.0, 0.02 * 888576.0);
}

TEST(Vlp16Lidar, MovingObjectsChangeTheCloud) {
  const Vlp16Lidar lidar(Vlp16Config{}, default_lidar_scene());
  const auto a = lidar.scan(0.0), b = lidar.scan(2.0), c = lidar.scan(0.0);
  ASSERT_EQ(a.size(), c.size());
  bool same = true;
  for (std::size_t i = 0; i < a.size(); ++i) same &= a[i].x == c[i].x && a[i].y == c[i].y;
  EXPECT_TRUE(same) << "a scan is deterministic";
  bool moved = a.size() != b.size();
  for (std::size_t i = 0; !moved && i < a.size(); ++i) moved |= a[i].x != b[i].x;
  EXPECT_TRUE(moved);
}

TEST(Vlp16Lidar, OctreeCompressionShrinksTheCloud) {
  const Vlp16Lidar lidar(Vlp16Config{}, default_lidar_scene());
  const auto cloud = lidar.scan(0.0);
  const auto low = compress_cloud(cloud, "LOW_RES_ONLINE_COMPRESSION_WITHOUT_COLOR");
  const auto high = compress_cloud(cloud, "HIGH_RES_ONLINE_COMPRESSION_WITHOUT_COLOR");
  EXPECT_GT(low.size(), 1000U);
  EXPECT_LT(low.size(), high.size());
  EXPECT_LT(high.size(), cloud.size() * 32 / 2);
  EXPECT_THROW(compress_cloud(cloud, "ZIP"), std::invalid_argument);
}

TEST(VideoFrames, SizesComeFromTheFile) {
  const EncodedVideo v = encode_video_frames(kVtest, 0, 0, 90, 20);
  ASSERT_EQ(v.frame_bytes.size(), 20U);
  EXPECT_EQ(v.width, 768);
  EXPECT_EQ(v.height, 576);
  // The 6th frame, decoded and encoded here directly, has the size the source reported.
  cv::VideoCapture cap(kVtest, cv::CAP_FFMPEG);
  cv::Mat f;
  for (int i = 0; i < 6; ++i) cap.read(f);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", f, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  EXPECT_EQ(v.frame_bytes[5], jpeg.size());
  // Frames differ (people walk), and a lower quality gives smaller frames.
  EXPECT_NE(v.frame_bytes[0], v.frame_bytes[19]);
  const EncodedVideo low = encode_video_frames(kVtest, 0, 0, 30, 20);
  EXPECT_LT(low.frame_bytes[5], v.frame_bytes[5]);
  const EncodedVideo hd = encode_video_frames(kVtest, 1280, 720, 90, 3);
  EXPECT_EQ(hd.width, 1280);
  EXPECT_GT(hd.frame_bytes[0], v.frame_bytes[0]);
}

TEST(VideoFrames, MissingFileIsNamed) {
  try {
    encode_video_frames("/nonexistent/clip.avi", 0, 0, 90, 1);
    FAIL();
  } catch (const base::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/clip.avi"), std::string::npos);
  }
}

TEST(VideoFrames, ParametricModelAveragesToTheBitrate) {
  const ParametricVideo v{8.0, 30.0, 30, 5.0};
  double bytes = 0;
  for (std::uint64_t s = 0; s < 300; ++s) bytes += v.frame_bytes(s);
  EXPECT_NEAR(bytes * 8 / 10.0 / 1e6, 8.0, 0.01);
  EXPECT_NEAR(static_cast<double>(v.frame_bytes(0)) / v.frame_bytes(1), 5.0, 0.01);
}

}  // namespace
}  // namespace offloadsim::netmodels
