#include "agents/mdp/offload_mdp.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace offloadsim::agents {

OffloadEnv::OffloadEnv(MdpParams params) : params_(params) {}

Observation OffloadEnv::reset(const Trace& trace, int budget) {
  if (trace.frames.empty()) throw std::invalid_argument("OffloadEnv::reset: empty trace " + trace.id);
  if (budget < 0) throw std::invalid_argument("OffloadEnv::reset: negative budget");
  trace_ = &trace;
  horizon_ = trace.horizon();
  t_ = 0;
  budget_initial_ = budget;
  budget_ = budget;
  robot_store_ = {};
  cloud_store_ = {};
  dt_robot_ = horizon_;
  dt_cloud_ = horizon_;
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
    obs.features = f.features.data();
    obs.num_features = static_cast<int>(f.features.size());
  }
  obs.robot_store = robot_store_;
  obs.cloud_store = cloud_store_;
  obs.dt_robot = dt_robot_;
  obs.dt_cloud = dt_cloud_;
  return obs;
}

StepOutcome OffloadEnv::step(int action) {
  if (trace_ == nullptr || done()) throw std::logic_error("OffloadEnv::step after the episode ended");
  if (action < 0 || action >= kNumActions) throw std::invalid_argument("OffloadEnv::step: action out of range");
  const Frame& f = trace_->frames[static_cast<size_t>(t_)];
  StepOutcome out;
  out.executed_action = executed_action(action, budget_);
  const StoredPrediction* used = nullptr;
  switch (out.executed_action) {
    case kPastRobot:
      used = &robot_store_;
      dt_robot_ = std::min(dt_robot_ + 1, horizon_);
      dt_cloud_ = std::min(dt_cloud_ + 1, horizon_);
      break;
    case kPastCloud:
      used = &cloud_store_;
      dt_robot_ = std::min(dt_robot_ + 1, horizon_);
      dt_cloud_ = std::min(dt_cloud_ + 1, horizon_);
      break;
    case kRobot:
      robot_store_ = {true, f.robot_prediction, f.robot_confidence};
      used = &robot_store_;
      dt_robot_ = 0;
      dt_cloud_ = std::min(dt_cloud_ + 1, horizon_);
      break;
    default:  // kCloud
      cloud_store_ = {true, f.cloud_prediction, f.cloud_confidence};
      used = &cloud_store_;
      dt_cloud_ = 0;
      dt_robot_ = std::min(dt_robot_ + 1, horizon_);
      --budget_;
      break;
  }
  out.correct = prediction_correct(*used, f.true_label);
  out.loss = out.correct ? 0.0 : 1.0;
  out.cost = params_.action_cost[static_cast<size_t>(out.executed_action)];
  out.reward = -params_.accuracy_weight * out.loss - params_.cost_weight * out.cost;
  ++t_;
  out.done = done();
  return out;
}

int budget_queries(double fraction, int horizon) {
  if (fraction < 0.0 || fraction > 1.0) throw std::invalid_argument("budget fraction outside [0, 1]");
  // The small epsilon keeps 0.3 · 80 = 23.999… from losing a query to floating point.
  return static_cast<int>(std::floor(fraction * horizon + 1e-9));
}

}  // namespace offloadsim::agents
