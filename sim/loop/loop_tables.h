// The closed loop's tables — decisions.csv (every frame), queries.csv (every request on the wire),
// summary.csv (per policy and robot, and overall) — shared by the simulation (kind: closed-loop) and
// the live processes (kind: live), so that both write the same columns. docs/loop.md lists them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/loop/closed_loop.h"

namespace offloadsim::sim {

extern const char* const kSummaryHeader;
extern const char* const kDecisionsHeader;
extern const char* const kQueriesHeader;
extern const char* const kCongestionTracesHeader;
extern const char* const kCongestionProbesHeader;

// One sensor stream of a robot, as the network tables summarise it (flow names start robotN-).
struct SensorStream {
  std::string flow;
  double goodput_mbps = 0;
  std::uint64_t drops = 0;
};

// One row of summary.csv. net_rtt_*: percentiles of a reply's round trip less the service time the
// cloud reports in it (the network both ways plus any wait for a cloud worker): what the robot's
// estimator reads, beside latency_*, which includes the service.
struct SummaryLine {
  std::string policy, robot;
  std::uint64_t seed = 0;
  int frames = 0, episodes = 0, cloud_queries = 0, robot_runs = 0, timeouts = 0, on_time_queries = 0;
  double reward_per_frame = 0, reward_fixed_per_frame = 0, accuracy = 0, episode_reward_mean = 0, episode_reward_se = 0,
         queries_per_s = 0, on_time_share = 0, latency_p50 = 0, latency_p95 = 0, latency_p99 = 0, net_rtt_p50 = 0,
         net_rtt_p95 = 0, price_mean = 0, tokens_granted_mean = 0, sensor_goodput_mbps = 0;
  std::uint64_t bytes_offloaded = 0, sensor_drops = 0;
};

// Summarises the frames and queries of `robot` (-1: all robots) under one policy and seed; `streams` are the
// sensor streams (none in a live run).
SummaryLine summarise(const std::string& policy, std::uint64_t seed, int robot, const ClosedLoopResult& r, double fps,
                      const std::vector<SensorStream>& streams);
std::string summary_csv_line(const SummaryLine& s);
// Rows of decisions.csv / queries.csv for one policy's run of one seed; ground truth left empty
// where the result has none (a live run).
void append_decisions(std::string& csv, const std::string& policy, std::uint64_t seed, const ClosedLoopResult& r);
void append_queries(std::string& csv, const std::string& policy, std::uint64_t seed, const ClosedLoopResult& r);
// Rows of congestion_traces.csv (docs/congestion.md): one per scored frame, joined with its query's
// record (the true outcome: a late reply, a time-out); `condition` its first cells.
void append_congestion_traces(std::string& csv, const std::string& condition, const std::string& policy,
                              const ClosedLoopResult& r);
// Rows of congestion_probes.csv: every probe of the run (the path's base delay, docs/congestion.md).
void append_congestion_probes(std::string& csv, const std::string& condition, const std::string& policy,
                              const ClosedLoopResult& r);

// Reads back what summarise needs from decisions.csv and queries.csv rows of one policy (a live
// robot's files). Throws base::InputError naming the file, line and column.
ClosedLoopResult read_loop_tables(const std::string& decisions_csv, const std::string& queries_csv,
                                  const std::string& policy);

}  // namespace offloadsim::sim
