// Writes framed messages into a TCP socket as fast as its send buffer takes them: each message's
// length prefix and head go out as real bytes in one piece, its body as ns-3 zero bytes. Messages
// are written whole and in order; a message that does not fit waits for the socket's send callback.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include <ns3/ptr.h>
#include <ns3/socket.h>

namespace offloadsim::netmodels {

class FramedWriter {
 public:
  // Called when the last byte of a message has been handed to the socket (its id as given).
  using OnWritten = std::function<void(std::uint64_t id)>;

  void attach(ns3::Ptr<ns3::Socket> socket) { socket_ = socket; }
  void set_on_written(OnWritten f) { on_written_ = std::move(f); }
  // Queues a message whose payload is `head` followed by `body_bytes` zero bytes, then writes.
  void send(std::uint64_t id, std::vector<std::uint8_t> head, std::uint32_t body_bytes);
  // Writes what the socket takes now (call from its send callback too).
  void pump();
  std::size_t queued() const { return queue_.size(); }

 private:
  struct Message {
    std::uint64_t id;
    std::vector<std::uint8_t> head;  // length prefix + head: real bytes
    std::uint64_t total;             // bytes of the whole framed message
    std::uint64_t written = 0;
  };
  ns3::Ptr<ns3::Socket> socket_;
  std::deque<Message> queue_;
  OnWritten on_written_;
};

}  // namespace offloadsim::netmodels
