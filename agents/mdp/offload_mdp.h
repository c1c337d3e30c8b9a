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
//
// `Quirks` switch on, one by one, what the paper's public code (StanfordASL/cloud_robotics,
// FaceNet_four_action_simulator) does differently; its published Fig. 5 ratios depend on them
// (docs/mdp.md, "The paper's code"). All off is the MDP above.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/mdp/trace.h"

namespace offloadsim::agents {

struct NetworkView;  // agents/loop/network_view.h

enum Action : int { kPastRobot = 0, kPastCloud = 1, kRobot = 2, kCloud = 3 };
inline constexpr int kNumActions = 4;
inline constexpr const char* kActionNames[kNumActions] = {"past_robot", "past_cloud", "robot", "cloud"};

// What the paper's code does differently from the MDP above, each switch its own (mdp.variant:
// paper-code turns all on; mdp.quirks_off turns single ones back off). The environment reads the
// first two, the episode runner the third, the policies and the stream the rest.
struct Quirks {
  // A query (action 2 or 3) does not end the frame: the policy acts again on the same frame, and a
  // query of a kind the frame already had becomes the matching reuse (2 → 0, 3 → 1), which ends
  // it; so does any reuse. Every step is charged its cost; the frame's loss is charged once, at
  // the step that ends it, for the prediction that step used.
  bool two_stage_steps = false;
  // Both stores start with frame 0's answers (free), and frame 0 counts as queried by both (with
  // two_stage_steps a query on frame 0 is therefore a reuse).
  bool prefilled_stores = false;
  // The per-step metric leaves out the episode's last step (the code logs a step only when the
  // episode goes on).
  bool unlogged_final_step = false;
  // all-cloud queries every ⌊T / N_budget⌋ frames instead of ⌈T / N_budget⌉.
  bool all_cloud_floor_period = false;
  // The threshold heuristic compares the confidence of the prediction used at the previous step
  // (not the current frame's robot confidence) with its threshold, and asks for the cloud below
  // it, budget or not (the environment's budget rule then runs the robot).
  bool heuristic_lag = false;
  // random draws from all four actions even when no budget is left.
  bool random_any_action = false;
  // The synthetic stream switches person when t % ℓ == 0 (ℓ = 1 + Poisson(mean − 1), redrawn at
  // each switch) and redraws the image when t % redraw_every == 0 on the episode's clock, so an
  // image drawn before a switch stays in view after it.
  bool stream_timing = false;

  bool any_env() const { return two_stage_steps || prefilled_stores; }
};

// The quirks by their scenario names (mdp.quirks_off), in the order docs/mdp.md switches them.
struct QuirkName {
  const char* name;
  bool Quirks::*flag;
};
inline constexpr QuirkName kQuirkNames[] = {
    {"unlogged-final-step", &Quirks::unlogged_final_step},
    {"two-stage-steps", &Quirks::two_stage_steps},
    {"prefilled-stores", &Quirks::prefilled_stores},
    {"all-cloud-floor-period", &Quirks::all_cloud_floor_period},
    {"heuristic-lag", &Quirks::heuristic_lag},
    {"random-any-action", &Quirks::random_any_action},
    {"stream-timing", &Quirks::stream_timing},
};

struct MdpParams {
  std::array<double, kNumActions> action_cost{0.0, 0.0, 1.0, 5.0};
  double accuracy_weight = 10.0;  // α
  double cost_weight = 1.0;       // β
  Quirks quirks;                  // all off: the MDP of SPEC §1
  // Two features appended to φ(x_t) in every observation: the distance from x_t's descriptor
  // (Frame::descriptor) to that of the input the robot store, and the cloud store, last answered
  // (an empty store: 2·‖descriptor‖, as far as two inputs of that norm can be). The paper's code
  // has them in its state (past_edge_xdiff, past_cloud_xdiff); they tell a learner how far the
  // current frame has moved from what it holds. Needs traces with descriptors.
  bool store_distances = false;
};

// The names of the observation's features φ: the trace's, then the store distances if on
// (agents/mdp/observation_features.h).
std::vector<std::string> observation_feature_names(const Trace& trace, const MdpParams& params);

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
  // Quirks::two_stage_steps: which queries the current frame has had (always false otherwise).
  bool frame_robot_queried = false;
  bool frame_cloud_queried = false;
  // The prediction the previous step used (before the first step: none, confidence 0).
  StoredPrediction last_used;

  int time_left() const { return horizon - t; }
};

struct StepOutcome {
  int executed_action = 0;
  bool correct = false;
  double loss = 0.0;  // 0/1 loss of the prediction used
  double cost = 0.0;  // cost(a) of the executed action
  double reward = 0.0;
  bool done = false;
  // Whether this step ended its frame (always, unless Quirks::two_stage_steps); loss and
  // correct refer to the frame and are only set on the step that ends it.
  bool frame_end = true;
  int frame = 0;  // the frame this step acted on
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
  bool robot_queried_ = false;  // this frame (two-stage steps)
  bool cloud_queried_ = false;
  StoredPrediction last_used_;
  int robot_store_frame_ = -1;  // the frame whose answer each store holds (−1: empty)
  int cloud_store_frame_ = -1;
  mutable std::vector<double> features_;  // φ (agents/mdp/observation_features.h)
};

// Cost and loss of using `store` for a frame whose truth is `true_label`.
inline bool prediction_correct(const StoredPrediction& store, int true_label) {
  return store.present && store.label == true_label;
}

// The number of cloud queries a budget fraction allows over horizon T: ⌊fraction · T⌋.
int budget_queries(double fraction, int horizon);

}  // namespace offloadsim::agents
