#pragma once
// The scenario schema's building blocks, shared by the files that declare its fields by section
// (schema_evaluation.cc, schema_network.cc, schema_loop.cc); only schema*.cc include this.

#include <limits>
#include <string>
#include <vector>

#include "sim/scenario/field_spec.h"

namespace offloadsim::sim::schema_parts {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline const std::vector<std::string> kEvalKinds = {"offload-eval", "rl-train"};  // evaluation fields
inline const std::vector<std::string> kRlTrain = {"rl-train", "hardware-experiment"};
// The learning fields, which training in the congestion surrogate takes too.
inline const std::vector<std::string> kTrain = {"rl-train", "hardware-experiment", "surrogate-train"};
// Fields of the evaluation protocol that a hardware experiment also takes.
inline const std::vector<std::string> kEvalAndHardware = {"offload-eval", "rl-train", "hardware-experiment"};
inline const std::vector<std::string> kVideo = {"video-traces", "hardware-experiment", "live"};
// The video and model fields that timing the models takes too.
inline const std::vector<std::string> kVideoModels = {"video-traces", "hardware-experiment", "live",
                                                      "perception-timing"};
inline const std::vector<std::string> kNet = {"network-study",   "network-run",     "closed-loop", "congestion-traces",
                                              "surrogate-check", "surrogate-train", "live"};
// The closed loop plays the MDP (mdp.*) over the evaluation kinds' streams with their policies.
// Live mode (kind: live) is the closed loop played by real processes, congestion-traces runs it
// over a grid of conditions, surrogate-check beside the surrogate, and surrogate-train trains in
// the surrogate of its cells: all take every field of it.
inline const std::vector<std::string> kMdp = {
    "offload-eval",      "rl-train",        "hardware-experiment", "closed-loop",
    "congestion-traces", "surrogate-check", "surrogate-train",     "live"};
inline const std::vector<std::string> kStream = {
    "offload-eval", "rl-train", "closed-loop", "congestion-traces", "surrogate-check", "surrogate-train", "live"};
inline const std::vector<std::string> kPolicies = {"offload-eval",      "rl-train",        "closed-loop",
                                                   "congestion-traces", "surrogate-check", "live"};
inline const std::vector<std::string> kNetRun = {"network-run",     "closed-loop",     "congestion-traces",
                                                 "surrogate-check", "surrogate-train", "live"};
inline const std::vector<std::string> kLoop = {"closed-loop", "congestion-traces", "surrogate-check", "surrogate-train",
                                               "live"};
inline const std::vector<std::string> kLive = {"live"};
// Medians of the OpenCV people counters of agents/perception on vtest.avi at its own 768×576, one
// OpenCV thread each, timed on an idle machine into scenarios/data/opencv-timing/timing.csv
// (scenarios/perception_timing.yaml; docs/loop.md): the defaults of the robot's inference time and the
// cloud's service time. A test keeps them equal.
inline constexpr double kRobotInferenceMs = 168.455;
inline constexpr double kCloudServiceMs = 702.6;

inline FieldSpec field(std::string path, FieldType type, std::string unit, Value def, double lo, double hi,
                       std::string help, std::vector<std::string> kinds) {
  FieldSpec f;
  f.path = std::move(path);
  f.type = type;
  f.unit = std::move(unit);
  f.default_value = std::move(def);
  f.min = lo;
  f.max = hi;
  f.help = std::move(help);
  f.kinds = std::move(kinds);
  return f;
}

inline FieldSpec choice(std::string path, std::vector<std::string> choices, std::string def, std::string help,
                        std::vector<std::string> kinds) {
  FieldSpec f =
      field(std::move(path), FieldType::kChoice, "", std::move(def), -kInf, kInf, std::move(help), std::move(kinds));
  f.choices = std::move(choices);
  return f;
}

// A file path that may be left out (its default "" means "not given").
inline FieldSpec optional_file(std::string path, std::string help, std::vector<std::string> kinds) {
  FieldSpec f =
      field(std::move(path), FieldType::kPath, "", std::string(), -kInf, kInf, std::move(help), std::move(kinds));
  f.optional_path = true;
  return f;
}

// Each appends its section's fields to `s`, in the order docs/scenarios.md lists them.
void add_evaluation_fields(std::vector<FieldSpec>& s);  // offload-eval, rl-train, video, perception-timing
void add_network_fields(std::vector<FieldSpec>& s);     // the ns-3 networks
void add_loop_fields(std::vector<FieldSpec>& s);        // closed loop, congestion, live, output

}  // namespace offloadsim::sim::schema_parts
