// A live robot (real sockets, real time) against an in-process cloud: its queries are answered and
// the answers used; when the cloud goes away mid-run it finishes on its own predictions; when the
// cloud comes up late it connects with back-off; when the cloud lies, its replies are refused.
#include "sim/live/live_robot.h"

#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "../agents/test_traces.h"
#include "agents/policies/all_cloud_policy.h"
#include "sim/live/cloud_models.h"
#include "sim/live/cloud_server.h"

namespace offloadsim::sim::live {
namespace {

agents::Trace trace(int horizon) {
  return agents::testing::wrong_robot_trace(horizon, 1);  // a new label every frame
}

class TraceSource final : public FrameSource {
 public:
  explicit TraceSource(const agents::RobotAgent& a) : agent_(a) {}
  LiveFrame next(int f) override {
    LiveFrame lf;
    lf.robot_prediction = agent_.frame(f).robot_prediction;
    lf.robot_confidence = agent_.frame(f).robot_confidence;
    lf.payload_bytes = 200;
    return lf;
  }

 private:
  const agents::RobotAgent& agent_;
};

// A cloud on its own thread, answering from the robot's trace, that can be shut down or started late.
class Cloud {
 public:
  explicit Cloud(std::vector<agents::Frame> frames, std::uint16_t port = 0) : model_({std::move(frames)}) {
    CloudServerSettings s;
    s.port = port;
    server_ = std::make_unique<CloudServer>(io_, s, model_, nullptr);
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Cloud() { shut(); }
  void shut() {
    if (!thread_.joinable()) return;
    boost::asio::post(io_, [this] { server_->stop(); });
    io_.stop();
    thread_.join();
    server_.reset();
  }
  std::uint16_t port() const { return port_; }

 private:
  boost::asio::io_context io_;
  TraceCloudModel model_;
  std::unique_ptr<CloudServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

struct RobotRun {
  agents::AllCloudPolicy policy;
  agents::RobotAgentSettings as;
  std::unique_ptr<agents::RobotAgent> agent;
  LiveRobotSettings ls;
  explicit RobotRun(const agents::Trace& t, std::uint16_t port, int frames) {
    as.fps = 20;
    as.deadline_s = 0.05;
    as.budget_fraction = 1.0;
    as.mean_query_bytes = 200;
    as.timeout_s = 0.2;
    agent = std::make_unique<agents::RobotAgent>(
        0, policy, std::vector<agents::Trace>{t}, [](int) { return 200u; }, as, 1);
    ls.port = port;
    ls.labels = trace_labels({t});
    ls.frames = frames;
    ls.start_s = 0.3;
    ls.fps = as.fps;
    ls.deadline_s = as.deadline_s;
    ls.timeout_s = as.timeout_s;
    ls.backoff_min_s = 0.05;
    ls.backoff_max_s = 0.2;
  }
  LiveRobotResult go() {
    TraceSource source(*agent);
    return run_live_robot(ls, *agent, source, std::chrono::steady_clock::now(), [] { return false; });
  }
};

TEST(LiveRobot, QueriesAreAnsweredOverTheSocketAndTheAnswersUsed) {
  const agents::Trace t = trace(30);
  Cloud cloud(t.frames);
  RobotRun run(t, cloud.port(), 30);
  const LiveRobotResult r = run.go();
  ASSERT_EQ(r.frames.size(), 30u);
  int cloud_used = 0;
  for (const agents::ScoredFrame& f : r.frames) {
    if (f.used == "cloud") {
      ++cloud_used;
      EXPECT_TRUE(f.correct) << "frame " << f.frame;  // the cloud's label, which the trace holds right
    }
  }
  EXPECT_GT(cloud_used, 20);  // loopback: answers within 50 ms
  for (const QueryRecord& q : r.queries) EXPECT_TRUE(q.replied_s >= 0 || q.timed_out) << "query " << q.id;
  EXPECT_EQ(r.connects, 1);
  EXPECT_EQ(run.agent->unmatched_replies(), 0);
}

TEST(LiveRobot, FinishesOnItsOwnPredictionsWhenTheCloudGoesAway) {
  const agents::Trace t = trace(40);
  Cloud cloud(t.frames);
  RobotRun run(t, cloud.port(), 40);
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(900));  // ~frame 12
    cloud.shut();
  });
  const LiveRobotResult r = run.go();
  killer.join();
  ASSERT_EQ(r.frames.size(), 40u);
  EXPECT_GE(r.disconnects, 1);
  int late_cloud = 0;
  for (const agents::ScoredFrame& f : r.frames) {
    if (f.frame >= 25 && f.used == "cloud") ++late_cloud;
  }
  EXPECT_EQ(late_cloud, 0);
  EXPECT_EQ(r.frames.back().used.rfind("past_", 0), 0u) << r.frames.back().used;
}

TEST(LiveRobot, ConnectsWithBackOffWhenTheCloudComesUpLate) {
  const agents::Trace t = trace(30);
  std::uint16_t port = 0;
  {
    Cloud probe(t.frames);  // a free port, then released
    port = probe.port();
  }
  RobotRun run(t, port, 30);
  std::unique_ptr<Cloud> cloud;
  std::thread starter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    cloud = std::make_unique<Cloud>(t.frames, port);
  });
  const LiveRobotResult r = run.go();
  starter.join();
  EXPECT_EQ(r.connects, 1);
  int cloud_used = 0;
  for (const agents::ScoredFrame& f : r.frames) cloud_used += f.used == "cloud" ? 1 : 0;
  EXPECT_GT(cloud_used, 10);
  bool retried = false;
  for (const std::string& line : r.log) retried = retried || line.find("retrying") != std::string::npos;
  EXPECT_TRUE(retried);
}

// A cloud that answers every query and probe at once, with a reply `lie` makes of the honest one.
class LyingCloud {
 public:
  explicit LyingCloud(std::function<void(Reply&, ProbeReply&)> lie)
      : lie_(std::move(lie)), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}), socket_(io_) {
    thread_ = std::thread([this] { serve(); });
  }
  ~LyingCloud() {
    boost::system::error_code ec;
    if (!accepted_) {  // wake a blocking accept() with a connection of our own
      boost::asio::ip::tcp::socket poke(io_);
      poke.connect(acceptor_.local_endpoint(), ec);
    }
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void serve() {
    namespace asio = boost::asio;
    boost::system::error_code ec;
    acceptor_.accept(socket_, ec);
    accepted_ = true;
    while (!ec) {
      std::vector<std::uint8_t> header(kHeaderBytes);
      asio::read(socket_, asio::buffer(header), ec);
      if (ec) break;
      const std::optional<Header> h = decode_header(header.data(), kHeaderBytes, 1u << 20, nullptr);
      if (!h) break;
      std::vector<std::uint8_t> body(h->body_bytes);
      asio::read(socket_, asio::buffer(body), ec);
      if (ec) break;
      Reply reply;
      ProbeReply probe;
      if (h->type == MessageType::kRequest) {
        reply.query_id = decode_request(body.data(), body.size(), nullptr)->query_id;
        reply.confidence = 1.0;
      } else {
        probe.query_id = *decode_probe(body.data(), body.size(), nullptr);
      }
      lie_(reply, probe);
      asio::write(socket_, asio::buffer(h->type == MessageType::kRequest ? encode_reply(reply)
                                                                           : encode_probe_reply(probe)),
                  ec);
    }
  }

  std::function<void(Reply&, ProbeReply&)> lie_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::socket socket_;
  std::atomic<bool> accepted_{false};
  std::thread thread_;
};

// Issue 33, item 4: a label no class has, a service time of 4,294,967 ms and a NaN confidence were
// taken as answers (the label as the prediction, the service time into net_rtt_p50_ms).
TEST(LiveRobot, RefusesRepliesThatCannotBeTrueAndCountsThem) {
  const agents::Trace t = trace(30);
  int n = 0;
  LyingCloud cloud([&](Reply& r, ProbeReply& p) {
    switch (n++ % 3) {
      case 0: r.label = std::numeric_limits<std::int32_t>::min(); break;
      case 1: r.service_us = 4294967000u; break;
      default: r.confidence = std::nan(""); break;
    }
    p.service_us = 4294967000u;
  });
  RobotRun run(t, cloud.port(), 30);
  const LiveRobotResult r = run.go();
  ASSERT_EQ(r.frames.size(), 30u);
  EXPECT_GT(r.bad_replies, 10);
  EXPECT_EQ(r.disconnects, 0);  // a bad reply is no answer, not a broken stream
  for (const agents::ScoredFrame& f : r.frames) EXPECT_NE(f.used, "cloud") << "frame " << f.frame;
  const double end_s = run.ls.start_s + (run.ls.frames - 1) / run.ls.fps + run.ls.deadline_s;
  for (const QueryRecord& q : r.queries) {
    EXPECT_LT(q.replied_s, 0) << "query " << q.id << " was taken as answered";
    // No answer: its time-out told the agent (unless the run ended first).
    if (!q.probe && q.sent_s + run.ls.timeout_s < end_s - 0.05) {
      EXPECT_TRUE(q.timed_out) << "query " << q.id;
    }
  }
  int logged = 0;
  for (const std::string& line : r.log) logged += line.find("bad reply") != std::string::npos ? 1 : 0;
  EXPECT_EQ(logged, 1);  // once per peer
}

TEST(CloudReader, ChecksEachReplyAgainstTheClassesAndTheRoundTrip) {
  Reply good;
  good.query_id = 5;
  good.label = 3;
  good.confidence = 0.5;
  good.service_us = 100000;  // 100 ms
  auto body = [](const Reply& r) {
    const std::vector<std::uint8_t> m = encode_reply(r);
    return std::vector<std::uint8_t>(m.begin() + kHeaderBytes, m.end());
  };
  const LabelRange classes{0, 4};
  EXPECT_TRUE(check_reply(body(good), classes, 0.2).reply);
  EXPECT_FALSE(check_reply(body(good), classes, 0.05).reply);  // served longer than the robot waited
  Reply bad = good;
  bad.label = 5;
  EXPECT_NE(check_reply(body(bad), classes, 0.2).problem.find("not one of the model's classes"), std::string::npos);
  bad = good;
  bad.confidence = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(check_reply(body(bad), classes, 0.2).reply);
  // A status other than ok carries no label to check.
  bad = good;
  bad.status = ReplyStatus::kUndecodable;
  bad.label = -7;
  EXPECT_TRUE(check_reply(body(bad), classes, 0.2).reply);
}

TEST(CloudReader, CutsAStreamFedByteByByteIntoItsMessages) {
  std::vector<std::uint8_t> stream = encode_reply({1, ReplyStatus::kOk, 2, 0.5, 10});
  const std::vector<std::uint8_t> probe = encode_probe_reply({2, 20});
  stream.insert(stream.end(), probe.begin(), probe.end());
  CloudStreamReader reader(1u << 16);
  std::vector<CloudMessage> got;
  WireError err;
  for (std::uint8_t b : stream) ASSERT_TRUE(reader.feed(&b, 1, &got, &err)) << err.what;
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].type, MessageType::kReply);
  EXPECT_EQ(got[1].type, MessageType::kProbeReply);
  EXPECT_EQ(reader.buffered(), 0u);
  // A request from a cloud breaks the stream.
  const std::vector<std::uint8_t> request = encode_request(Request{}, 0);
  EXPECT_FALSE(reader.feed(request.data(), request.size(), &got, &err));
}

}  // namespace
}  // namespace offloadsim::sim::live
