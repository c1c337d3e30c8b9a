// The robot's end of the offloading protocol as an ns-3 application: one persistent TCP connection
// to the cloud, requests (queries and probes) written in order as the socket takes them, replies
// read back and handed to the owner. It decides nothing: the closed loop (sim/loop) tells it what to
// send and hears what comes back.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <ns3/address.h>
#include <ns3/application.h>
#include <ns3/socket.h>

#include "netmodels/offload/framed_writer.h"
#include "netmodels/offload/offload_messages.h"
#include "netmodels/tcpros/framing.h"

namespace offloadsim::netmodels {

class OffloadClient : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();

  using OnReply = std::function<void(const OffloadHead& head)>;
  void Configure(const ns3::Address& server, OnReply on_reply);

  // Queues a request of `body_bytes` after its head; written once connected.
  void Send(OffloadMessageType type, std::uint64_t id, std::uint32_t body_bytes);
  bool connected() const { return connected_; }
  const std::string& error() const { return error_; }
  std::uint64_t bytes_received() const { return bytes_received_; }

 private:
  void StartApplication() override;
  void StopApplication() override;
  void OnConnected(ns3::Ptr<ns3::Socket> socket);
  void OnConnectFailed(ns3::Ptr<ns3::Socket> socket);
  void OnSendSpace(ns3::Ptr<ns3::Socket> socket, std::uint32_t available);
  void OnRead(ns3::Ptr<ns3::Socket> socket);

  ns3::Address server_;
  OnReply on_reply_;
  ns3::Ptr<ns3::Socket> socket_;
  FramedWriter writer_;
  std::optional<FrameReassembler> reader_;
  std::vector<std::uint8_t> buffer_;
  bool connected_ = false;
  std::string error_;
  std::uint64_t bytes_received_ = 0;
};

}  // namespace offloadsim::netmodels
