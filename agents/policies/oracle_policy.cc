#include "agents/policies/oracle_policy.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "base/input_error.h"
#include "base/stop.h"

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
    segment_ = segment_length(horizon_);
  }

  // The layers kept at once: one every segment_ steps (and the last), plus one segment's worth.
  static int segment_length(int horizon) {
    return std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(horizon)))));
  }
  static size_t layers_kept(int horizon) {
    const int s = segment_length(horizon);
    return static_cast<size_t>(horizon / s + 3) + static_cast<size_t>(s);
  }
  size_t bytes() const { return layers_kept(horizon_) * layer_ * sizeof(double); }

  // Backward pass over the whole episode, keeping the value layer of every segment_-th step
  // (checkpoints); forward pass segment by segment, recomputing each segment's layers from the
  // checkpoint after it. Memory is O(√T) layers instead of T + 1, for about twice the backward
  // work; every value is computed by the same operations in the same order, so the plan is the
  // one the full table gives, bit for bit.
  OraclePlan solve(int budget) {
    std::vector<double> next(layer_, 0.0), here(layer_);
    std::vector<std::vector<double>> checkpoint(static_cast<size_t>(horizon_ / segment_ + 1));
    // A stop request is honoured between layers; progress counts the backward pass and the forward
    // pass's recomputed layers, about horizon_ each.
    const std::string what = fmt::format("exact oracle, trace {} ({} frames, budget {})", trace_.id, horizon_, budget);
    const auto total = static_cast<std::size_t>(2 * horizon_);
    std::size_t done = 0;
    auto step = [&] {
      base::throw_if_stopped();
      if ((++done & 63) == 0) base::report_progress(what, done, total);
    };
    for (int t = horizon_ - 1; t >= 0; --t) {
      step();
      fill_layer(t, next, here);
      std::swap(next, here);  // next now holds V[t]
      if (t % segment_ == 0) checkpoint[static_cast<size_t>(t / segment_)] = next;
    }
    OraclePlan plan;
    plan.value = next[cell(0, 0, budget)];
    int r = 0, c = 0, b = budget;
    std::vector<std::vector<double>> segment;  // V[t0 + 1] … V[t1]
    for (int t0 = 0; t0 < horizon_; t0 += segment_) {
      const int t1 = std::min(horizon_, t0 + segment_);
      segment.assign(static_cast<size_t>(t1 - t0), std::vector<double>());
      segment.back() =
          t1 < horizon_ ? checkpoint[static_cast<size_t>(t1 / segment_)] : std::vector<double>(layer_, 0.0);
      for (int t = t1 - 1; t > t0; --t) {
        step();
        segment[static_cast<size_t>(t - t0 - 1)].resize(layer_);
        fill_layer(t, segment[static_cast<size_t>(t - t0)], segment[static_cast<size_t>(t - t0 - 1)]);
      }
      for (int t = t0; t < t1; ++t) {
        int action = 0;
        best(t, r, c, b, segment[static_cast<size_t>(t - t0)], &action);
        plan.actions.push_back(action);
        if (action == kRobot) r = robot_.frame_idx[static_cast<size_t>(t)];
        if (action == kCloud) {
          c = cloud_.frame_idx[static_cast<size_t>(t)];
          --b;
        }
      }
    }
    return plan;
  }

 private:
  // V[t] into `out` from V[t + 1] in `next`.
  void fill_layer(int t, const std::vector<double>& next, std::vector<double>& out) const {
    for (int r = 0; r < nr_; ++r) {
      for (int c = 0; c < nc_; ++c) {
        for (int b = 0; b < nb_; ++b) {
          int unused;
          out[cell(r, c, b)] = best(t, r, c, b, next, &unused);
        }
      }
    }
  }

  size_t cell(int r, int c, int b) const {
    return (static_cast<size_t>(r) * static_cast<size_t>(nc_) + static_cast<size_t>(c)) * static_cast<size_t>(nb_) +
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

  // Q-maximising executable action at (t, r, c, b) and its value, given V[t + 1] in `next`; ties
  // go to the lowest action.
  double best(int t, int r, int c, int b, const std::vector<double>& next, int* action) const {
    const int rn = robot_.frame_idx[static_cast<size_t>(t)];
    const int cn = cloud_.frame_idx[static_cast<size_t>(t)];
    double q[kNumActions];
    q[kPastRobot] = reward(kPastRobot, robot_label_correct(r, t)) + next[cell(r, c, b)];
    q[kPastCloud] = reward(kPastCloud, cloud_label_correct(c, t)) + next[cell(r, c, b)];
    q[kRobot] = reward(kRobot, robot_label_correct(rn, t)) + next[cell(rn, c, b)];
    const int num = b > 0 ? kNumActions : kCloud;  // no budget: action 3 would execute as 2
    if (b > 0) q[kCloud] = reward(kCloud, cloud_label_correct(cn, t)) + next[cell(r, cn, b - 1)];
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
  int nr_ = 0, nc_ = 0, nb_ = 0, horizon_ = 0, segment_ = 1;
  size_t layer_ = 0;
};

}  // namespace

std::size_t oracle_memory_bytes(const Trace& trace, int budget) {
  const MdpParams unused;
  return OracleTable(trace, budget, unused).bytes();
}

OraclePlan solve_oracle(const Trace& trace, int budget, const MdpParams& params) {
  if (budget < 0) throw std::invalid_argument("solve_oracle: negative budget");
  OracleTable table(trace, budget, params);
  if (table.bytes() > kOracleMemoryLimit) {
    throw base::InputError(
        "trace " + trace.id, 0, "",
        fmt::format("the exact oracle would need {:.1f} GiB for its {} frames at a budget of {} queries, more than "
                    "its limit of {:.0f} GiB (docs/limits.md): use shorter traces, a smaller budget, or leave the "
                    "oracle out",
                    static_cast<double>(table.bytes()) / (1 << 30), trace.horizon(), budget,
                    static_cast<double>(kOracleMemoryLimit) / (1 << 30)));
  }
  return table.solve(budget);
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
