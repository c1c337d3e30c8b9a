#include "sim/loop/loop_tables.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "agents/mdp/offload_mdp.h"
#include "base/csv_table.h"
#include "base/input_error.h"
#include "base/stats.h"

namespace offloadsim::sim {

namespace {

using agents::kActionNames;

std::string num(double x, int digits = 3) {
  return std::isnan(x) ? "NA" : fmt::format("{:.{}f}", x, digits);
}

}  // namespace

const char* const kQueriesHeader =
    "policy,seed,robot,kind,query_id,frame,bytes,sent_s,replied_s,latency_ms,service_ms,timed_out\n";

// Summarises the frames and queries of `robot` (-1: all robots) under one policy.
SummaryLine summarise(const std::string& policy, std::uint64_t seed, int robot, const ClosedLoopResult& r, double fps,
                      const std::vector<SensorStream>& streams) {
  SummaryLine s;
  s.policy = policy;
  s.seed = seed;
  s.robot = robot < 0 ? "all" : fmt::format("robot{}", robot + 1);
  std::vector<double> reward, reward_fixed, price, granted;
  std::map<std::pair<int, int>, double> episode_reward;
  int correct = 0;
  for (const agents::ScoredFrame& f : r.frames) {
    if (robot >= 0 && f.robot != robot) continue;
    ++s.frames;
    reward.push_back(f.reward);
    reward_fixed.push_back(f.reward_fixed);
    correct += f.correct ? 1 : 0;
    episode_reward[{f.robot, f.episode}] += f.reward;
    if (f.step == 0) granted.push_back(f.tokens_granted);
    if (f.executed_action == agents::kCloud) {
      ++s.cloud_queries;
      s.on_time_queries += f.on_time ? 1 : 0;
      s.bytes_offloaded += f.bytes;
      price.push_back(f.price);
    }
    if (f.executed_action == agents::kRobot) ++s.robot_runs;
  }
  std::vector<double> latency_ms, net_rtt_ms;
  for (const QueryRecord& q : r.queries) {
    if (q.probe || (robot >= 0 && q.robot != robot)) continue;
    if (q.timed_out) ++s.timeouts;
    if (q.replied_s >= 0) {
      latency_ms.push_back((q.replied_s - q.sent_s) * 1e3);
      net_rtt_ms.push_back((q.replied_s - q.sent_s - q.service_s) * 1e3);
    }
  }
  std::vector<double> episodes;
  for (const auto& [key, total] : episode_reward) episodes.push_back(total);
  s.episodes = static_cast<int>(episodes.size());
  s.reward_per_frame = base::mean(reward);
  s.reward_fixed_per_frame = base::mean(reward_fixed);
  s.accuracy = s.frames > 0 ? static_cast<double>(correct) / s.frames : std::nan("");
  s.episode_reward_mean = base::mean(episodes);
  s.episode_reward_se = base::standard_error(episodes);
  const double robot_seconds = static_cast<double>(s.frames) / fps;
  s.queries_per_s = robot_seconds > 0 ? s.cloud_queries / robot_seconds : std::nan("");
  s.on_time_share = s.cloud_queries > 0 ? static_cast<double>(s.on_time_queries) / s.cloud_queries : std::nan("");
  s.latency_p50 = base::lower_quantile(latency_ms, 0.5);
  s.latency_p95 = base::lower_quantile(latency_ms, 0.95);
  s.latency_p99 = base::lower_quantile(latency_ms, 0.99);
  s.net_rtt_p50 = base::lower_quantile(net_rtt_ms, 0.5);
  s.net_rtt_p95 = base::lower_quantile(net_rtt_ms, 0.95);
  s.price_mean = base::mean(price);
  s.tokens_granted_mean = base::mean(granted);
  const std::string prefix = fmt::format("robot{}-", robot + 1);
  for (const SensorStream& st : streams) {
    if (robot >= 0 && st.flow.rfind(prefix, 0) != 0) continue;
    s.sensor_goodput_mbps += st.goodput_mbps;
    s.sensor_drops += st.drops;
  }
  return s;
}

const char* const kSummaryHeader =
    "policy,seed,robot,frames,episodes,reward_per_frame,reward_fixed_cost_per_frame,episode_reward_mean,episode_reward_"
    "se,"
    "accuracy,cloud_queries,queries_per_s,on_time_share,timeouts,latency_p50_ms,latency_p95_ms,latency_p99_ms,"
    "net_rtt_p50_ms,net_rtt_p95_ms,price_mean,tokens_granted_mean,robot_runs,bytes_offloaded,sensor_goodput_mbps,"
    "sensor_drops\n";

std::string summary_csv_line(const SummaryLine& s) {
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", s.policy, s.seed,
                     s.robot, s.frames, s.episodes, num(s.reward_per_frame, 4), num(s.reward_fixed_per_frame, 4),
                     num(s.episode_reward_mean, 3), num(s.episode_reward_se, 3), num(s.accuracy, 4), s.cloud_queries,
                     num(s.queries_per_s, 3), num(s.on_time_share, 4), s.timeouts, num(s.latency_p50, 3),
                     num(s.latency_p95, 3), num(s.latency_p99, 3), num(s.net_rtt_p50, 3), num(s.net_rtt_p95, 3),
                     num(s.price_mean, 3), num(s.tokens_granted_mean, 2), s.robot_runs, s.bytes_offloaded,
                     num(s.sensor_goodput_mbps, 3), s.sensor_drops);
}

const char* const kDecisionsHeader =
    "policy,seed,robot,frame,episode,step,t_s,action,executed,reason,query_id,bytes,sent_s,replied_s,latency_ms,on_"
    "time,"
    "timed_out,used,why,prediction,true_label,correct,loss,price,reward,reward_fixed_cost,tokens,tokens_granted,"
    "est_rtt_ms,est_base_rtt_ms,est_queue_ms,est_delivery_mbps,est_timeout_rate,est_predicted_reply_ms,"
    "true_cloud_queue,true_ap_queue,true_channel_busy_s\n";

void append_decisions(std::string& csv, const std::string& policy, std::uint64_t seed, const ClosedLoopResult& r) {
  for (const agents::ScoredFrame& f : r.frames) {
    const bool sent = f.sent_s >= 0;
    const bool replied = f.replied_s >= 0;
    const auto gt_it = r.ground_truth.find({f.robot, f.frame});
    const bool known = gt_it != r.ground_truth.end();  // live runs know no ground truth
    const GroundTruth gt = known ? gt_it->second : GroundTruth{};
    fmt::format_to(std::back_inserter(csv),
                   "{},{},robot{},{},{},{},{:.6f},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},"
                   "{},{},{},{},{},{},{}\n",
                   policy, seed, f.robot + 1, f.frame, f.episode, f.step, f.t_s, kActionNames[f.requested_action],
                   kActionNames[f.executed_action], f.reason, sent ? std::to_string(f.query_id) : "", f.bytes,
                   sent ? fmt::format("{:.6f}", f.sent_s) : "", replied ? fmt::format("{:.6f}", f.replied_s) : "",
                   sent && replied ? num((f.replied_s - f.sent_s) * 1e3) : "", f.on_time ? 1 : 0, f.timed_out ? 1 : 0,
                   f.used, f.why, f.prediction, f.true_label, f.correct ? 1 : 0, f.correct ? 0 : 1, num(f.price, 4),
                   num(f.reward, 4), num(f.reward_fixed, 4), f.tokens, f.tokens_granted, num(f.est_rtt_ms),
                   num(f.est_base_rtt_ms), num(f.est_queue_ms), num(f.est_delivery_mbps), num(f.est_timeout_rate, 4),
                   num(f.est_predicted_reply_ms), known ? std::to_string(gt.cloud_queue) : "",
                   known ? num(gt.network.ap_queue_packets, 0) : "", known ? num(gt.network.channel_busy_s, 6) : "");
  }
}

void append_queries(std::string& csv, const std::string& policy, std::uint64_t seed, const ClosedLoopResult& r) {
  for (const QueryRecord& q : r.queries) {
    const bool replied = q.replied_s >= 0;
    fmt::format_to(std::back_inserter(csv), "{},{},robot{},{},{},{},{},{:.6f},{},{},{},{}\n", policy, seed, q.robot + 1,
                   q.probe ? "probe" : "query", q.id, q.frame >= 0 ? std::to_string(q.frame) : "", q.bytes, q.sent_s,
                   replied ? fmt::format("{:.6f}", q.replied_s) : "",
                   replied ? num((q.replied_s - q.sent_s) * 1e3) : "", replied ? num(q.service_s * 1e3) : "",
                   q.timed_out ? 1 : 0);
  }
}

const char* const kCongestionTracesHeader =
    "network,robots,background_mbps,policy,robot,frame,t_s,requested,executed,reason,bytes,price,tokens,"
    "tokens_granted,est_rtt_ms,est_base_rtt_ms,est_queue_ms,est_delivery_mbps,est_timeout_rate,"
    "est_predicted_reply_ms,sent_s,replied_s,rtt_ms,service_ms,cloud_wait_ms,network_ms,timed_out,on_time,correct,"
    "true_cloud_queue,"
    "true_ap_queue\n";

void append_congestion_traces(std::string& csv, const std::string& condition, const std::string& policy,
                              const ClosedLoopResult& r) {
  std::map<std::pair<int, std::uint64_t>, const QueryRecord*> query;
  for (const QueryRecord& q : r.queries) {
    if (!q.probe) query[{q.robot, q.id}] = &q;
  }
  for (const agents::ScoredFrame& f : r.frames) {
    const QueryRecord* q = nullptr;
    if (f.sent_s >= 0) {
      const auto it = query.find({f.robot, f.query_id});
      if (it != query.end()) q = it->second;
    }
    const bool replied = q != nullptr && q->replied_s >= 0;
    const bool waited = q != nullptr && q->cloud_wait_s >= 0;
    const auto gt = r.ground_truth.find({f.robot, f.frame});
    const bool known = gt != r.ground_truth.end();
    fmt::format_to(
        std::back_inserter(csv),
        "{},{},robot{},{},{:.6f},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", condition,
        policy, f.robot + 1, f.frame, f.t_s, kActionNames[f.requested_action], kActionNames[f.executed_action],
        f.reason, f.bytes, num(f.price, 4), f.tokens, f.tokens_granted, num(f.est_rtt_ms), num(f.est_base_rtt_ms),
        num(f.est_queue_ms), num(f.est_delivery_mbps), num(f.est_timeout_rate, 4), num(f.est_predicted_reply_ms),
        q ? fmt::format("{:.6f}", q->sent_s) : "", replied ? fmt::format("{:.6f}", q->replied_s) : "",
        replied ? num((q->replied_s - q->sent_s) * 1e3) : "", replied ? num(q->service_s * 1e3) : "",
        waited ? num(q->cloud_wait_s * 1e3) : "",
        replied && waited ? num((q->replied_s - q->sent_s - q->service_s - q->cloud_wait_s) * 1e3) : "",
        q && q->timed_out ? 1 : 0, f.on_time ? 1 : 0, f.correct ? 1 : 0,
        known ? std::to_string(gt->second.cloud_queue) : "", known ? num(gt->second.network.ap_queue_packets, 0) : "");
  }
}

const char* const kCongestionProbesHeader =
    "network,robots,background_mbps,policy,robot,sent_s,replied_s,rtt_ms,bytes\n";

void append_congestion_probes(std::string& csv, const std::string& condition, const std::string& policy,
                              const ClosedLoopResult& r) {
  for (const QueryRecord& q : r.queries) {
    if (!q.probe) continue;
    const bool replied = q.replied_s >= 0;
    fmt::format_to(std::back_inserter(csv), "{},{},robot{},{:.6f},{},{},{}\n", condition, policy, q.robot + 1, q.sent_s,
                   replied ? fmt::format("{:.6f}", q.replied_s) : "",
                   replied ? num((q.replied_s - q.sent_s) * 1e3) : "", q.bytes);
  }
}

namespace {
int robot_index(const base::CsvTable& t, std::size_t row, std::size_t col) {
  const std::string& v = t.cell(row, col);
  if (v.rfind("robot", 0) != 0) throw base::InputError(t.path(), t.line_of(row), "robot", "not robotN: '" + v + "'");
  return std::stoi(v.substr(5)) - 1;
}
int action_index(const base::CsvTable& t, std::size_t row, std::size_t col) {
  const std::string& v = t.cell(row, col);
  for (int a = 0; a < 4; ++a) {
    if (v == kActionNames[a]) return a;
  }
  throw base::InputError(t.path(), t.line_of(row), t.header()[col], "unknown action '" + v + "'");
}
double number_or(const base::CsvTable& t, std::size_t row, std::size_t col, double empty) {
  return t.cell(row, col).empty() ? empty : t.number(row, col);
}
}  // namespace

ClosedLoopResult read_loop_tables(const std::string& decisions_csv, const std::string& queries_csv,
                                  const std::string& policy) {
  ClosedLoopResult r;
  const base::CsvTable d = base::CsvTable::read(decisions_csv);
  const std::size_t c_policy = d.column("policy"), c_robot = d.column("robot"), c_frame = d.column("frame"),
                    c_episode = d.column("episode"), c_step = d.column("step"), c_exec = d.column("executed"),
                    c_req = d.column("action"), c_bytes = d.column("bytes"), c_on_time = d.column("on_time"),
                    c_correct = d.column("correct"), c_price = d.column("price"), c_reward = d.column("reward"),
                    c_fixed = d.column("reward_fixed_cost"), c_granted = d.column("tokens_granted");
  for (std::size_t i = 0; i < d.rows(); ++i) {
    if (d.cell(i, c_policy) != policy) continue;
    agents::ScoredFrame f;
    f.robot = robot_index(d, i, c_robot);
    f.frame = d.integer(i, c_frame);
    f.episode = d.integer(i, c_episode);
    f.step = d.integer(i, c_step);
    f.requested_action = action_index(d, i, c_req);
    f.executed_action = action_index(d, i, c_exec);
    f.bytes = static_cast<std::uint32_t>(d.integer(i, c_bytes));
    f.on_time = d.integer(i, c_on_time) != 0;
    f.correct = d.integer(i, c_correct) != 0;
    f.price = d.number(i, c_price);
    f.reward = d.number(i, c_reward);
    f.reward_fixed = d.number(i, c_fixed);
    f.tokens_granted = d.integer(i, c_granted);
    r.frames.push_back(f);
  }
  const base::CsvTable q = base::CsvTable::read(queries_csv);
  const std::size_t q_policy = q.column("policy"), q_robot = q.column("robot"), q_kind = q.column("kind"),
                    q_id = q.column("query_id"), q_bytes = q.column("bytes"), q_sent = q.column("sent_s"),
                    q_replied = q.column("replied_s"), q_service = q.column("service_ms"),
                    q_timed_out = q.column("timed_out"), q_frame = q.column("frame");
  for (std::size_t i = 0; i < q.rows(); ++i) {
    if (q.cell(i, q_policy) != policy) continue;
    QueryRecord rec;
    rec.robot = robot_index(q, i, q_robot);
    rec.probe = q.cell(i, q_kind) == "probe";
    rec.id = static_cast<std::uint64_t>(q.number(i, q_id));
    rec.frame = rec.probe ? -1 : q.integer(i, q_frame);
    rec.bytes = static_cast<std::uint32_t>(q.integer(i, q_bytes));
    rec.sent_s = q.number(i, q_sent);
    rec.replied_s = number_or(q, i, q_replied, -1);
    rec.service_s = number_or(q, i, q_service, 0) / 1e3;
    rec.timed_out = q.integer(i, q_timed_out) != 0;
    r.queries.push_back(rec);
  }
  return r;
}

}  // namespace offloadsim::sim
