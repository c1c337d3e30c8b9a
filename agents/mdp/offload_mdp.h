// The Robot Offloading MDP of the paper's §III, exactly as SPEC §1 pins it down.
//
// Actions (values of `Action`):
//   0 reuse the stored robot prediction      Δt_robot += 1, Δt_cloud += 1
//   1 reuse the stored cloud prediction      Δt_robot += 1, Δt_cloud += 1
//   2 run the robot model on x_t             robot store := f_robot(x_t), Δt_robot := 0, Δt_cloud += 1
//   3 query the cloud model on x_t           cloud store := f_cloud(x_t), Δt_cloud := 0, Δt_robot += 1,
//                                            budget -= 1
// Action 3 requested with no budget left is executed as action 2 (the paper's soft constraint).
// Before the first query of a kind its store is empty: reusing an empty store yields no
// prediction, which counts as a wrong one (0/1 loss = 1). An empty store's age starts at the
// horizon T ("older than anything in the episode") and keeps growing, capped at T.
//
// Reward: R_t = −α · L(y_t, ŷ_t) − β · cost(a_t), with 0/1 loss. Defaults α = 10, β = 1 and costs
// (0, 0, 1, 5): the paper's public code, which produced its figures (the text's α = 1, β = 10
// would make one cloud query cost fifty mistakes). Costs are charged for the executed action.
#pragma once

#include <array>
#include <cstdint>

#include "agents/mdp/trace.h"

namespace offloadsim::agents {

struct NetworkView;  // agents/loop/network_view.h

enum Action : int { kPastRobot = 0, kPastCloud = 1, kRobot = 2, kCloud = 3 };
inline constexpr int kNumActions = 4;

struct MdpParams {
  std::array<double, kNumActions> action_cost{0.0, 0.0, 1.0, 5.0};
  double accuracy_weight = 10.0;  // α
  double cost_weight = 1.0;       // β
};

// A stored prediction (the robot's or the cloud's cache).
struct StoredPrediction {
  bool present = false;
  int label = -1;
  double confidence = 0.0;
};

// What a policy observes at step t, before acting: s_t of SPEC §1 in raw units.
struct Observation {
  int t = 0;
  int horizon = 0;
  int budget_initial = 0;
  int budget_remaining = 0;
  double robot_confidence = 0.0;     // φ: f_robot's confidence on x_t
  const double* features = nullptr;  // φ: further features of x_t (num_features of them)
  int num_features = 0;
  StoredPrediction robot_store;
  StoredPrediction cloud_store;
  int dt_robot = 0;  // age of the robot store, in steps
  int dt_cloud = 0;  // age of the cloud store, in steps
  // The robot's view of the network in the closed loop (agents/loop); nullptr in the plain MDP.
  const NetworkView* network = nullptr;

  int time_left() const { return horizon - t; }
};

struct StepOutcome {
  int executed_action = 0;
  bool correct = false;
  double loss = 0.0;  // 0/1 loss of the prediction used
  double cost = 0.0;  // cost(a) of the executed action
  double reward = 0.0;
  bool done = false;
};

// Executes the action the MDP really takes for a requested one (the budget rule).
inline int executed_action(int requested, int budget_remaining) {
  return (requested == kCloud && budget_remaining <= 0) ? kRobot : requested;
}

// One episode of the MDP over a known trace, with the gym-like reset/step interface.
class OffloadEnv {
 public:
  explicit OffloadEnv(MdpParams params = {});

  // Starts an episode over `trace` with `budget` cloud queries. The trace must outlive it.
  Observation reset(const Trace& trace, int budget);
  StepOutcome step(int action);

  Observation observe() const;
  bool done() const { return t_ >= horizon_; }
  const MdpParams& params() const { return params_; }

 private:
  MdpParams params_;
  const Trace* trace_ = nullptr;
  int horizon_ = 0;
  int t_ = 0;
  int budget_initial_ = 0;
  int budget_ = 0;
  StoredPrediction robot_store_;
  StoredPrediction cloud_store_;
  int dt_robot_ = 0;
  int dt_cloud_ = 0;
};

// Cost and loss of using `store` for a frame whose truth is `true_label`.
inline bool prediction_correct(const StoredPrediction& store, int true_label) {
  return store.present && store.label == true_label;
}

// The number of cloud queries a budget fraction allows over horizon T: ⌊fraction · T⌋.
int budget_queries(double fraction, int horizon);

}  // namespace offloadsim::agents
