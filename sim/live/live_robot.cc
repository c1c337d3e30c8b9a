#include "sim/live/live_robot.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>

#include "base/stats.h"

namespace offloadsim::sim::live {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

class Robot {
 public:
  Robot(const LiveRobotSettings& s, agents::RobotAgent& agent, FrameSource& source, Clock::time_point epoch,
        const std::function<bool()>& stop)
      : s_(s),
        agent_(agent),
        source_(source),
        epoch_(epoch),
        stop_(stop),
        socket_(io_),
        reconnect_(io_),
        tick_(io_),
        watch_(io_),
        backoff_s_(s.backoff_min_s) {}

  LiveRobotResult run() {
    connect();
    schedule_frame(0);
    watch();
    io_.run();
    worker_.join();
    res_.inference_median_s = base::median(inference_s_);
    std::sort(res_.frames.begin(), res_.frames.end(),
              [](const agents::ScoredFrame& a, const agents::ScoredFrame& b) { return a.frame < b.frame; });
    return std::move(res_);
  }

 private:
  double now() const { return std::chrono::duration<double>(Clock::now() - epoch_).count(); }

  void note(std::string line) { res_.log.push_back(fmt::format("{:.3f} s: {}", now(), line)); }

  // ---- the connection ----
  void connect() {
    if (finished_) return;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(s_.host, ec);
    if (ec) throw std::runtime_error(fmt::format("cloud address '{}' is not an IP address", s_.host));
    socket_ = tcp::socket(io_);
    socket_.async_connect(tcp::endpoint(address, s_.port), [this](const boost::system::error_code& e) {
      if (finished_) return;
      if (e) {
        note(fmt::format("cannot connect to {}:{}: {}; retrying in {:.1f} s", s_.host, s_.port, e.message(),
                         backoff_s_));
        reconnect_.expires_after(seconds(backoff_s_));
        backoff_s_ = std::min(2 * backoff_s_, s_.backoff_max_s);
        reconnect_.async_wait([this](const boost::system::error_code& w) {
          if (!w) connect();
        });
        return;
      }
      connected_ = true;
      ++res_.connects;
      backoff_s_ = s_.backoff_min_s;
      boost::system::error_code nodelay;
      socket_.set_option(tcp::no_delay(true), nodelay);
      note(fmt::format("connected to {}:{}", s_.host, s_.port));
      reader_ = CloudStreamReader(s_.max_message_bytes);
      read();
    });
  }

  void lost(const std::string& why) {
    if (!connected_) return;
    connected_ = false;
    ++res_.disconnects;
    note("connection lost: " + why);
    boost::system::error_code ec;
    socket_.close(ec);
    out_.clear();
    writing_ = false;
    // Queries in flight are answered by nobody now: their time-outs will say so.
    if (!finished_) {
      reconnect_.expires_after(seconds(backoff_s_));
      backoff_s_ = std::min(2 * backoff_s_, s_.backoff_max_s);
      reconnect_.async_wait([this](const boost::system::error_code& w) {
        if (!w) connect();
      });
    }
  }

  void send(std::vector<std::uint8_t> bytes) {
    out_.push_back(std::move(bytes));
    if (!writing_) write_next();
  }

  void write_next() {
    if (out_.empty() || !connected_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_.front()), [this](const boost::system::error_code& ec, std::size_t) {
      if (ec) return lost(ec.message());
      if (!out_.empty()) out_.pop_front();
      write_next();
    });
  }

  void read() {
    socket_.async_read_some(asio::buffer(in_), [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return lost(ec == asio::error::eof ? "the cloud closed it" : ec.message());
      std::vector<CloudMessage> messages;
      WireError err;
      const bool ok = reader_.feed(in_.data(), n, &messages, &err);
      for (const CloudMessage& m : messages) on_message(m);
      if (!ok) return lost("malformed message from the cloud: " + err.what);
      if (connected_) read();
    });
  }

  // A reply that fails its checks is no answer: counted, logged once per connection's peer, and the
  // query's time-out tells the agent.
  void bad_reply(const std::string& problem) {
    ++res_.bad_replies;
    if (!bad_reply_logged_) {
      note(fmt::format("bad reply from {}:{} ({}); treated as no answer, further ones counted only", s_.host, s_.port,
                       problem));
      bad_reply_logged_ = true;
    }
  }

  void on_message(const CloudMessage& m) {
    const double t = now();
    const std::uint64_t id = m.body.size() >= 8 ? peek_id(m.body) : 0;
    const auto it = index_.find(id);
    if (it == index_.end()) return;  // not ours (or too short to say): the agent is never told
    QueryRecord& q = res_.queries[it->second];
    if (q.replied_s >= 0) return;
    if ((m.type == MessageType::kProbeReply) != q.probe) {
      return bad_reply(fmt::format("a {} for {} {}", to_string(m.type), q.probe ? "probe" : "query", q.id));
    }
    if (m.type == MessageType::kProbeReply) {
      const CheckedProbeReply c = check_probe_reply(m.body, t - q.sent_s);
      if (!c.reply) return bad_reply(c.problem);
      q.replied_s = t;
      q.service_s = c.reply->service_us / 1e6;
      agent_.on_probe_reply(t - q.sent_s, q.service_s, q.bytes, t);
      return;
    }
    const CheckedReply c = check_reply(m.body, s_.labels, t - q.sent_s);
    if (!c.reply) return bad_reply(c.problem);
    const Reply& r = *c.reply;
    q.replied_s = t;
    q.service_s = r.service_us / 1e6;
    if (r.status != ReplyStatus::kOk) {
      note(fmt::format("query {} (frame {}): the cloud could not answer (status {})", q.id, q.frame,
                       static_cast<int>(r.status)));
      q.timed_out = true;
      agent_.on_timeout(q.id, t);
      return;
    }
    agents::CloudReply reply;
    reply.query_id = q.id;
    reply.label = r.label;
    reply.confidence = r.confidence;
    reply.service_s = q.service_s;
    reply.now_s = t;
    agent_.on_reply(reply);
  }

  // The query id both reply kinds begin with (little-endian).
  static std::uint64_t peek_id(const std::vector<std::uint8_t>& body) {
    std::uint64_t id = 0;
    for (int i = 7; i >= 0; --i) id = (id << 8) | body[static_cast<std::size_t>(i)];
    return id;
  }

  // ---- frames ----
  double arrival(int f) const { return s_.start_s + f / s_.fps; }

  void schedule_frame(int f) {
    if (f >= s_.frames) return;
    tick_.expires_at(epoch_ + seconds(arrival(f)));
    tick_.async_wait([this, f](const boost::system::error_code& ec) {
      if (ec || finished_) return;
      // The frame is captured now; the worker reads it and runs the on-board model.
      asio::post(worker_, [this, f]() {
        LiveFrame lf = source_.next(f);
        asio::post(io_, [this, f, lf = std::move(lf)]() mutable { decide(f, std::move(lf)); });
      });
      schedule_frame(f + 1);
    });
  }

  void decide(int f, LiveFrame lf) {
    if (finished_) return;
    inference_s_.push_back(lf.inference_s);
    // The trace holds what the perception pass's robot model answered on this frame: a live result
    // that differs says the frame read now is not the frame the trace (and its truth) is about.
    if (agent_.frame(f).robot_prediction != lf.robot_prediction) ++res_.robot_mismatches;
    agent_.set_robot_view(f, lf.robot_prediction, lf.robot_confidence, std::move(lf.features));
    const double t = now();
    const double deadline = arrival(f) + s_.deadline_s;
    if (t > deadline) ++res_.late_decisions;
    const agents::Decision d = agent_.on_frame(f, t);
    if (d.query) {
      QueryRecord q;
      q.robot = s_.robot;
      q.id = d.query->id;
      q.frame = f;
      q.bytes = d.query->bytes;
      q.sent_s = t;
      index_[q.id] = res_.queries.size();
      res_.queries.push_back(q);
      if (!connected_) {
        // Nobody to ask: the agent learns at once, as it would from a refused connection.
        res_.queries.back().timed_out = true;
        agent_.on_timeout(q.id, t);
      } else {
        Request r;
        r.query_id = q.id;
        r.robot = static_cast<std::uint16_t>(s_.robot);
        r.kind = lf.kind;
        r.frame = f;
        r.deadline_ms = static_cast<std::uint32_t>(std::max(0.0, (deadline - t) * 1e3));
        if (lf.payload.empty()) {
          send(encode_request(r, lf.payload_bytes));
        } else {
          r.payload = std::move(lf.payload);
          send(encode_request(r));
        }
        auto timer = std::make_shared<asio::steady_timer>(io_, Clock::now() + seconds(s_.timeout_s));
        timer->async_wait([this, timer, id = q.id](const boost::system::error_code& ec) {
          if (ec || finished_) return;
          QueryRecord& rec = res_.queries[index_.at(id)];
          if (rec.replied_s >= 0) return;
          rec.timed_out = true;
          agent_.on_timeout(id, now());
        });
      }
    }
    auto timer = std::make_shared<asio::steady_timer>(io_, epoch_ + seconds(std::max(deadline, t)));
    timer->async_wait([this, timer, f](const boost::system::error_code& ec) {
      if (ec) return;
      res_.frames.push_back(agent_.on_deadline(f, now()));
      if (static_cast<int>(res_.frames.size()) == s_.frames) finish();
    });
  }

  // Probes when the agent wants one, and the stop flag.
  void watch() {
    watch_.expires_after(std::chrono::milliseconds(20));
    watch_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_) return;
      if (stop_ && stop_()) {
        note("stopped");
        return finish();
      }
      const double t = now();
      if (connected_ && t >= s_.start_s && agent_.probe_due(t)) {
        QueryRecord q;
        q.robot = s_.robot;
        q.id = next_probe_++;
        q.probe = true;
        q.bytes = s_.probe_bytes;
        q.sent_s = t;
        index_[q.id] = res_.queries.size();
        res_.queries.push_back(q);
        agent_.on_probe_sent(t);
        send(encode_probe(q.id, s_.probe_bytes > kProbeFixedBytes
                                    ? static_cast<std::uint32_t>(s_.probe_bytes - kProbeFixedBytes)
                                    : 0u));
      }
      watch();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    boost::system::error_code ec;
    socket_.close(ec);
    reconnect_.cancel();
    tick_.cancel();
    watch_.cancel();
    io_.stop();
  }

  const LiveRobotSettings& s_;
  agents::RobotAgent& agent_;
  FrameSource& source_;
  Clock::time_point epoch_;
  const std::function<bool()>& stop_;
  asio::io_context io_;
  asio::thread_pool worker_{1};
  tcp::socket socket_;
  asio::steady_timer reconnect_, tick_, watch_;
  double backoff_s_;
  bool connected_ = false, writing_ = false, finished_ = false;
  std::deque<std::vector<std::uint8_t>> out_;
  std::array<std::uint8_t, 4096> in_{};
  CloudStreamReader reader_{0};
  bool bad_reply_logged_ = false;
  std::map<std::uint64_t, std::size_t> index_;         // query or probe id → res_.queries
  std::uint64_t next_probe_ = std::uint64_t{1} << 62;  // probes' ids never meet the agent's
  std::vector<double> inference_s_;
  LiveRobotResult res_;
};

}  // namespace

LabelRange trace_labels(const std::vector<agents::Trace>& episodes) {
  LabelRange r{std::numeric_limits<int>::max(), std::numeric_limits<int>::min()};
  for (const agents::Trace& t : episodes) {
    for (const agents::Frame& f : t.frames) {
      r.min = std::min({r.min, f.true_label, f.robot_prediction, f.cloud_prediction});
      r.max = std::max({r.max, f.true_label, f.robot_prediction, f.cloud_prediction});
    }
  }
  return r;
}

LiveRobotResult run_live_robot(const LiveRobotSettings& settings, agents::RobotAgent& agent, FrameSource& source,
                               Clock::time_point epoch, const std::function<bool()>& stop) {
  Robot robot(settings, agent, source, epoch, stop);
  return robot.run();
}

}  // namespace offloadsim::sim::live
