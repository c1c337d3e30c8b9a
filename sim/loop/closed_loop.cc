#include "sim/loop/closed_loop.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>

#include <fmt/format.h>
#include <ns3/core-module.h>
#include <ns3/inet-socket-address.h>

#include "base/random_streams.h"
#include "base/seed.h"
#include "netmodels/offload/offload_client.h"

namespace offloadsim::sim {

namespace nm = netmodels;

namespace {

constexpr std::uint16_t kCloudPort = 7000;
// Probe ids live apart from query ids (which count up from 1) so that neither is taken for the other.
constexpr std::uint64_t kProbeIdBase = std::uint64_t{1} << 62;

// Everything the events of one run share. Events hold a pointer to it: it outlives the simulation.
class Loop {
 public:
  Loop(const ClosedLoopSpec& spec, std::vector<LoopRobot>& robots, nm::BuiltNetwork& network, ClosedLoopResult& out)
      : spec_(spec),
        robots_(robots),
        network_(network),
        out_(out),
        rng_(base::derive_seed(spec.network.seed, base::streams::kLoopServiceTimes, 0)) {
    server_ = ns3::CreateObject<nm::OffloadServer>();
    server_->Configure(
        kCloudPort, spec.cloud_workers, [this] { return service_time(); }, spec.reply_bytes);
    network.server(spec.cloud_server)->AddApplication(server_);
    server_->SetStartTime(ns3::Seconds(0));
    server_->SetStopTime(ns3::Seconds(spec.network.duration_s));
    server_->SetJobObserver([this](ns3::Ipv4Address peer, std::uint64_t id, double arrived_s, double started_s) {
      on_job_started(peer, id, arrived_s, started_s);
    });
    const ns3::Address cloud(ns3::InetSocketAddress(network.server_address(spec.cloud_server), kCloudPort));
    for (std::size_t r = 0; r < robots_.size(); ++r) {
      auto client = ns3::CreateObject<nm::OffloadClient>();
      client->Configure(cloud, [this, r](const nm::OffloadHead& h) { on_reply(static_cast<int>(r), h); });
      network.robot(static_cast<int>(r))->AddApplication(client);
      client->SetStartTime(ns3::Seconds(nm::BuiltNetwork::app_start_s()));
      client->SetStopTime(ns3::Seconds(spec.network.duration_s));
      clients_.push_back(client);
      by_id_.emplace_back();
      frames_.push_back(loop_frames(spec, static_cast<int>(r), static_cast<int>(robots_.size()), robots_[r].frames));
      first_.push_back(loop_first_frame_s(spec, static_cast<int>(r), static_cast<int>(robots_.size())));
      if (robots_[r].agent == nullptr) {
        for (std::size_t k = 0; k < robots_[r].replay.size(); ++k) {
          ns3::Simulator::Schedule(ns3::Seconds(robots_[r].replay[k].sent_s), &Loop::replay, this, static_cast<int>(r),
                                   k);
        }
      } else if (frames_.back() > 0) {
        ns3::Simulator::Schedule(ns3::Seconds(first_.back()), &Loop::tick, this, static_cast<int>(r), 0);
      }
    }
  }

  const nm::OffloadServer& server() const { return *server_; }
  const nm::OffloadClient& client(std::size_t r) const { return *clients_[r]; }

 private:
  double service_time() {
    const auto& v = spec_.service_times_s;
    if (v.size() == 1) return v.front();
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng_)];
  }

  double now() const { return ns3::Simulator::Now().GetSeconds(); }

  void tick(int r, int frame) {
    LoopRobot& robot = robots_[static_cast<std::size_t>(r)];
    const double t = now();
    out_.ground_truth[{r, frame}] = GroundTruth{server_->queue_length(), network_.ground_truth()};
    const agents::Decision d = robot.agent->on_frame(frame, t);
    // The deadline first: at equal times ns-3 runs events in the order they were scheduled, so a
    // deadline one frame period away is scored before the next frame is decided.
    ns3::Simulator::Schedule(ns3::Seconds(spec_.deadline_s), &Loop::deadline, this, r, frame);
    if (d.query) {
      send(r, false, d.query->id, d.query->frame, d.query->bytes);
      ns3::Simulator::Schedule(ns3::Seconds(spec_.timeout_s), &Loop::timeout, this, r, d.query->id);
    }
    // Probes go half a frame period after a frame, when the frame's own query is least likely to
    // share the connection with them (a probe queued behind a query would time the query's bytes).
    ns3::Simulator::Schedule(ns3::Seconds(0.5 / spec_.fps), &Loop::probe, this, r);
    if (frame + 1 < frames_[static_cast<std::size_t>(r)]) {
      const double next = first_[static_cast<std::size_t>(r)] + (frame + 1) / spec_.fps;
      ns3::Simulator::Schedule(ns3::Seconds(next) - ns3::Simulator::Now(), &Loop::tick, this, r, frame + 1);
    }
  }

  void probe(int r) {
    agents::OffloadAgent& agent = *robots_[static_cast<std::size_t>(r)].agent;
    if (!agent.probe_due(now())) return;
    send(r, true, kProbeIdBase + next_probe_++, -1, spec_.probe_bytes);
    agent.on_probe_sent(now());
  }

  void replay(int r, std::size_t k) {
    const QueryRecord& q = robots_[static_cast<std::size_t>(r)].replay[k];
    send(r, q.probe, q.id, q.frame, q.bytes);
  }

  void send(int r, bool probe, std::uint64_t id, int frame, std::uint32_t bytes) {
    QueryRecord q;
    q.robot = r;
    q.id = id;
    q.probe = probe;
    q.frame = frame;
    q.bytes = bytes;
    q.sent_s = now();
    by_id_[static_cast<std::size_t>(r)][id] = out_.queries.size();
    out_.queries.push_back(q);
    // The request body is the payload; its 17-byte head comes on top (as a real protocol's would).
    clients_[static_cast<std::size_t>(r)]->Send(probe ? nm::OffloadMessageType::kProbe : nm::OffloadMessageType::kQuery,
                                                id, bytes);
  }

  // Ground truth from the cloud: how long the query waited in its queue for a worker.
  void on_job_started(ns3::Ipv4Address peer, std::uint64_t id, double arrived_s, double started_s) {
    for (std::size_t r = 0; r < robots_.size(); ++r) {
      if (network_.robot_address(static_cast<int>(r)) != peer) continue;
      const auto it = by_id_[r].find(id);
      if (it != by_id_[r].end()) out_.queries[it->second].cloud_wait_s = started_s - arrived_s;
      return;
    }
  }

  void timeout(int r, std::uint64_t id) {
    QueryRecord& q = out_.queries[by_id_[static_cast<std::size_t>(r)].at(id)];
    if (q.replied_s >= 0) return;
    q.timed_out = true;
    robots_[static_cast<std::size_t>(r)].agent->on_timeout(id, now());
  }

  void deadline(int r, int frame) {
    out_.frames.push_back(robots_[static_cast<std::size_t>(r)].agent->on_deadline(frame, now()));
  }

  void on_reply(int r, const nm::OffloadHead& h) {
    auto& ids = by_id_[static_cast<std::size_t>(r)];
    const auto it = ids.find(h.id);
    if (it == ids.end()) {
      out_.errors.push_back(fmt::format("robot {}: a reply to request {}, which it never sent", r + 1, h.id));
      return;
    }
    QueryRecord& q = out_.queries[it->second];
    if (q.replied_s >= 0) {
      out_.errors.push_back(fmt::format("robot {}: a second reply to request {}", r + 1, h.id));
      return;
    }
    q.replied_s = now();
    q.service_s = static_cast<double>(h.service_ns) / 1e9;
    if (robots_[static_cast<std::size_t>(r)].agent == nullptr) return;  // replayed: nobody listens
    agents::OffloadAgent& agent = *robots_[static_cast<std::size_t>(r)].agent;
    if (q.probe) {
      agent.on_probe_reply(q.replied_s - q.sent_s, q.service_s, q.bytes, q.replied_s);
      return;
    }
    // A query the robot gave up on: its answer is too late to be used, but the agent measures it.
    const auto [label, confidence] = robots_[static_cast<std::size_t>(r)].cloud_answer(q.frame);
    agents::CloudReply reply;
    reply.query_id = h.id;
    reply.label = label;
    reply.confidence = confidence;
    reply.service_s = q.service_s;
    reply.now_s = q.replied_s;
    agent.on_reply(reply);
  }

  const ClosedLoopSpec& spec_;
  std::vector<LoopRobot>& robots_;
  nm::BuiltNetwork& network_;
  ClosedLoopResult& out_;
  std::mt19937_64 rng_;
  ns3::Ptr<nm::OffloadServer> server_;
  std::vector<ns3::Ptr<nm::OffloadClient>> clients_;
  std::vector<std::map<std::uint64_t, std::size_t>> by_id_;  // per robot: request id → index in queries
  std::vector<int> frames_;
  std::vector<double> first_;
  std::uint64_t next_probe_ = 0;
};

}  // namespace

double loop_first_frame_s(const ClosedLoopSpec& spec, int robot, int robots) {
  // Cameras are not synchronised: robot r's frames are offset by r / R of a frame period.
  return spec.start_s + static_cast<double>(robot) / static_cast<double>(robots) / spec.fps;
}

int loop_frames(const ClosedLoopSpec& spec, int robot, int robots, int available) {
  const double last_deadline = spec.network.duration_s - 1e-9;
  const double first = loop_first_frame_s(spec, robot, robots);
  const int fit = static_cast<int>(std::floor((last_deadline - spec.deadline_s - first) * spec.fps)) + 1;
  return std::clamp(fit, 0, available);
}

ClosedLoopResult run_closed_loop(const ClosedLoopSpec& spec, std::vector<LoopRobot>& robots) {
  if (static_cast<int>(robots.size()) != spec.network.robots) {
    throw std::invalid_argument(
        fmt::format("run_closed_loop: {} agents for {} robots", robots.size(), spec.network.robots));
  }
  if (spec.cloud_server < 0 || spec.cloud_server >= spec.network.servers) {
    throw nm::NetworkConfigError("cloud.server", fmt::format("server {} does not exist ({} servers)",
                                                             spec.cloud_server + 1, spec.network.servers));
  }
  if (spec.service_times_s.empty()) throw std::invalid_argument("run_closed_loop: no service time");
  ClosedLoopResult out;
  nm::BuiltNetwork network(spec.network);
  Loop loop(spec, robots, network, out);
  out.network = network.run();
  out.cloud = loop.server().stats();
  for (std::size_t r = 0; r < robots.size(); ++r) {
    if (!loop.client(r).error().empty())
      out.errors.push_back(fmt::format("robot {}: {}", r + 1, loop.client(r).error()));
  }
  std::stable_sort(out.frames.begin(), out.frames.end(),
                   [](const agents::ScoredFrame& a, const agents::ScoredFrame& b) {
                     return a.robot != b.robot ? a.robot < b.robot : a.frame < b.frame;
                   });
  return out;
}

}  // namespace offloadsim::sim
