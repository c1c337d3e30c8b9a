// A live robot (real sockets, real time) against an in-process cloud: its queries are answered and
// the answers used; when the cloud goes away mid-run it finishes on its own predictions; when the
// cloud comes up late it connects with back-off.
#include "sim/live/live_robot.h"

#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

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

}  // namespace
}  // namespace offloadsim::sim::live
