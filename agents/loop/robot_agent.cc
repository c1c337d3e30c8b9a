#include "agents/loop/robot_agent.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "agents/loop/loop_rules.h"
#include "agents/mdp/observation_features.h"
#include "base/seed.h"

namespace offloadsim::agents {

namespace {
constexpr double kEps = 1e-12;
}  // namespace

RobotAgent::RobotAgent(int robot, Policy& policy, std::vector<Trace> episodes,
                       std::function<std::uint32_t(int)> query_bytes, RobotAgentSettings settings, std::uint64_t seed)
    : robot_(robot),
      policy_(policy),
      episodes_(std::move(episodes)),
      query_bytes_(std::move(query_bytes)),
      settings_(settings),
      seed_(seed),
      estimator_(settings.estimator) {
  if (policy_.clairvoyant()) {
    throw std::invalid_argument(policy_.name() + " knows the future; a robot in the closed loop cannot");
  }
  if (!(settings_.fps > 0) || !(settings_.deadline_s > 0) || !(settings_.mean_query_bytes > 0)) {
    throw std::invalid_argument("RobotAgent: fps, deadline and mean query size must be positive");
  }
  for (std::size_t e = 0; e < episodes_.size(); ++e) {
    for (int t = 0; t < episodes_[e].horizon(); ++t) frame_index_.emplace_back(static_cast<int>(e), t);
  }
  view_.max_in_flight = settings_.max_in_flight;
}

FeatureSet RobotAgent::feature_set() const {
  return {settings_.mdp.store_distances, settings_.network_features};
}

std::vector<std::string> RobotAgent::feature_names() const {
  return agents::feature_names(episodes_.empty() ? std::vector<std::string>{} : episodes_.front().feature_names,
                               feature_set());
}

const Frame& RobotAgent::frame(int f) const {
  const auto [e, t] = frame_index_.at(static_cast<std::size_t>(f));
  return episodes_[static_cast<std::size_t>(e)].frames[static_cast<std::size_t>(t)];
}

double RobotAgent::price(std::uint32_t bytes) const {
  return query_price(estimator_, settings_.mdp.action_cost[kCloud], settings_.price_gain, bytes,
                     settings_.mean_query_bytes);
}

int RobotAgent::age(const Cache& c, int frame, int horizon) const {
  return c.p.present ? std::min(frame - c.frame, horizon) : horizon;
}

void RobotAgent::promote_robot_results(double now_s) {
  while (!robot_results_.empty() && robot_results_.front().first <= now_s + kEps) {
    const Cache& c = robot_results_.front().second;
    if (c.frame > robot_store_.frame) robot_store_ = c;
    robot_results_.pop_front();
  }
}

void RobotAgent::begin_episode(int episode, double now_s) {
  (void)now_s;
  episode_ = episode;
  const Trace& trace = episodes_[static_cast<std::size_t>(episode)];
  const int grant = episode_grant(estimator_, budget_queries(settings_.budget_fraction, trace.horizon()),
                                  settings_.budget_share, trace.horizon() / settings_.fps, settings_.mean_query_bytes);
  budget_initial_ = budget_ = grant;
  EpisodeContext ctx;
  ctx.horizon = trace.horizon();
  ctx.budget = grant;
  ctx.seed = base::derive_seed(seed_, static_cast<std::uint64_t>(robot_), static_cast<std::uint64_t>(episode));
  ctx.params = &settings_.mdp;
  policy_.begin_episode(ctx);
}

void RobotAgent::update_view(int frame, double now_s) {
  (void)now_s;
  const std::uint32_t bytes = query_bytes_(frame);
  fill_network_view(view_, estimator_, recent_rtt_s_.begin(), static_cast<int>(recent_rtt_s_.size()), price(bytes),
                    bytes, settings_.deadline_s, budget_, static_cast<int>(in_flight_.size()));
}

void RobotAgent::set_robot_view(int frame, int prediction, double confidence, std::vector<double> features) {
  const auto [e, t] = frame_index_.at(static_cast<std::size_t>(frame));
  Frame& f = episodes_[static_cast<std::size_t>(e)].frames[static_cast<std::size_t>(t)];
  if (features.size() != f.features.size()) {
    throw std::invalid_argument("RobotAgent::set_robot_view: the frame has " + std::to_string(f.features.size()) +
                                " features, not " + std::to_string(features.size()));
  }
  f.robot_prediction = prediction;
  f.robot_confidence = confidence;
  f.features = std::move(features);
}

Decision RobotAgent::on_frame(int frame, double now_s) {
  if (frame < 0 || frame >= frames()) throw std::out_of_range("RobotAgent::on_frame: no such frame");
  promote_robot_results(now_s);
  const auto [episode, step] = frame_index_[static_cast<std::size_t>(frame)];
  if (episode != episode_) begin_episode(episode, now_s);
  const Trace& trace = episodes_[static_cast<std::size_t>(episode)];
  const Frame& f = this->frame(frame);
  update_view(frame, now_s);

  Observation obs;
  obs.t = step;
  obs.horizon = trace.horizon();
  obs.budget_initial = budget_initial_;
  obs.budget_remaining = budget_;
  obs.robot_confidence = f.robot_confidence;
  const auto input = [this](const Cache& c) { return c.p.present ? &this->frame(c.frame) : nullptr; };
  extract_features(f, input(robot_store_), input(cloud_store_), &view_, feature_set(), features_);
  obs.features = features_.data();
  obs.num_features = static_cast<int>(features_.size());
  obs.robot_store = robot_store_.p;
  obs.cloud_store = cloud_store_.p;
  obs.dt_robot = age(robot_store_, frame, trace.horizon());
  obs.dt_cloud = age(cloud_store_, frame, trace.horizon());
  obs.network = &view_;

  Decision d;
  d.requested_action = policy_.act(obs);
  if (d.requested_action < 0 || d.requested_action >= kNumActions) {
    throw std::runtime_error(policy_.name() + " chose an action outside 0…3");
  }
  d.executed_action = d.requested_action;
  Pending p;
  ScoredFrame& r = p.rec;
  r.robot = robot_;
  r.frame = frame;
  r.episode = episode;
  r.step = step;
  r.t_s = now_s;
  r.requested_action = d.requested_action;
  r.true_label = f.true_label;
  r.tokens_granted = budget_initial_;
  r.est_rtt_ms = view_.rtt_s * 1e3;
  r.est_base_rtt_ms = view_.base_rtt_s * 1e3;
  r.est_queue_ms = view_.queue_delay_s * 1e3;
  r.est_delivery_mbps = view_.delivery_bps / 1e6;
  r.est_timeout_rate = view_.timeout_rate;
  r.est_predicted_reply_ms = view_.predicted_reply_s * 1e3;
  if (d.requested_action == kCloud) {
    if (budget_ <= 0) {
      d.executed_action = kRobot;
      r.reason = "no tokens";
    } else if (static_cast<int>(in_flight_.size()) >= settings_.max_in_flight) {
      d.executed_action = kRobot;
      r.reason = "in-flight limit";
    }
  }
  r.executed_action = d.executed_action;
  switch (d.executed_action) {
    case kCloud: {
      QueryRequest q;
      q.id = next_query_++;
      q.frame = frame;
      q.bytes = query_bytes_(frame);
      d.query = q;
      in_flight_[q.id] = {frame, now_s, q.bytes};
      --budget_;
      r.query_id = q.id;
      r.bytes = q.bytes;
      r.sent_s = now_s;
      r.price = view_.price;
      break;
    }
    case kRobot:
      p.robot_ready_s = now_s + settings_.inference_s;
      robot_results_.emplace_back(p.robot_ready_s, Cache{{true, f.robot_prediction, f.robot_confidence}, frame});
      r.price = settings_.mdp.action_cost[kRobot];
      break;
    case kPastRobot:
      p.reused = robot_store_;
      r.price = settings_.mdp.action_cost[kPastRobot];
      break;
    default:  // kPastCloud
      p.reused = cloud_store_;
      r.price = settings_.mdp.action_cost[kPastCloud];
      break;
  }
  r.tokens = budget_;
  pending_[frame] = p;
  return d;
}

void RobotAgent::measure(const CloudReply& reply, const InFlight& q, bool after_timeout) {
  estimator_.on_reply(reply.now_s, reply.now_s - q.sent_s, reply.service_s, q.bytes, false, after_timeout);
  recent_rtt_s_.push_front(std::max(0.0, reply.now_s - q.sent_s - reply.service_s));  // as the estimator counts it
  if (recent_rtt_s_.size() > static_cast<size_t>(kRecentRtts)) recent_rtt_s_.pop_back();
}

void RobotAgent::on_reply(const CloudReply& reply) {
  const auto it = in_flight_.find(reply.query_id);
  if (it == in_flight_.end()) {
    const auto late = given_up_.find(reply.query_id);
    if (late == given_up_.end()) {
      ++unmatched_replies_;  // a reply to no query of ours, or a second one
      return;
    }
    // Too late to be used, but a measurement of the path and the cloud: without it a cloud slower
    // than the time-out would stay unseen (every query timed out, none measured).
    measure(reply, late->second, true);
    given_up_.erase(late);
    ++replies_after_timeout_;
    return;
  }
  const InFlight q = it->second;
  in_flight_.erase(it);
  measure(reply, q, false);
  // A late answer still updates the cache, unless a newer frame's answer is already there.
  if (q.frame > cloud_store_.frame) cloud_store_ = {{true, reply.label, reply.confidence}, q.frame};
  if (pending_.count(q.frame)) replied_[reply.query_id] = {reply.now_s, reply.label};
}

void RobotAgent::on_timeout(std::uint64_t query_id, double now_s) {
  const auto it = in_flight_.find(query_id);
  if (it == in_flight_.end()) return;  // answered in the meantime
  const int frame = it->second.frame;
  given_up_[query_id] = it->second;
  if (given_up_.size() > kMaxGivenUp) given_up_.erase(given_up_.begin());  // the oldest id
  in_flight_.erase(it);
  estimator_.on_timeout(now_s);
  const auto p = pending_.find(frame);
  if (p != pending_.end()) p->second.rec.timed_out = true;
}

void RobotAgent::on_probe_reply(double rtt_s, double service_s, std::uint32_t bytes, double now_s) {
  estimator_.on_reply(now_s, rtt_s, service_s, bytes, true);
}

bool RobotAgent::probe_due(double now_s) const {
  // Only on a quiet connection: a probe queued behind a query's bytes would time them too.
  return in_flight_.empty() && now_s - last_probe_s_ >= settings_.probe_interval_s - kEps;
}

ScoredFrame RobotAgent::on_deadline(int frame, double now_s) {
  const auto it = pending_.find(frame);
  if (it == pending_.end()) throw std::logic_error("RobotAgent::on_deadline for a frame not decided");
  Pending p = it->second;
  pending_.erase(it);
  promote_robot_results(now_s);
  ScoredFrame r = p.rec;
  const Frame& f = this->frame(frame);

  // The newest prediction the robot holds now: what it falls back on.
  auto fallback = [&](const std::string& why) {
    const bool robot_newer = robot_store_.p.present && robot_store_.frame > cloud_store_.frame;
    const Cache& c = robot_newer ? robot_store_ : cloud_store_;
    if (!c.p.present) {
      r.used = "none";
      r.why = why + "; nothing stored";
      return;
    }
    r.used = robot_newer ? "past_robot" : "past_cloud";
    r.prediction = c.p.label;
    r.why = why + "; newest stored prediction (frame " + std::to_string(c.frame) + ")";
  };
  switch (r.executed_action) {
    case kCloud: {
      const auto reply = replied_.find(r.query_id);
      int label = 0;
      if (reply != replied_.end()) {
        r.replied_s = reply->second.now_s;
        label = reply->second.label;
        replied_.erase(reply);
      }
      if (r.replied_s >= 0 && r.replied_s <= now_s + kEps) {
        r.on_time = true;
        r.used = kActionNames[kCloud];
        r.prediction = label;  // what the cloud answered
        r.why = "cloud reply in time";
      } else {
        fallback(r.timed_out ? "cloud query timed out" : "cloud reply late");
      }
      break;
    }
    case kRobot:
      if (p.robot_ready_s <= now_s + kEps) {
        r.on_time = true;
        r.used = kActionNames[kRobot];
        r.prediction = f.robot_prediction;
        r.why = "on-board result in time";
      } else {
        fallback("on-board result late");
      }
      break;
    default:
      if (p.reused.p.present) {
        r.used = kActionNames[r.executed_action];
        r.prediction = p.reused.p.label;
        r.why = "reuse (frame " + std::to_string(p.reused.frame) + ")";
      } else {
        r.used = "none";
        r.why = "reuse of an empty store";
      }
      r.on_time = true;
      break;
  }
  r.correct = r.used != "none" && r.prediction == f.true_label;
  const double loss = r.correct ? 0.0 : 1.0;
  const MdpParams& m = settings_.mdp;
  r.reward = -m.accuracy_weight * loss - m.cost_weight * r.price;
  r.reward_fixed =
      -m.accuracy_weight * loss - m.cost_weight * m.action_cost[static_cast<std::size_t>(r.executed_action)];
  return r;
}

}  // namespace offloadsim::agents
