// The congestion surrogate: the closed loop's rules over a fast model of a shared cell, for
// training and comparing offloaders where ns-3 is far too slow (docs/congestion.md). No ns-3 here.
//
// A batch holds cells; each cell holds `robots` slots (robots), stepped together frame by frame.
// What each slot plays is the closed loop's own robot (agents/loop/robot_agent.h), with the same
// estimator, price, grant and network view (agents/loop/loop_rules.h) and the same feature
// extractor: frame f of robot r is decided at f/fps + r/(R·fps); a query needs a token and room
// under max_in_flight, else the robot model runs; it is scored at its deadline with the cloud's
// answer if that came, else with the newest stored prediction; a late answer still updates the
// cloud store; one after the time-out is dropped and feeds the estimator's time-out rate; probes
// go half a frame after a frame when nothing is in flight.
//
// What replaces ns-3 is the cell's network, fitted per condition from congestion traces
// (fit_cell_model): a first-in first-out fluid queue that every robot's queries share. A query of
// B bytes sent at t waits for the backlog W(t) the queries before it left, takes 8B/C itself and
// a base round trip b, plus a jitter drawn from the measured residuals:
//     wire = max(8B/C, b + W(t) + 8B/C + ε),   W ← W + 8B/C,   W drains at 1 s per s,
// where C is what the cell gives queries beside its sensor streams and background load. So a
// robot that queries more makes every robot's queries slower (self-induced congestion). The
// cloud is W workers in one queue, service times drawn from the measured ones. A probe sees the
// backlog at its time, as far as the queries decided before it.
//
// A frame is scored before the robot's next frame is decided (the deadline is at most one frame
// period), so step() returns each slot's reward for the action it just took.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "agents/loop/congestion_estimator.h"
#include "agents/loop/network_view.h"
#include "agents/loop/robot_agent.h"
#include "agents/mdp/batch_env.h"
#include "agents/mdp/observation_features.h"
#include "agents/mdp/offload_mdp.h"
#include "agents/mdp/state_normalizer.h"
#include "agents/mdp/trace.h"

namespace offloadsim::agents {

// One cell's network, as fitted from its congestion traces.
struct CellModel {
  std::string name;                    // the condition, e.g. wifi/8/40
  int robots = 1;                      // slots of this cell
  double base_rtt_s = 0.002;           // b
  double capacity_bps = 100e6;         // C
  std::vector<double> jitter_s;        // ε of a query: resampled; empty: none
  std::vector<double> probe_jitter_s;  // ε of a probe: resampled; empty: none
  std::vector<double> service_s;       // the cloud's service times, resampled; empty: 0
  int cloud_workers = 1;
};

// One query or probe as recorded on the wire: its run (one simulation: the requests that shared
// the cell), when it was sent, its bytes, and its time on the wire (round trip − service − the
// cloud's wait; a probe's round trip).
struct WireSample {
  int run = 0;
  double sent_s = 0;
  std::uint32_t bytes = 0;
  double wire_s = 0;
  bool probe = false;
};

struct CellFit {
  double base_rtt_s = 0, capacity_bps = 0;
  std::vector<double> jitter_s, probe_jitter_s;  // the residuals at the fit
  double mean_abs_error_s = 0;                   // of the queries
};

// Fits b and C: each run is replayed in send order through the queue; b is the median residual
// of the probes (of the queries when there are none), never negative; C is the least mean
// absolute error of the queries' wire − b − model, on a log grid from 0.1 Mbps to 10 Gbps refined
// around the best. Probes pin b, so that queries of one size alone (where b and 8B/C trade off)
// still give the transmission its due. Throws std::invalid_argument without queries.
CellFit fit_cell_model(std::vector<WireSample> samples);

struct SurrogateSettings {
  RobotAgentSettings robot;        // the closed loop's robot: fps, deadline, costs, price, grant, …
  std::uint32_t probe_bytes = 64;  // a probe's payload (loop.probe_bytes)
};

// The frame a step scored at one slot (for validation against ns-3 and for analysis): with a
// deadline of at most one frame period, the frame decided in the step; with a longer one, frames
// are scored as their deadlines pass (the step's reward is theirs), and this is the last of them.
struct SurrogateOutcome {
  int frame = -1;  // its step in the episode; -1: no frame was scored
  int executed_action = 0;
  bool on_time = false;
  bool correct = false;
  double price = 0;
  double latency_s = -1;  // a query: reply − send (≥ the time-out: it timed out); else −1
};

class CongestionSurrogate final : public BatchEnv {
 public:
  // query_sizes: a query for frame f carries query_sizes[f mod size] bytes (as in the loop).
  // Throws std::invalid_argument when a model is invalid.
  CongestionSurrogate(std::vector<CellModel> cells, SurrogateSettings settings, std::vector<std::uint32_t> query_sizes,
                      StateNormalizer normalizer, std::uint64_t seed);

  int size() const override { return static_cast<int>(slots_.size()); }
  int cells() const { return static_cast<int>(cells_.size()); }
  int cell_of(int slot) const { return slots_[static_cast<std::size_t>(slot)].cell; }
  int observation_size() const override { return normalizer_.size(); }
  FeatureSet feature_set() const { return {settings_.robot.mdp.store_distances, settings_.robot.network_features}; }

  // Begins the slot's next episode on `trace` with the paper's budget N; the grant follows the
  // loop's rule from the robot's estimate. The cell's network and the robot's estimate, stores and
  // queries in flight carry on (a robot's episodes follow one another, as in the loop).
  void reset(int slot, const Trace& trace, int paper_budget) override;
  bool done(int slot) const override;

  // One frame for every slot: actions[i] is slot i's requested action (ignored for a finished
  // slot: reward 0, done 1). Writes rewards, dones and, when non-null, outcomes. A frame's reward
  // comes in the step during which its deadline passes (the same step when the deadline is at
  // most a frame period); frames whose deadline falls after the episode's last frame are scored in
  // that last step, each as the loop would at its deadline from the robot's state then — without
  // the next episode's frames, which the loop would have begun meanwhile.
  void step(const int* actions, float* rewards, std::uint8_t* dones, SurrogateOutcome* outcomes);
  void step(const int* actions, float* rewards, std::uint8_t* dones) override {
    step(actions, rewards, dones, nullptr);
  }

  // As VectorOffloadEnv: allowed actions (the cloud only with tokens left) and normalised
  // observations, row-major; a finished slot's rows are zeros.
  void allowed_actions(float* out) const override;
  void observe(float* out) const override;
  // The raw observation of a slot (valid until the next step or reset).
  Observation observation(int slot) const;
  const NetworkView& view(int slot) const { return slots_[static_cast<std::size_t>(slot)].view; }

 private:
  struct Store {
    StoredPrediction p;
    int frame = -1;
    Frame input;  // the input's descriptor (store distances only)
  };
  struct Query {
    double sent_s = 0, reply_s = 0, service_s = 0;
    std::uint32_t bytes = 0;
    bool probe = false;
    bool given_up = false;  // timed out: its reply, when it comes, is only measured
    Store answer;           // what the cloud answers, for the cloud store
  };
  // A decided frame waiting for its deadline.
  struct Pending {
    int t = 0;  // its step in the episode
    double now_s = 0, deadline_s = 0;
    double reply_s = INFINITY, robot_ready_s = INFINITY;  // of its query, of its on-board result
    Store reused;                                         // what a reuse action took
    SurrogateOutcome outcome;                             // executed action, price, latency
  };
  struct Slot {
    int cell = 0, robot = 0;
    const Trace* trace = nullptr;
    int t = 0;      // step within the episode
    int frame = 0;  // frame index over the robot's episodes (query sizes, store ages)
    int budget_initial = 0, budget = 0;
    double now_s = 0;   // time of the next decision
    double step_s = 0;  // 1 / fps
    CongestionEstimator estimator;
    std::array<double, kRecentRtts> recent{};
    int recent_count = 0;
    Store robot_store, cloud_store;
    std::vector<std::pair<double, Store>> robot_results;  // (ready time, result), in time order
    std::vector<Query> flight;                            // queries and probes out, unordered
    int queries_out = 0;                                  // of which queries
    double last_probe_s = -1e9;
    std::deque<Pending> pending;  // in frame order
    NetworkView view;
    std::vector<double> features;
  };
  struct Cell {
    CellModel model;
    double backlog_s = 0, backlog_at_s = 0;
    std::vector<double> worker_free_s;
    std::mt19937_64 rng;
  };

  double sample(const std::vector<double>& v, std::mt19937_64& rng) const;
  // Sends a query (or a probe) from slot s at `now` through its cell: its reply time and service.
  Query send(Slot& s, double now, std::uint32_t bytes, bool probe);
  // Runs the slot's own events (replies, time-outs, robot results) up to `until`, in time order.
  void advance(Slot& s, double until);
  void refresh_view(Slot& s);
  // Scores frame p at its deadline from the slot's stores now (advanced to the deadline): its
  // outcome and reward.
  float score(const Slot& s, Pending& p) const;
  std::uint32_t query_bytes(int frame) const {
    return query_sizes_[static_cast<std::size_t>(frame) % query_sizes_.size()];
  }

  std::vector<Cell> cells_;
  std::vector<Slot> slots_;
  SurrogateSettings settings_;
  std::vector<std::uint32_t> query_sizes_;
  StateNormalizer normalizer_;
};

}  // namespace offloadsim::agents
