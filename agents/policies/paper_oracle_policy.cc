#include "agents/policies/paper_oracle_policy.h"

#include <stdexcept>

#include "base/stop.h"

namespace offloadsim::agents {

void PaperOraclePolicy::begin_episode(const EpisodeContext& ctx) {
  if (ctx.trace == nullptr || ctx.params == nullptr) {
    throw std::logic_error("PaperOraclePolicy: needs the trace and the MDP parameters");
  }
  const MdpParams& p = *ctx.params;
  two_stage_ = p.quirks.two_stage_steps;
  previous_ = -1;
  plan_.clear();
  int decision = kRobot;
  for (int t = 0; t < ctx.trace->horizon(); ++t) {
    if ((t & 4095) == 4095) base::throw_if_stopped();
    const Frame& f = ctx.trace->frames[static_cast<size_t>(t)];
    const bool new_input = t == 0 || f.input_id < 0 || f.input_id != ctx.trace->frames[t - 1].input_id;
    if (new_input) {
      const double robot =
          -p.cost_weight * p.action_cost[kRobot] - p.accuracy_weight * (f.robot_prediction == f.true_label ? 0.0 : 1.0);
      const double cloud =
          -p.cost_weight * p.action_cost[kCloud] - p.accuracy_weight * (f.cloud_prediction == f.true_label ? 0.0 : 1.0);
      decision = robot >= cloud ? kRobot : kCloud;
      plan_.push_back(decision);
    } else {
      plan_.push_back(decision == kRobot ? kPastRobot : kPastCloud);
    }
  }
}

int PaperOraclePolicy::act(const Observation& obs) {
  if (obs.t < 0 || obs.t >= static_cast<int>(plan_.size()))
    throw std::logic_error("PaperOraclePolicy: step outside plan");
  int a = plan_[static_cast<size_t>(obs.t)];
  if (two_stage_) {
    if (previous_ == kRobot) a = kPastRobot;
    if (previous_ == kCloud) a = kPastCloud;
    previous_ = a;
  }
  return a;
}

}  // namespace offloadsim::agents
