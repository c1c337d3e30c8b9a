// The cloud models `offloadsim cloud` can serve (docs/live.md):
// - opencv: the OpenCV cloud model of agents/perception (the fine HOG people counter) run on the
//   JPEG frame the request carries, its count bucketed into the crowd level;
// - trace: for trace-driven runs, the answer the robot's trace records for that frame (the robots'
//   streams rebuilt from the same scenario and seed), looked up by robot and frame;
// - constant: label 0 at once (the server benchmark's trivial model).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agents/mdp/trace.h"
#include "agents/perception/video_perception.h"
#include "sim/live/cloud_server.h"

namespace offloadsim::sim::live {

class OpenCvCloudModel final : public CloudModel {
 public:
  OpenCvCloudModel(agents::HogCounterOptions options, std::vector<double> crowd_edges);
  CloudAnswer answer(const Request& request) const override;
  std::string describe() const override;

 private:
  agents::HogCounterOptions options_;
  std::vector<double> edges_;
  // One counter per concurrent inference: taken from the pool, put back after.
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<agents::PeopleCounter>> idle_;
};

class TraceCloudModel final : public CloudModel {
 public:
  // streams[r]: robot r's frames, in the order the robot plays them.
  explicit TraceCloudModel(std::vector<std::vector<agents::Frame>> streams);
  CloudAnswer answer(const Request& request) const override;
  std::string describe() const override;

 private:
  std::vector<std::vector<agents::Frame>> streams_;
};

class ConstantCloudModel final : public CloudModel {
 public:
  CloudAnswer answer(const Request&) const override { return {}; }
  std::string describe() const override { return "constant (label 0 at once)"; }
};

}  // namespace offloadsim::sim::live
