// offloadsim cloud: the cloud side of live mode, a Boost.Asio TCP server. One thread runs the
// io_context (accepting, reading, writing); a pool of `workers` threads runs the cloud model, so a
// slow inference never stalls the sockets. Defensive by design (docs/live.md):
// - a message's declared length is checked against `max_message_bytes` before its body is
//   allocated; a malformed message closes that connection only;
// - a connection that sends nothing for `read_timeout_s`, or takes longer than that to finish a
//   message it began, is closed;
// - at most `max_connections` connections; the ones beyond are closed at once, with a log line;
// - at most `max_pending_per_connection` requests of one connection are being answered at a time:
//   past that the server stops reading from it (TCP pushes back on the robot), so memory is bounded
//   by max_connections × (max_pending_per_connection + 1) × max_message_bytes. Replies the robot
//   has not taken yet count as pending: a robot that sends and never reads stops being read, and
//   is dropped when a reply has waited `read_timeout_s` to be taken;
// - when max_connections are open, a new connection evicts the idlest one rather than being
//   refused: first one that has never completed a message, else the one whose last message is
//   oldest — but never one with a request being answered or within `eviction_grace_s` of its last
//   message (or of its start). Only when none qualifies is the newcomer refused.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "sim/live/wire.h"

namespace offloadsim::sim::live {

// What the cloud model answers on one request.
struct CloudAnswer {
  ReplyStatus status = ReplyStatus::kOk;
  int label = 0;
  double confidence = 1.0;
};

// The cloud's model; `answer` is called from the worker threads, concurrently.
class CloudModel {
 public:
  virtual ~CloudModel() = default;
  virtual CloudAnswer answer(const Request& request) const = 0;
  virtual std::string describe() const = 0;
};

struct CloudServerSettings {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see CloudServer::port)
  int workers = 1;
  int max_connections = 64;
  int max_pending_per_connection = 4;
  std::uint32_t max_message_bytes = 4u << 20;
  double read_timeout_s = 10.0;
  double eviction_grace_s = 1.0;
};

struct CloudServerStats {
  std::atomic<std::uint64_t> accepted{0}, refused{0}, evicted{0}, malformed{0}, timed_out{0}, requests{0}, probes{0};
};

class CloudServer {
 public:
  // `log` receives one line per event worth a line (a refused or dropped connection); it is called
  // from the io thread. Throws std::runtime_error when the address cannot be bound.
  CloudServer(boost::asio::io_context& io, CloudServerSettings settings, const CloudModel& model,
              std::function<void(const std::string&)> log);
  ~CloudServer();
  CloudServer(const CloudServer&) = delete;
  CloudServer& operator=(const CloudServer&) = delete;

  std::uint16_t port() const;
  // Stops accepting and closes every connection (call on the io thread, or after it stopped).
  void stop();
  const CloudServerStats& stats() const;
  int open_connections() const;

  struct Impl;  // the server's state, shared with its connections

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace offloadsim::sim::live
