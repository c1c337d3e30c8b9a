// A TCPROS subscriber as an ns-3 application: accepts its publisher's TCP connection, reads the
// stream as fast as TCP delivers it, reassembles framed messages, keeps a queue of `queue_size`
// messages dropping the oldest, and hands them one at a time to a single-threaded callback whose
// cost is `fixed_s + per_byte_s × bytes` of simulated time — the model of a Python subscriber
// (rospy, `rostopic bw`) whose CPU, not the network, may set the rate it sees.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/socket.h>

#include "netmodels/tcpros/framing.h"
#include "netmodels/tcpros/message_log.h"

namespace offloadsim::netmodels {

struct ProcessingModel {
  double fixed_s = 0.0;     // per message
  double per_byte_s = 0.0;  // per payload byte
  double cost(std::uint32_t bytes) const { return fixed_s + per_byte_s * static_cast<double>(bytes); }
};

class TcprosSubscriber : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();

  void Configure(std::uint16_t port, std::uint32_t queue_size, ProcessingModel processing,
                 std::shared_ptr<FlowLog> log);

 private:
  void StartApplication() override;
  void StopApplication() override;
  void OnAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
  void OnRead(ns3::Ptr<ns3::Socket> socket);
  void OnMessage(std::uint32_t length, const std::vector<std::uint8_t>& prefix);
  void StartNext();
  void FinishProcessing();

  std::uint16_t port_ = 0;
  std::uint32_t queue_size_ = 1;
  ProcessingModel processing_;
  std::shared_ptr<FlowLog> log_;
  ns3::Ptr<ns3::Socket> listener_;
  ns3::Ptr<ns3::Socket> connection_;
  std::optional<FrameReassembler> reassembler_;
  std::deque<std::uint64_t> queue_;  // received, waiting for the callback
  bool busy_ = false;
  ns3::EventId finish_;  // the callback in progress ends
  std::uint64_t in_callback_ = 0;
  std::vector<std::uint8_t> buffer_;
};

}  // namespace offloadsim::netmodels
