// offloadsim cloud's throughput and latency on loopback with a trivial model, beside a minimal
// Boost.Asio server on the same framing (asio_echo_server.h): how much the server's defences, its
// decoding and its worker pool cost (docs/benchmarks.md).
//   live_server_bench [seconds=5] [connections=8] [depth=4] [payload=512]
// Each connection keeps `depth` requests outstanding (pipelined), each reply matched by its id.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "asio_echo_server.h"
#include "sim/live/cloud_models.h"
#include "sim/live/cloud_server.h"
#include "sim/live/wire.h"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace offloadsim::sim::live;

struct Load {
  double qps = 0, p50_us = 0, p99_us = 0;
  std::size_t replies = 0;
};

// Drives `connections` blocking clients on their own threads against 127.0.0.1:port.
Load drive(std::uint16_t port, double seconds, int connections, int depth, std::uint32_t payload) {
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(connections));
  std::vector<std::thread> threads;
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      asio::io_context io;
      tcp::socket s(io);
      s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
      s.set_option(tcp::no_delay(true));
      std::map<std::uint64_t, Clock::time_point> sent;
      std::uint64_t next = 1;
      std::vector<std::uint8_t> reply(kHeaderBytes + kReplyBytes);
      auto send_one = [&] {
        Request r;
        r.query_id = next++;
        r.kind = PayloadKind::kEmbedding;
        sent[r.query_id] = Clock::now();
        asio::write(s, asio::buffer(encode_request(r, payload)));
      };
      for (int d = 0; d < depth; ++d) send_one();
      while (Clock::now() < until) {
        asio::read(s, asio::buffer(reply));
        std::uint64_t id = 0;
        for (int i = 7; i >= 0; --i) id = (id << 8) | reply[kHeaderBytes + static_cast<std::size_t>(i)];
        const auto it = sent.find(id);
        if (it == sent.end()) std::abort();
        lat[static_cast<std::size_t>(c)].push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - it->second).count());
        sent.erase(it);
        send_one();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (const auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Load l;
  l.replies = all.size();
  l.qps = static_cast<double>(all.size()) / seconds;
  if (!all.empty()) {
    l.p50_us = all[all.size() / 2];
    l.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  return l;
}

template <typename Start>
Load measure(Start start, double seconds, int connections, int depth, std::uint32_t payload) {
  asio::io_context io;
  auto server = start(io);
  std::thread t([&] { io.run(); });
  const Load l = drive(server->port(), seconds, connections, depth, payload);
  io.stop();
  t.join();
  return l;
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  const int connections = argc > 2 ? std::atoi(argv[2]) : 8;
  const int depth = argc > 3 ? std::atoi(argv[3]) : 4;
  const auto payload = static_cast<std::uint32_t>(argc > 4 ? std::atoi(argv[4]) : 512);
  const ConstantCloudModel model;
  std::printf("loopback, %d connections × %d outstanding requests of %u bytes, %.0f s each\n", connections, depth,
              payload, seconds);
  const Load echo = measure([](asio::io_context& io) { return std::make_unique<offloadsim::bench::EchoServer>(io); },
                            seconds, connections, depth, payload);
  const Load cloud = measure(
      [&](asio::io_context& io) {
        CloudServerSettings s;
        s.workers = 1;
        s.max_connections = 64;
        return std::make_unique<CloudServer>(io, s, model, nullptr);
      },
      seconds, connections, depth, payload);
  std::printf("%-34s %12s %10s %10s\n", "server", "queries/s", "p50 µs", "p99 µs");
  std::printf("%-34s %12.0f %10.1f %10.1f\n", "Boost.Asio echo (baseline)", echo.qps, echo.p50_us, echo.p99_us);
  std::printf("%-34s %12.0f %10.1f %10.1f\n", "offloadsim cloud (constant model)", cloud.qps, cloud.p50_us,
              cloud.p99_us);
  std::printf("overhead: %.1f%% fewer queries/s than the baseline\n", 100.0 * (1.0 - cloud.qps / echo.qps));
  return 0;
}
