#include "agents/mdp/offload_mdp.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "agents/mdp/observation_features.h"

namespace offloadsim::agents {

OffloadEnv::OffloadEnv(MdpParams params) : params_(params) {}

std::vector<std::string> observation_feature_names(const Trace& trace, const MdpParams& params) {
  return feature_names(trace.feature_names, {params.store_distances, false});
}

Observation OffloadEnv::reset(const Trace& trace, int budget) {
  if (trace.frames.empty()) throw std::invalid_argument("OffloadEnv::reset: empty trace " + trace.id);
  if (budget < 0) throw std::invalid_argument("OffloadEnv::reset: negative budget");
  if (params_.store_distances) {
    for (const Frame& f : trace.frames) {
      if (f.descriptor.empty() || f.descriptor.size() != trace.frames.front().descriptor.size()) {
        throw std::invalid_argument(
            "trace " + trace.id +
            " has frames without input descriptors (or of different lengths): store distances "
            "need them (the synthetic stream has them; trace files get them from mdp.store_distance_feature)");
      }
    }
  }
  trace_ = &trace;
  horizon_ = trace.horizon();
  t_ = 0;
  budget_initial_ = budget;
  budget_ = budget;
  robot_store_ = {};
  cloud_store_ = {};
  dt_robot_ = horizon_;
  dt_cloud_ = horizon_;
  robot_queried_ = false;
  cloud_queried_ = false;
  last_used_ = {};
  robot_store_frame_ = cloud_store_frame_ = -1;
  if (params_.quirks.prefilled_stores) {
    robot_store_frame_ = cloud_store_frame_ = 0;
    const Frame& f = trace.frames.front();
    robot_store_ = {true, f.robot_prediction, f.robot_confidence};
    cloud_store_ = {true, f.cloud_prediction, f.cloud_confidence};
    dt_robot_ = 0;
    dt_cloud_ = 0;
    robot_queried_ = cloud_queried_ = params_.quirks.two_stage_steps;
  }
  return observe();
}

Observation OffloadEnv::observe() const {
  Observation obs;
  obs.t = t_;
  obs.horizon = horizon_;
  obs.budget_initial = budget_initial_;
  obs.budget_remaining = budget_;
  if (t_ < horizon_) {
    const Frame& f = trace_->frames[static_cast<size_t>(t_)];
    obs.robot_confidence = f.robot_confidence;
    if (params_.store_distances) {
      const auto input = [this](int stored) {
        return stored < 0 ? nullptr : &trace_->frames[static_cast<size_t>(stored)];
      };
      extract_features(f, input(robot_store_frame_), input(cloud_store_frame_), nullptr, {true, false}, features_);
      obs.features = features_.data();
      obs.num_features = static_cast<int>(features_.size());
    } else {  // φ is the frame's own features: no copy on the training hot path
      obs.features = f.features.data();
      obs.num_features = static_cast<int>(f.features.size());
    }
  }
  obs.robot_store = robot_store_;
  obs.cloud_store = cloud_store_;
  obs.dt_robot = dt_robot_;
  obs.dt_cloud = dt_cloud_;
  obs.frame_robot_queried = robot_queried_;
  obs.frame_cloud_queried = cloud_queried_;
  obs.last_used = last_used_;
  return obs;
}

StepOutcome OffloadEnv::step(int action) {
  if (trace_ == nullptr || done()) throw std::logic_error("OffloadEnv::step after the episode ended");
  if (action < 0 || action >= kNumActions) throw std::invalid_argument("OffloadEnv::step: action out of range");
  const Frame& f = trace_->frames[static_cast<size_t>(t_)];
  const bool two_stage = params_.quirks.two_stage_steps;
  StepOutcome out;
  out.frame = t_;
  out.executed_action = executed_action(action, budget_);
  // The paper's code: a query the frame already had is the matching reuse (in its order: the
  // budget rule first, then robot, then cloud).
  if (robot_queried_ && out.executed_action == kRobot) out.executed_action = kPastRobot;
  if (cloud_queried_ && out.executed_action == kCloud) out.executed_action = kPastCloud;
  const StoredPrediction* used = nullptr;
  // Ages grow when a frame ends; in the plain MDP every step ends one.
  const auto age = [this](int& dt) { dt = std::min(dt + 1, horizon_); };
  switch (out.executed_action) {
    case kPastRobot:
      used = &robot_store_;
      if (!robot_queried_) age(dt_robot_);
      if (!cloud_queried_) age(dt_cloud_);
      break;
    case kPastCloud:
      used = &cloud_store_;
      if (!robot_queried_) age(dt_robot_);
      if (!cloud_queried_) age(dt_cloud_);
      break;
    case kRobot:
      robot_store_ = {true, f.robot_prediction, f.robot_confidence};
      robot_store_frame_ = t_;
      used = &robot_store_;
      dt_robot_ = 0;
      if (two_stage) {
        robot_queried_ = true;
      } else {
        age(dt_cloud_);
      }
      break;
    default:  // kCloud
      cloud_store_ = {true, f.cloud_prediction, f.cloud_confidence};
      cloud_store_frame_ = t_;
      used = &cloud_store_;
      dt_cloud_ = 0;
      --budget_;
      if (two_stage) {
        cloud_queried_ = true;
      } else {
        age(dt_robot_);
      }
      break;
  }
  last_used_ = *used;
  out.frame_end = !two_stage || out.executed_action == kPastRobot || out.executed_action == kPastCloud;
  out.cost = params_.action_cost[static_cast<size_t>(out.executed_action)];
  if (out.frame_end) {
    out.correct = prediction_correct(*used, f.true_label);
    out.loss = out.correct ? 0.0 : 1.0;
    ++t_;
    robot_queried_ = cloud_queried_ = false;
  }
  out.reward = -params_.accuracy_weight * out.loss - params_.cost_weight * out.cost;
  out.done = done();
  return out;
}

int budget_queries(double fraction, int horizon) {
  if (fraction < 0.0 || fraction > 1.0) throw std::invalid_argument("budget fraction outside [0, 1]");
  // The small epsilon keeps 0.3 · 80 = 23.999… from losing a query to floating point.
  return static_cast<int>(std::floor(fraction * horizon + 1e-9));
}

}  // namespace offloadsim::agents
