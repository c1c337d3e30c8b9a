// A Velodyne VLP-16 built with PCL: its 16 lasers (−15° … +15°, 2° apart) cast at the configured
// rotation rate and azimuth resolution into a 3-D scene (ground plane, walls, boxes, cylinders,
// objects moving at constant velocity). Rays that hit nothing within range return no point, as
// the real driver drops them. Each cloud is serialised as a ROS sensor_msgs/PointCloud2 with the
// velodyne driver's 32-byte points (x, y, z, intensity, ring and padding), and optionally
// compressed with PCL's octree point-cloud compression.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#define PCL_NO_PRECOMPILE
#include <pcl/point_cloud.h>
#include <pcl/point_types.h>

namespace offloadsim::netmodels {

// The velodyne_pointcloud driver's PointXYZIR: 32 bytes with PCL's 16-byte alignment. PCL's
// PCL_ADD_POINT4D is an anonymous struct in a union, which clang's -Wpedantic calls an extension.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wgnu-anonymous-struct"
#pragma clang diagnostic ignored "-Wnested-anon-types"
#endif
struct EIGEN_ALIGN16 VelodynePoint {
  PCL_ADD_POINT4D;
  float intensity;
  std::uint16_t ring;
  PCL_MAKE_ALIGNED_OPERATOR_NEW
};
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

struct Box {  // axis-aligned; moves at `velocity` m/s from its position at t = 0
  double min[3], max[3];
  double velocity[3] = {0, 0, 0};
  float reflectivity = 40;
};
struct Cylinder {  // vertical
  double x, y, radius, z_min, z_max;
  double velocity[2] = {0, 0};
  float reflectivity = 60;
};

struct LidarScene {
  double sensor_height_m = 0.8;  // above the ground plane (z = 0)
  bool ground = true;
  std::vector<Box> boxes;
  std::vector<Cylinder> cylinders;
};

// A hall of `length × width` m with walls of `wall_height` m, a few boxes and pillars, and
// `walkers` people (cylinders) crossing it — the default scene. With the defaults the upward
// lasers clear the walls' tops in places, so a rotation returns ~27,780 of its 29,168 rays: the
// ~888 kB PointCloud2 messages of the paper's VLP-16 (SPEC §2c).
LidarScene default_lidar_scene(double length_m = 20, double width_m = 13, double wall_height_m = 3.0, int walkers = 4);

struct Vlp16Config {
  double rotation_hz = 9.92;
  double azimuth_resolution_deg = 0.0;  // 0: the VLP-16's own, one firing per 55.296 µs
  double min_range_m = 0.4;
  double max_range_m = 100.0;
  int lasers = 16;
  double lowest_elevation_deg = -15.0;
  double elevation_step_deg = 2.0;
};

class Vlp16Lidar {
 public:
  Vlp16Lidar(Vlp16Config config, LidarScene scene);

  // One full rotation's cloud at time t (moving objects where they are at t).
  pcl::PointCloud<VelodynePoint> scan(double t_s) const;

  // Rays per rotation (lasers × firings).
  std::size_t rays_per_rotation() const;
  double azimuth_resolution_deg() const { return azimuth_res_; }
  const Vlp16Config& config() const { return config_; }

 private:
  Vlp16Config config_;
  LidarScene scene_;
  double azimuth_res_;
};

// The cloud as a ROS1 sensor_msgs/PointCloud2 message, serialised as it goes on the wire
// (Header, height, width, fields, is_bigendian, point_step, row_step, data, is_dense).
std::vector<std::uint8_t> serialize_pointcloud2(const pcl::PointCloud<VelodynePoint>& cloud, std::uint32_t seq,
                                                double stamp_s, const std::string& frame_id = "velodyne");

// PCL's octree compression of the cloud's xyz (profile name as in pcl::io::compression_Profiles_e,
// e.g. "MED_RES_ONLINE_COMPRESSION_WITHOUT_COLOR"). Returns the compressed bytes.
std::vector<std::uint8_t> compress_cloud(const pcl::PointCloud<VelodynePoint>& cloud, const std::string& profile);

// The names compress_cloud accepts.
const std::vector<std::string>& compression_profiles();

}  // namespace offloadsim::netmodels

POINT_CLOUD_REGISTER_POINT_STRUCT(offloadsim::netmodels::VelodynePoint,
                                  (float, x, x)(float, y, y)(float, z, z)(float, intensity, intensity)(std::uint16_t,
                                                                                                       ring, ring))
