#include "netmodels/sensors/vlp16_lidar.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <pcl/PCLPointCloud2.h>
#include <pcl/compression/octree_pointcloud_compression.h>
#include <pcl/conversions.h>

namespace offloadsim::netmodels {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kFiringCycleS = 55.296e-6;  // VLP-16: one firing of all 16 lasers
constexpr double kNoHit = std::numeric_limits<double>::infinity();

struct Ray {
  double o[3], d[3];
};

double hit_box(const Ray& r, const Box& b, double t_s) {
  double t0 = 0, t1 = kNoHit;
  for (int k = 0; k < 3; ++k) {
    const double lo = b.min[k] + b.velocity[k] * t_s, hi = b.max[k] + b.velocity[k] * t_s;
    if (std::abs(r.d[k]) < 1e-12) {
      if (r.o[k] < lo || r.o[k] > hi) return kNoHit;
      continue;
    }
    double a = (lo - r.o[k]) / r.d[k], c = (hi - r.o[k]) / r.d[k];
    if (a > c) std::swap(a, c);
    t0 = std::max(t0, a);
    t1 = std::min(t1, c);
    if (t0 > t1) return kNoHit;
  }
  return t0 > 0 ? t0 : kNoHit;  // a ray starting inside a box sees nothing of it
}

double hit_cylinder(const Ray& r, const Cylinder& c, double t_s) {
  const double cx = c.x + c.velocity[0] * t_s, cy = c.y + c.velocity[1] * t_s;
  const double ox = r.o[0] - cx, oy = r.o[1] - cy;
  const double a = r.d[0] * r.d[0] + r.d[1] * r.d[1];
  if (a < 1e-12) return kNoHit;
  const double b = 2 * (ox * r.d[0] + oy * r.d[1]);
  const double q = ox * ox + oy * oy - c.radius * c.radius;
  const double disc = b * b - 4 * a * q;
  if (disc < 0) return kNoHit;
  const double t = (-b - std::sqrt(disc)) / (2 * a);
  if (t <= 0) return kNoHit;
  const double z = r.o[2] + t * r.d[2];
  return (z >= c.z_min && z <= c.z_max) ? t : kNoHit;
}

}  // namespace

LidarScene default_lidar_scene(double length_m, double width_m, double wall_height_m, int walkers) {
  LidarScene s;
  const double hl = length_m / 2, hw = width_m / 2, th = 0.2;
  auto wall = [&](double x0, double y0, double x1, double y1) {
    Box b{{x0, y0, 0}, {x1, y1, wall_height_m}};
    b.reflectivity = 30;
    s.boxes.push_back(b);
  };
  wall(-hl - th, -hw - th, hl + th, -hw);  // south
  wall(-hl - th, hw, hl + th, hw + th);    // north
  wall(-hl - th, -hw, -hl, hw);            // west
  wall(hl, -hw, hl + th, hw);              // east
  // Furniture: shelves and crates.
  s.boxes.push_back(Box{{4, 3, 0}, {6, 3.6, 1.8}});
  s.boxes.push_back(Box{{-7, -5, 0}, {-5.5, -2, 1.0}});
  s.boxes.push_back(Box{{-3, 6, 0}, {-1, 7, 0.9}});
  // Pillars.
  for (double x : {-hl / 2, hl / 2}) {
    for (double y : {-hw / 2, hw / 2}) s.cylinders.push_back(Cylinder{x, y, 0.3, 0, wall_height_m});
  }
  // People walking across the hall.
  for (int k = 0; k < walkers; ++k) {
    Cylinder p{-hl / 2 + 3.0 * k, -hw / 2 + 1.5 * k, 0.25, 0, 1.75};
    p.velocity[0] = (k % 2 == 0 ? 1.0 : -1.0) * (0.8 + 0.2 * k);
    p.velocity[1] = 0.3 * (k % 3 - 1);
    p.reflectivity = 80;
    s.cylinders.push_back(p);
  }
  return s;
}

Vlp16Lidar::Vlp16Lidar(Vlp16Config config, LidarScene scene) : config_(config), scene_(std::move(scene)) {
  if (config_.rotation_hz <= 0) throw std::invalid_argument("VLP-16: rotation rate must be > 0");
  if (config_.lasers < 1) throw std::invalid_argument("VLP-16: at least one laser");
  azimuth_res_ =
      config_.azimuth_resolution_deg > 0 ? config_.azimuth_resolution_deg : 360.0 * config_.rotation_hz * kFiringCycleS;
}

std::size_t Vlp16Lidar::rays_per_rotation() const {
  return static_cast<std::size_t>(std::floor(360.0 / azimuth_res_)) * static_cast<std::size_t>(config_.lasers);
}

pcl::PointCloud<VelodynePoint> Vlp16Lidar::scan(double t_s) const {
  pcl::PointCloud<VelodynePoint> cloud;
  const auto firings = static_cast<std::size_t>(std::floor(360.0 / azimuth_res_));
  cloud.reserve(firings * static_cast<std::size_t>(config_.lasers));
  const double period = 1.0 / config_.rotation_hz;
  for (std::size_t f = 0; f < firings; ++f) {
    const double az = static_cast<double>(f) * azimuth_res_ * kPi / 180.0;
    const double t = t_s + period * static_cast<double>(f) / static_cast<double>(firings);
    for (int l = 0; l < config_.lasers; ++l) {
      const double el = (config_.lowest_elevation_deg + config_.elevation_step_deg * l) * kPi / 180.0;
      Ray r{{0, 0, scene_.sensor_height_m}, {std::cos(el) * std::cos(az), std::cos(el) * std::sin(az), std::sin(el)}};
      double best = kNoHit;
      float refl = 0;
      if (scene_.ground && r.d[2] < 0) {
        best = -r.o[2] / r.d[2];
        refl = 20;
      }
      for (const Box& b : scene_.boxes) {
        const double h = hit_box(r, b, t);
        if (h < best) best = h, refl = b.reflectivity;
      }
      for (const Cylinder& c : scene_.cylinders) {
        const double h = hit_cylinder(r, c, t);
        if (h < best) best = h, refl = c.reflectivity;
      }
      if (best < config_.min_range_m || best > config_.max_range_m) continue;  // no return
      VelodynePoint p;
      p.x = static_cast<float>(r.d[0] * best);
      p.y = static_cast<float>(r.d[1] * best);
      p.z = static_cast<float>(r.d[2] * best);  // the sensor's frame: origin at the sensor
      p.intensity = refl;
      p.ring = static_cast<std::uint16_t>(l);
      cloud.push_back(p);
    }
  }
  cloud.height = 1;
  cloud.width = static_cast<std::uint32_t>(cloud.size());
  cloud.is_dense = true;
  return cloud;
}

namespace {
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<std::uint8_t>((v >> (8 * k)) & 0xffU));
}
void put_string(std::vector<std::uint8_t>& out, const std::string& s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}
}  // namespace

std::vector<std::uint8_t> serialize_pointcloud2(const pcl::PointCloud<VelodynePoint>& cloud, std::uint32_t seq,
                                                double stamp_s, const std::string& frame_id) {
  pcl::PCLPointCloud2 msg;
  pcl::toPCLPointCloud2(cloud, msg);
  std::vector<std::uint8_t> out;
  out.reserve(msg.data.size() + 256);
  put_u32(out, seq);
  const auto secs = static_cast<std::uint32_t>(stamp_s);
  put_u32(out, secs);
  put_u32(out, static_cast<std::uint32_t>((stamp_s - secs) * 1e9));
  put_string(out, frame_id);
  put_u32(out, msg.height);
  put_u32(out, msg.width);
  put_u32(out, static_cast<std::uint32_t>(msg.fields.size()));
  for (const auto& f : msg.fields) {
    put_string(out, f.name);
    put_u32(out, f.offset);
    out.push_back(f.datatype);
    put_u32(out, f.count);
  }
  out.push_back(msg.is_bigendian);
  put_u32(out, msg.point_step);
  put_u32(out, msg.row_step);
  put_u32(out, static_cast<std::uint32_t>(msg.data.size()));
  out.insert(out.end(), msg.data.begin(), msg.data.end());
  out.push_back(msg.is_dense);
  return out;
}

const std::vector<std::string>& compression_profiles() {
  static const std::vector<std::string> names = {
      "LOW_RES_ONLINE_COMPRESSION_WITHOUT_COLOR",  "MED_RES_ONLINE_COMPRESSION_WITHOUT_COLOR",
      "HIGH_RES_ONLINE_COMPRESSION_WITHOUT_COLOR", "LOW_RES_OFFLINE_COMPRESSION_WITHOUT_COLOR",
      "MED_RES_OFFLINE_COMPRESSION_WITHOUT_COLOR", "HIGH_RES_OFFLINE_COMPRESSION_WITHOUT_COLOR"};
  return names;
}

std::vector<std::uint8_t> compress_cloud(const pcl::PointCloud<VelodynePoint>& cloud, const std::string& profile) {
  using pcl::io::compression_Profiles_e;
  static const compression_Profiles_e ids[] = {
      pcl::io::LOW_RES_ONLINE_COMPRESSION_WITHOUT_COLOR,  pcl::io::MED_RES_ONLINE_COMPRESSION_WITHOUT_COLOR,
      pcl::io::HIGH_RES_ONLINE_COMPRESSION_WITHOUT_COLOR, pcl::io::LOW_RES_OFFLINE_COMPRESSION_WITHOUT_COLOR,
      pcl::io::MED_RES_OFFLINE_COMPRESSION_WITHOUT_COLOR, pcl::io::HIGH_RES_OFFLINE_COMPRESSION_WITHOUT_COLOR};
  const auto& names = compression_profiles();
  const auto it = std::find(names.begin(), names.end(), profile);
  if (it == names.end()) throw std::invalid_argument("unknown PCL compression profile '" + profile + "'");
  auto xyz = pcl::make_shared<pcl::PointCloud<pcl::PointXYZ>>();
  xyz->reserve(cloud.size());
  for (const auto& p : cloud) xyz->push_back(pcl::PointXYZ(p.x, p.y, p.z));
  // Every cloud is coded on its own (an I-frame): a subscriber that drops messages can still
  // decode each one it gets.
  pcl::io::OctreePointCloudCompression<pcl::PointXYZ> encoder(ids[it - names.begin()], false);
  std::stringstream out;
  encoder.encodePointCloud(xyz, out);
  const std::string s = out.str();
  return {s.begin(), s.end()};
}

}  // namespace offloadsim::netmodels
