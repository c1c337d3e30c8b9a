// A TCPROS publisher as an ns-3 application: one TCP connection to one subscriber, messages of the
// sensor's sizes published at the sensor's rate, each framed by its 4-byte length; a queue of
// `queue_size` messages that drops the oldest not yet started when a new one arrives and the
// socket cannot take more. The payload's first 12 bytes are real (a ROS Header's seq and stamp),
// the rest are ns-3 zero bytes: sizes are exact (at least the header's 16 bytes), nothing large is copied.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/socket.h>

#include "netmodels/tcpros/message_log.h"

namespace offloadsim::netmodels {

// Where messages come from: the size of message `seq` and the publishing rate.
struct MessageSource {
  std::function<std::uint32_t(std::uint64_t seq)> next_bytes;
  double rate_hz = 10.0;
  double start_s = 0.0;
  double stop_s = 1e9;
};

class TcprosPublisher : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();

  // `remote` null (default Address) publishes with no remote subscriber: the records still show
  // what a local subscriber (rostopic bw on the robot) would see.
  void Configure(const ns3::Address& remote, std::uint32_t queue_size, MessageSource source,
                 std::shared_ptr<FlowLog> log);

 private:
  void StartApplication() override;
  void StopApplication() override;
  void Publish();
  void OnConnected(ns3::Ptr<ns3::Socket> socket);
  void OnConnectFailed(ns3::Ptr<ns3::Socket> socket);
  void OnSendSpace(ns3::Ptr<ns3::Socket> socket, std::uint32_t available);
  void WriteSome();

  ns3::Address remote_;
  bool has_remote_ = false;
  std::uint32_t queue_size_ = 1;
  MessageSource source_;
  std::shared_ptr<FlowLog> log_;
  ns3::Ptr<ns3::Socket> socket_;
  ns3::EventId next_publish_;
  std::uint64_t next_seq_ = 0;
  std::deque<std::uint64_t> queue_;  // seqs waiting, none of their bytes written yet
  bool writing_ = false;             // a message is part-way into the socket
  std::uint64_t current_ = 0;
  std::uint64_t current_written_ = 0;  // bytes of the current frame written, header included
};

}  // namespace offloadsim::netmodels
