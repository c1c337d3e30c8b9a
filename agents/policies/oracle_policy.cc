#include "agents/policies/oracle_policy.h"

#include <algorithm>
#include <stdexcept>

namespace offloadsim::agents {

namespace {

// Distinct labels of one store, and each frame's label as an index into them (1-based; 0 = empty).
struct LabelIndex {
  std::vector<int> labels;     // sorted distinct labels
  std::vector<int> frame_idx;  // per frame: 1 + position of the frame's prediction in labels
};

LabelIndex index_labels(const std::vector<int>& per_frame) {
  LabelIndex li;
  li.labels = per_frame;
  std::sort(li.labels.begin(), li.labels.end());
  li.labels.erase(std::unique(li.labels.begin(), li.labels.end()), li.labels.end());
  for (int label : per_frame) {
    li.frame_idx.push_back(
        1 + static_cast<int>(std::lower_bound(li.labels.begin(), li.labels.end(), label) - li.labels.begin()));
  }
  return li;
}

class OracleTable {
 public:
  OracleTable(const Trace& trace, int budget, const MdpParams& params) : trace_(trace), params_(params) {
    std::vector<int> robot, cloud;
    for (const Frame& f : trace.frames) {
      robot.push_back(f.robot_prediction);
      cloud.push_back(f.cloud_prediction);
    }
    robot_ = index_labels(robot);
    cloud_ = index_labels(cloud);
    nr_ = static_cast<int>(robot_.labels.size()) + 1;
    nc_ = static_cast<int>(cloud_.labels.size()) + 1;
    nb_ = budget + 1;
    horizon_ = trace.horizon();
    layer_ = static_cast<size_t>(nr_) * static_cast<size_t>(nc_) * static_cast<size_t>(nb_);
    values_.assign(layer_ * static_cast<size_t>(horizon_ + 1), 0.0);
  }

  void solve_backward() {
    for (int t = horizon_ - 1; t >= 0; --t) {
      for (int r = 0; r < nr_; ++r) {
        for (int c = 0; c < nc_; ++c) {
          for (int b = 0; b < nb_; ++b) {
            int unused;
            values_[index(t, r, c, b)] = best(t, r, c, b, &unused);
          }
        }
      }
    }
  }

  OraclePlan forward(int budget) const {
    OraclePlan plan;
    plan.value = values_[index(0, 0, 0, budget)];
    int r = 0, c = 0, b = budget;
    for (int t = 0; t < horizon_; ++t) {
      int action = 0;
      best(t, r, c, b, &action);
      plan.actions.push_back(action);
      if (action == kRobot) r = robot_.frame_idx[static_cast<size_t>(t)];
      if (action == kCloud) {
        c = cloud_.frame_idx[static_cast<size_t>(t)];
        --b;
      }
    }
    return plan;
  }

 private:
  size_t index(int t, int r, int c, int b) const {
    return static_cast<size_t>(t) * layer_ +
           (static_cast<size_t>(r) * static_cast<size_t>(nc_) + static_cast<size_t>(c)) * static_cast<size_t>(nb_) +
           static_cast<size_t>(b);
  }

  double reward(int action, bool correct) const {
    return -params_.accuracy_weight * (correct ? 0.0 : 1.0) -
           params_.cost_weight * params_.action_cost[static_cast<size_t>(action)];
  }

  bool robot_label_correct(int r, int t) const {
    return r > 0 && robot_.labels[static_cast<size_t>(r - 1)] == trace_.frames[static_cast<size_t>(t)].true_label;
  }
  bool cloud_label_correct(int c, int t) const {
    return c > 0 && cloud_.labels[static_cast<size_t>(c - 1)] == trace_.frames[static_cast<size_t>(t)].true_label;
  }

  // Q-maximising executable action at (t, r, c, b) and its value; ties go to the lowest action.
  double best(int t, int r, int c, int b, int* action) const {
    const int rn = robot_.frame_idx[static_cast<size_t>(t)];
    const int cn = cloud_.frame_idx[static_cast<size_t>(t)];
    double q[kNumActions];
    q[kPastRobot] = reward(kPastRobot, robot_label_correct(r, t)) + values_[index(t + 1, r, c, b)];
    q[kPastCloud] = reward(kPastCloud, cloud_label_correct(c, t)) + values_[index(t + 1, r, c, b)];
    q[kRobot] = reward(kRobot, robot_label_correct(rn, t)) + values_[index(t + 1, rn, c, b)];
    const int num = b > 0 ? kNumActions : kCloud;  // no budget: action 3 would execute as 2
    if (b > 0) q[kCloud] = reward(kCloud, cloud_label_correct(cn, t)) + values_[index(t + 1, r, cn, b - 1)];
    int arg = 0;
    for (int a = 1; a < num; ++a) {
      if (q[a] > q[arg]) arg = a;
    }
    *action = arg;
    return q[arg];
  }

  const Trace& trace_;
  const MdpParams& params_;
  LabelIndex robot_, cloud_;
  int nr_ = 0, nc_ = 0, nb_ = 0, horizon_ = 0;
  size_t layer_ = 0;
  std::vector<double> values_;
};

}  // namespace

OraclePlan solve_oracle(const Trace& trace, int budget, const MdpParams& params) {
  if (budget < 0) throw std::invalid_argument("solve_oracle: negative budget");
  OracleTable table(trace, budget, params);
  table.solve_backward();
  return table.forward(budget);
}

void OraclePolicy::begin_episode(const EpisodeContext& ctx) {
  if (ctx.trace == nullptr || ctx.params == nullptr) {
    throw std::logic_error("OraclePolicy needs the whole trace and the MDP parameters");
  }
  plan_ = solve_oracle(*ctx.trace, ctx.budget, *ctx.params);
}

int OraclePolicy::act(const Observation& obs) {
  if (obs.t < 0 || obs.t >= static_cast<int>(plan_.actions.size()))
    throw std::logic_error("OraclePolicy: step outside plan");
  return plan_.actions[static_cast<size_t>(obs.t)];
}

}  // namespace offloadsim::agents
