// The cloud server's defences, each against a real socket: a declared 4 GB request, a client that
// stalls half-way through a header, a flood of connections past the cap, and a malformed message —
// each closes that connection only, and the server goes on answering the others.
#include "sim/live/cloud_server.h"

#include <sys/resource.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "sim/live/cloud_models.h"

namespace offloadsim::sim::live {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Server {
 public:
  explicit Server(CloudServerSettings s) {
    server_ = std::make_unique<CloudServer>(io_, s, model_, [this](const std::string& l) {
      const std::lock_guard<std::mutex> lock(mutex_);
      log_.push_back(l);
    });
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Server() {
    asio::post(io_, [this] { server_->stop(); });
    io_.stop();
    thread_.join();
    server_.reset();
  }
  std::uint16_t port() const { return port_; }
  const CloudServerStats& stats() const { return server_->stats(); }
  std::vector<std::string> log() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return log_;
  }

 private:
  asio::io_context io_;
  ConstantCloudModel model_;
  std::unique_ptr<CloudServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> log_;
};

tcp::socket connect(asio::io_context& io, std::uint16_t port) {
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  return s;
}

// Sends one request and reads its reply; false when the server closed the connection instead.
bool ask(tcp::socket& s, std::uint64_t id) {
  Request r;
  r.query_id = id;
  boost::system::error_code ec;
  asio::write(s, asio::buffer(encode_request(r, 100)), ec);
  if (ec) return false;
  std::vector<std::uint8_t> buf(kHeaderBytes + kReplyBytes);
  asio::read(s, asio::buffer(buf), ec);
  if (ec) return false;
  const auto reply = decode_reply(buf.data() + kHeaderBytes, kReplyBytes, nullptr);
  return reply && reply->query_id == id;
}

// True when the server closes the connection within `seconds` (a read ends with EOF or reset).
bool closed_within(tcp::socket& s, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  s.non_blocking(true);
  std::uint8_t b[64];
  while (std::chrono::steady_clock::now() < until) {
    boost::system::error_code ec;
    s.read_some(asio::buffer(b), ec);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

CloudServerSettings settings() {
  CloudServerSettings s;
  s.workers = 2;
  s.read_timeout_s = 0.4;
  s.max_connections = 16;
  return s;
}

TEST(CloudServer, AnswersRequestsAndProbes) {
  Server server(settings());
  asio::io_context io;
  tcp::socket s = connect(io, server.port());
  for (std::uint64_t id = 1; id <= 20; ++id) ASSERT_TRUE(ask(s, id));
  asio::write(s, asio::buffer(encode_probe(99, 50)));
  std::vector<std::uint8_t> buf(kHeaderBytes + kProbeReplyBytes);
  asio::read(s, asio::buffer(buf));
  EXPECT_EQ(decode_probe_reply(buf.data() + kHeaderBytes, kProbeReplyBytes, nullptr)->query_id, 99u);
  EXPECT_EQ(server.stats().requests.load(), 20u);
}

TEST(CloudServer, RefusesA4GBRequestWithoutAllocatingAndServesTheNextClient) {
  Server server(settings());
  asio::io_context io;
  tcp::socket bad = connect(io, server.port());
  std::vector<std::uint8_t> header = encode_request(Request{}, 0);
  header.resize(kHeaderBytes);
  header[8] = header[9] = header[10] = header[11] = 0xff;  // 4,294,967,295 bytes follow, it says
  asio::write(bad, asio::buffer(header));
  EXPECT_TRUE(closed_within(bad, 2.0));
  EXPECT_EQ(server.stats().malformed.load(), 1u);
  const auto log = server.log();
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("exceeds the limit"), std::string::npos) << log.back();
  tcp::socket next = connect(io, server.port());
  EXPECT_TRUE(ask(next, 1));
}

TEST(CloudServer, DropsAClientThatStallsHalfwayThroughAHeader) {
  Server server(settings());
  asio::io_context io;
  tcp::socket slow = connect(io, server.port());
  const std::vector<std::uint8_t> msg = encode_probe(1, 0);
  asio::write(slow, asio::buffer(msg.data(), kHeaderBytes / 2));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_within(slow, 3.0));
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(waited, 0.3);  // the read time-out, not at once
  EXPECT_EQ(server.stats().timed_out.load(), 1u);
  tcp::socket next = connect(io, server.port());
  EXPECT_TRUE(ask(next, 2));
}

TEST(CloudServer, AMalformedMessageClosesThatConnectionOnly) {
  Server server(settings());
  asio::io_context io;
  tcp::socket good = connect(io, server.port());
  tcp::socket bad = connect(io, server.port());
  ASSERT_TRUE(ask(good, 1));
  std::vector<std::uint8_t> garbage(kHeaderBytes, 0x41);
  asio::write(bad, asio::buffer(garbage));
  EXPECT_TRUE(closed_within(bad, 2.0));
  EXPECT_TRUE(ask(good, 2));
  // A robot never sends a reply: that is malformed too.
  tcp::socket confused = connect(io, server.port());
  asio::write(confused, asio::buffer(encode_reply({})));
  EXPECT_TRUE(closed_within(confused, 2.0));
  EXPECT_TRUE(ask(good, 3));
  EXPECT_EQ(server.stats().malformed.load(), 2u);
}

TEST(CloudServer, AThousandConnectionsBeyondTheCapAreRefusedAndServingGoesOn) {
  rlimit lim{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  const rlim_t need = 2200;  // 1,016 client and up to 1,016 server descriptors in this one process
  if (lim.rlim_cur < need) {
    if (lim.rlim_max < need) GTEST_SKIP() << "the open-file hard limit (" << lim.rlim_max << ") is below " << need;
    rlimit raised = lim;
    raised.rlim_cur = need;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &raised), 0);
  }
  {
    CloudServerSettings s = settings();
    s.read_timeout_s = 60;  // the held connections stay idle while the flood is refused
    Server server(s);
    asio::io_context io;
    std::vector<tcp::socket> held;
    for (int i = 0; i < 16; ++i) {
      held.push_back(connect(io, server.port()));
      ASSERT_TRUE(ask(held.back(), static_cast<std::uint64_t>(i)));
    }
    std::vector<tcp::socket> flood;
    for (int i = 0; i < 1000; ++i) flood.push_back(connect(io, server.port()));
    int refused = 0;
    for (tcp::socket& f : flood) refused += closed_within(f, 5.0) ? 1 : 0;
    EXPECT_EQ(refused, 1000);
    EXPECT_EQ(server.stats().refused.load(), 1000u);
    // Refusals are logged, but not a line each.
    const auto log = server.log();
    ASSERT_FALSE(log.empty());
    EXPECT_LT(log.size(), 50u);
    EXPECT_NE(log.front().find("the cap (max_connections) is 16"), std::string::npos) << log.front();
    // The held connections are still served; when one leaves, a newcomer gets its place.
    for (std::size_t i = 0; i < held.size(); ++i) EXPECT_TRUE(ask(held[i], 100 + i));
    held.front().close();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    tcp::socket late = connect(io, server.port());
    EXPECT_TRUE(ask(late, 7));
  }
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

}  // namespace
}  // namespace offloadsim::sim::live
