#include "agents/mdp/congestion_surrogate.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "agents/loop/loop_rules.h"
#include "base/random_streams.h"
#include "base/seed.h"

namespace offloadsim::agents {

namespace {

// Events within half a nanosecond are simultaneous, as in ns-3's integer time. Then the earlier
// scheduled comes first: a reply before a probe (sent later), a frame's deadline (scheduled when
// the frame was decided, before its query was sent) before its reply; a robot result counts at
// its deadline, as the loop promotes results ready by then.
constexpr double kEps = 5e-10;

double median(std::vector<double> v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
  return m;
}

}  // namespace

CellFit fit_cell_model(std::vector<WireSample> samples) {
  if (std::none_of(samples.begin(), samples.end(), [](const WireSample& w) { return !w.probe; })) {
    throw std::invalid_argument("fit_cell_model: no queries to fit");
  }
  std::stable_sort(samples.begin(), samples.end(), [](const WireSample& a, const WireSample& b) {
    return a.run != b.run ? a.run < b.run : a.sent_s < b.sent_s;
  });
  std::vector<double> queries, probes;  // residuals wire − model
  const auto residuals = [&](double c_bps) {
    queries.clear();
    probes.clear();
    double backlog = 0, at = 0;
    int run = -1;
    for (const WireSample& q : samples) {
      if (q.run != run) run = q.run, backlog = 0, at = q.sent_s;
      backlog = std::max(0.0, backlog - (q.sent_s - at));
      at = q.sent_s;
      const double tx = 8.0 * q.bytes / c_bps;
      (q.probe ? probes : queries).push_back(q.wire_s - (backlog + tx));
      if (!q.probe) backlog += tx;
    }
  };
  CellFit best;
  best.mean_abs_error_s = INFINITY;
  const auto consider = [&](double c) {
    residuals(c);
    const double b = std::max(0.0, median(probes.empty() ? queries : probes));  // never faster than the model
    double err = 0;
    for (double x : queries) err += std::abs(x - b);
    err /= static_cast<double>(queries.size());
    if (err < best.mean_abs_error_s - 1e-15) {
      best.mean_abs_error_s = err;
      best.capacity_bps = c;
      best.base_rtt_s = b;
    }
  };
  // 0.1 Mbps … 10 Gbps at 40 points a decade, then 100 points across the best one's neighbours:
  // a long backlog magnifies a small error in C.
  constexpr int kGrid = 200;
  const double ratio = std::pow(10.0, 5.0 / kGrid);
  for (int k = 0; k <= kGrid; ++k) consider(1e5 * std::pow(ratio, k));
  const double coarse = best.capacity_bps;
  for (int k = -50; k <= 50; ++k) consider(coarse * std::pow(ratio, k / 50.0));
  residuals(best.capacity_bps);
  for (double x : queries) best.jitter_s.push_back(x - best.base_rtt_s);
  for (double x : probes) best.probe_jitter_s.push_back(x - best.base_rtt_s);
  return best;
}

CongestionSurrogate::CongestionSurrogate(std::vector<CellModel> cells, SurrogateSettings settings,
                                         std::vector<std::uint32_t> query_sizes, StateNormalizer normalizer,
                                         std::uint64_t seed)
    : settings_(std::move(settings)), query_sizes_(std::move(query_sizes)), normalizer_(std::move(normalizer)) {
  const RobotAgentSettings& r = settings_.robot;
  if (!(r.fps > 0) || !(r.deadline_s > 0) || !(r.mean_query_bytes > 0) || !(r.timeout_s > 0)) {
    throw std::invalid_argument("the surrogate needs a positive frame rate, deadline, time-out and mean query size");
  }
  if (query_sizes_.empty()) throw std::invalid_argument("the surrogate needs the queries' sizes");
  if (cells.empty()) throw std::invalid_argument("the surrogate needs at least one cell");
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const CellModel& m = cells[c];
    if (m.robots < 1 || !(m.capacity_bps > 0) || !(m.base_rtt_s >= 0) || m.cloud_workers < 1) {
      throw std::invalid_argument("cell model '" + m.name + "': needs ≥ 1 robot and worker, C > 0 and b ≥ 0");
    }
    Cell cell;
    cell.model = m;
    cell.worker_free_s.assign(static_cast<std::size_t>(m.cloud_workers), 0.0);
    cell.rng.seed(base::derive_seed(seed, base::streams::kSurrogateCells, c));
    for (int k = 0; k < m.robots; ++k) {
      Slot s;
      s.cell = static_cast<int>(c);
      s.robot = k;
      s.step_s = 1.0 / r.fps;
      s.now_s = static_cast<double>(k) / static_cast<double>(m.robots) * s.step_s;
      s.estimator = CongestionEstimator(r.estimator);
      s.view.max_in_flight = r.max_in_flight;
      slots_.push_back(std::move(s));
    }
    cells_.push_back(std::move(cell));
  }
}

double CongestionSurrogate::sample(const std::vector<double>& v, std::mt19937_64& rng) const {
  if (v.empty()) return 0.0;
  return v[static_cast<std::size_t>(rng() % v.size())];
}

void CongestionSurrogate::reset(int slot, const Trace& trace, int paper_budget) {
  Slot& s = slots_.at(static_cast<std::size_t>(slot));
  s.trace = &trace;
  s.t = 0;
  const RobotAgentSettings& r = settings_.robot;
  s.budget_initial = s.budget =
      episode_grant(s.estimator, paper_budget, r.budget_share, trace.horizon() / r.fps, r.mean_query_bytes);
  if (!done(slot)) refresh_view(s);
}

bool CongestionSurrogate::done(int slot) const {
  const Slot& s = slots_[static_cast<std::size_t>(slot)];
  return s.trace == nullptr || s.t >= s.trace->horizon();
}

CongestionSurrogate::Query CongestionSurrogate::send(Slot& s, double now, std::uint32_t bytes, bool probe) {
  Cell& cell = cells_[static_cast<std::size_t>(s.cell)];
  const CellModel& m = cell.model;
  // The fluid queue's backlog now. Queries come in time order; a probe goes half a frame after its
  // robot's frame, and sees the backlog of the queries decided before it, drained to its time.
  const double backlog =
      now > cell.backlog_at_s ? std::max(0.0, cell.backlog_s - (now - cell.backlog_at_s)) : cell.backlog_s;
  const double tx = 8.0 * bytes / m.capacity_bps;
  const double wire =
      std::max(tx, m.base_rtt_s + backlog + tx + sample(probe ? m.probe_jitter_s : m.jitter_s, cell.rng));
  Query q;
  q.sent_s = now;
  q.bytes = bytes;
  q.probe = probe;
  if (probe) {
    q.reply_s = now + wire;  // answered by the cloud's network thread, no worker
    return q;
  }
  cell.backlog_s = backlog + tx;
  cell.backlog_at_s = std::max(cell.backlog_at_s, now);
  // The cloud: the request arrives when all but the reply's half of the base round trip is over,
  // waits for the first free worker, and its reply takes the other half back.
  const double arrive = now + std::max(0.0, wire - m.base_rtt_s / 2);
  auto worker = std::min_element(cell.worker_free_s.begin(), cell.worker_free_s.end());
  const double start = std::max(arrive, *worker);
  q.service_s = std::max(0.0, sample(m.service_s, cell.rng));
  *worker = start + q.service_s;
  q.reply_s = start + q.service_s + (wire - (arrive - now));
  return q;
}

void CongestionSurrogate::advance(Slot& s, double until) {
  const RobotAgentSettings& r = settings_.robot;
  while (true) {
    // The earliest of: a robot result, a reply, a time-out.
    double when = INFINITY;
    int which = -1;  // -2: robot result; ≥ 0: flight index
    if (!s.robot_results.empty()) when = s.robot_results.front().first, which = -2;
    for (std::size_t i = 0; i < s.flight.size(); ++i) {
      const Query& q = s.flight[i];
      const double t =
          q.probe || q.given_up || q.reply_s <= q.sent_s + r.timeout_s ? q.reply_s : q.sent_s + r.timeout_s;
      if (t < when) when = t, which = static_cast<int>(i);
    }
    if (which == -1 || when > until + kEps) return;
    if (which == -2) {
      if (s.robot_results.front().second.frame > s.robot_store.frame) s.robot_store = s.robot_results.front().second;
      s.robot_results.erase(s.robot_results.begin());
      continue;
    }
    Query q = std::move(s.flight[static_cast<std::size_t>(which)]);
    s.flight[static_cast<std::size_t>(which)] = std::move(s.flight.back());
    s.flight.pop_back();
    if (q.probe) {
      s.estimator.on_reply(q.reply_s, q.reply_s - q.sent_s, 0.0, q.bytes, true);
      continue;
    }
    const auto measure = [&] {
      s.estimator.on_reply(q.reply_s, q.reply_s - q.sent_s, q.service_s, q.bytes, false, q.given_up);
      std::copy_backward(s.recent.begin(), s.recent.end() - 1, s.recent.end());
      s.recent[0] = std::max(0.0, q.reply_s - q.sent_s - q.service_s);  // as the estimator counts it
      s.recent_count = std::min(s.recent_count + 1, kRecentRtts);
    };
    if (q.given_up) {  // its reply after the time-out: measured, not used (as the loop's agent)
      measure();
      continue;
    }
    --s.queries_out;
    if (q.reply_s > q.sent_s + r.timeout_s) {  // the robot gives up; its reply will come later
      s.estimator.on_timeout(q.sent_s + r.timeout_s);
      q.given_up = true;
      s.flight.push_back(std::move(q));
      continue;
    }
    measure();
    // A late answer still updates the cache, unless a newer frame's answer is already there.
    if (q.answer.frame > s.cloud_store.frame) s.cloud_store = std::move(q.answer);
  }
}

void CongestionSurrogate::refresh_view(Slot& s) {
  const RobotAgentSettings& r = settings_.robot;
  const std::uint32_t bytes = query_bytes(s.frame);
  const double price = query_price(s.estimator, r.mdp.action_cost[kCloud], r.price_gain, bytes, r.mean_query_bytes);
  fill_network_view(s.view, s.estimator, s.recent.begin(), s.recent_count, price, bytes, r.deadline_s, s.budget,
                    s.queries_out);
  const Frame& f = s.trace->frames[static_cast<std::size_t>(s.t)];
  const FeatureSet set = feature_set();
  extract_features(f, s.robot_store.p.present ? &s.robot_store.input : nullptr,
                   s.cloud_store.p.present ? &s.cloud_store.input : nullptr, &s.view, set, s.features);
}

Observation CongestionSurrogate::observation(int slot) const {
  const Slot& s = slots_.at(static_cast<std::size_t>(slot));
  if (done(slot)) throw std::logic_error("CongestionSurrogate::observation of a finished slot");
  const Frame& f = s.trace->frames[static_cast<std::size_t>(s.t)];
  const int horizon = s.trace->horizon();
  const auto age = [&](const Store& c) { return c.p.present ? std::min(s.frame - c.frame, horizon) : horizon; };
  Observation obs;
  obs.t = s.t;
  obs.horizon = horizon;
  obs.budget_initial = s.budget_initial;
  obs.budget_remaining = s.budget;
  obs.robot_confidence = f.robot_confidence;
  obs.features = s.features.data();
  obs.num_features = static_cast<int>(s.features.size());
  obs.robot_store = s.robot_store.p;
  obs.cloud_store = s.cloud_store.p;
  obs.dt_robot = age(s.robot_store);
  obs.dt_cloud = age(s.cloud_store);
  obs.network = &s.view;
  return obs;
}

float CongestionSurrogate::score(const Slot& s, Pending& p) const {
  const RobotAgentSettings& r = settings_.robot;
  const MdpParams& m = r.mdp;
  const Frame& f = s.trace->frames[static_cast<std::size_t>(p.t)];
  SurrogateOutcome& o = p.outcome;
  o.frame = p.t;
  int prediction = -1;
  const auto fallback = [&] {
    const bool robot_newer = s.robot_store.p.present && s.robot_store.frame > s.cloud_store.frame;
    const Store& c = robot_newer ? s.robot_store : s.cloud_store;
    if (c.p.present) prediction = c.p.label;
  };
  if (o.executed_action == kCloud) {
    o.on_time = p.reply_s < p.deadline_s - kEps && p.reply_s <= p.now_s + r.timeout_s;
    if (o.on_time) {
      prediction = f.cloud_prediction;
    } else {
      fallback();
    }
  } else if (o.executed_action == kRobot) {
    o.on_time = p.robot_ready_s <= p.deadline_s + kEps;
    if (o.on_time) {
      prediction = f.robot_prediction;
    } else {
      fallback();
    }
  } else {
    o.on_time = true;
    if (p.reused.p.present) prediction = p.reused.p.label;
  }
  o.correct = prediction >= 0 && prediction == f.true_label;
  return static_cast<float>(-m.accuracy_weight * (o.correct ? 0.0 : 1.0) - m.cost_weight * o.price);
}

void CongestionSurrogate::step(const int* actions, float* rewards, std::uint8_t* dones, SurrogateOutcome* outcomes) {
  const RobotAgentSettings& r = settings_.robot;
  const MdpParams& m = r.mdp;
  const bool descriptors = feature_set().store_distances;
  // Slots are in cell order and, within a cell, in the order of their frames' times.
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    if (done(static_cast<int>(i))) {
      rewards[i] = 0.0f;
      dones[i] = 1;
      if (outcomes != nullptr) outcomes[i] = SurrogateOutcome{};
      continue;
    }
    const double now = s.now_s;  // the robot's events up to now are done, its view fresh (reset, last step)
    const Frame& f = s.trace->frames[static_cast<std::size_t>(s.t)];
    const int requested = actions[i];
    if (requested < 0 || requested >= kNumActions) throw std::out_of_range("CongestionSurrogate: action outside 0…3");
    int executed = requested;
    if (requested == kCloud && (s.budget <= 0 || s.queries_out >= r.max_in_flight)) executed = kRobot;
    Pending p;
    p.t = s.t;
    p.now_s = now;
    p.deadline_s = now + r.deadline_s;
    p.outcome.executed_action = executed;
    p.outcome.price = executed == kCloud ? s.view.price : m.action_cost[static_cast<std::size_t>(executed)];
    if (executed == kCloud) {
      Query q = send(s, now, query_bytes(s.frame), false);
      q.answer.p = {true, f.cloud_prediction, f.cloud_confidence};
      q.answer.frame = s.frame;
      if (descriptors) q.answer.input.descriptor = f.descriptor;
      p.reply_s = q.reply_s;
      p.outcome.latency_s = q.reply_s - q.sent_s;
      s.flight.push_back(std::move(q));
      ++s.queries_out;
      --s.budget;
    } else if (executed == kRobot) {
      p.robot_ready_s = now + r.inference_s;
      Store result;
      result.p = {true, f.robot_prediction, f.robot_confidence};
      result.frame = s.frame;
      if (descriptors) result.input.descriptor = f.descriptor;
      s.robot_results.emplace_back(p.robot_ready_s, std::move(result));
    } else {
      p.reused = executed == kPastRobot ? s.robot_store : s.cloud_store;
    }
    s.pending.push_back(std::move(p));
    ++s.t;
    ++s.frame;
    s.now_s = now + s.step_s;
    // Until the next frame, in time order: half a frame on a probe if due; each deadline that
    // passes, when its frame is scored (a deadline first at equal times, as the loop schedules it
    // first).
    const double probe_s = now + 0.5 * s.step_s;
    bool probed = false;
    const auto probe = [&] {
      probed = true;
      advance(s, probe_s);
      if (s.queries_out == 0 && probe_s - s.last_probe_s >= r.probe_interval_s - kEps) {
        s.flight.push_back(send(s, probe_s, settings_.probe_bytes, true));
        s.last_probe_s = probe_s;
      }
    };
    float reward = 0.0f;
    SurrogateOutcome scored;
    while (!s.pending.empty() && s.pending.front().deadline_s <= s.now_s + kEps) {
      Pending& due = s.pending.front();
      if (!probed && probe_s < due.deadline_s) probe();
      advance(s, due.deadline_s);
      reward += score(s, due);
      scored = due.outcome;
      s.pending.pop_front();
    }
    if (!probed) probe();
    dones[i] = done(static_cast<int>(i)) ? 1 : 0;
    if (dones[i] && !s.pending.empty()) {
      // The episode ends before these frames' deadlines: each is scored at its deadline on a copy
      // of the robot, whose own events carry on meanwhile.
      Slot ahead = s;
      for (Pending& due : s.pending) {
        advance(ahead, due.deadline_s);
        reward += score(ahead, due);
        scored = due.outcome;
      }
      s.pending.clear();
    }
    rewards[i] = reward;
    advance(s, s.now_s);  // the next frame (of this episode or, after a reset, the next) sees all before it
    if (!dones[i]) refresh_view(s);
    if (outcomes != nullptr) outcomes[i] = scored;
  }
}

void CongestionSurrogate::allowed_actions(float* out) const {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    float* row = out + i * kNumActions;
    std::fill(row, row + kNumActions, 1.0f);
    if (done(static_cast<int>(i)) || slots_[i].budget <= 0) row[kCloud] = 0.0f;
  }
}

void CongestionSurrogate::observe(float* out) const {
  const std::size_t n = static_cast<std::size_t>(observation_size());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    float* row = out + i * n;
    if (done(static_cast<int>(i))) {
      std::fill(row, row + n, 0.0f);
    } else {
      normalizer_.normalize(observation(static_cast<int>(i)), row);
    }
  }
}

}  // namespace offloadsim::agents
