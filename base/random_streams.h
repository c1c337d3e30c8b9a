// Every random-stream id offloadsim uses, in one list, so that no two draws share a stream by
// accident and a new one is added here, beside the others.
//
// Two kinds of id:
// - derive_seed(scenario seed, stream, index) streams (seed.h): each gives independent 64-bit seeds
//   for the std:: generators of agents and runners;
// - ns-3's own stream indices (AssignStreams): ns-3 numbers the random variables it creates from a
//   process-wide counter, so a second run in one process would draw differently. Every random
//   variable of a network run gets a fixed index from these bases instead: same spec and seed,
//   same run, whatever ran before it. Bases are far apart, as each helper takes a block of indices.
// ns-3's seed and run number come from the scenario seed and a run number (netmodels'
// ns3_rng_setting): network-study numbers its conditions 1, 2, … in the order of the schema's
// study.conditions choices; network-run and every policy of a closed-loop run use run 1, so the
// policies of one closed-loop scenario see the same network draws (paired comparisons).
#pragma once

#include <cstdint>

namespace offloadsim::base::streams {

// ---- derive_seed streams ----
constexpr std::uint64_t kTestTraces = 1;         // offload-eval: synthetic test trace i
constexpr std::uint64_t kCalibrationTraces = 2;  // offload-eval: heuristic calibration trace i
constexpr std::uint64_t kPolicies = 3;           // offload-eval: policy p on (trace t, budget b)
constexpr std::uint64_t kTrainingTraces = 11;    // rl-train: training trace of episode key k
constexpr std::uint64_t kTrainingBudgets = 12;   // rl-train: budget of episode key k
constexpr std::uint64_t kActionSampling = 13;    // rl-train: action sampling in round r
constexpr std::uint64_t kVideoSplit = 21;        // video-traces: train/test split of segments
constexpr std::uint64_t kLoopRobotTraces = 31;   // closed-loop: robot r's frame stream
constexpr std::uint64_t kLoopPolicies = 32;      // closed-loop: robot r's policy draws
constexpr std::uint64_t kLoopServiceTimes = 33;  // closed-loop: the cloud's service times
constexpr std::uint64_t kLoopCalibration = 34;   // closed-loop: heuristic calibration traces
constexpr std::uint64_t kSurrogateCells = 41;    // congestion surrogate: cell c's jitter and service draws

// ---- ns-3 stream index bases ----
constexpr std::int64_t kNs3Wifi = 1000;        // channel, then devices (+10)
constexpr std::int64_t kNs3Lte = 1000;         // an LTE run has no WiFi: the same block
constexpr std::int64_t kNs3Mobility = 100000;  // every node's mobility model
constexpr std::int64_t kNs3Internet = 200000;  // every node's internet stack
constexpr std::int64_t kNs3Apps = 300000;      // background flow k: + 10·k

}  // namespace offloadsim::base::streams
