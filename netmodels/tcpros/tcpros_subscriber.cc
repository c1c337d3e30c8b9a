#include "netmodels/tcpros/tcpros_subscriber.h"

#include <algorithm>

#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-address.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/tcp-socket-factory.h>

namespace offloadsim::netmodels {

namespace {
constexpr std::size_t kHeaderPrefix = 4;  // the ROS Header's seq
}

ns3::TypeId TcprosSubscriber::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("offloadsim::TcprosSubscriber")
                               .SetParent<ns3::Application>()
                               .SetGroupName("offloadsim")
                               .AddConstructor<TcprosSubscriber>();
  return tid;
}

void TcprosSubscriber::Configure(std::uint16_t port, std::uint32_t queue_size, ProcessingModel processing,
                                 std::shared_ptr<FlowLog> log) {
  port_ = port;
  queue_size_ = std::max<std::uint32_t>(1, queue_size);
  processing_ = processing;
  log_ = std::move(log);
}

void TcprosSubscriber::StartApplication() {
  reassembler_.emplace(kHeaderPrefix, [this](std::uint32_t n, const std::vector<std::uint8_t>& p) { OnMessage(n, p); });
  listener_ = ns3::Socket::CreateSocket(GetNode(), ns3::TcpSocketFactory::GetTypeId());
  listener_->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port_));
  listener_->Listen();
  listener_->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                               ns3::MakeCallback(&TcprosSubscriber::OnAccept, this));
}

void TcprosSubscriber::StopApplication() {
  finish_.Cancel();  // a callback in progress when the run ends never returns
  for (auto* s : {&listener_, &connection_}) {
    if (*s) {
      (*s)->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
      (*s)->Close();
      *s = nullptr;
    }
  }
}

void TcprosSubscriber::OnAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address&) {
  connection_ = socket;  // one connection per publisher→subscriber pair
  socket->SetRecvCallback(ns3::MakeCallback(&TcprosSubscriber::OnRead, this));
}

void TcprosSubscriber::OnRead(ns3::Ptr<ns3::Socket> socket) {
  while (ns3::Ptr<ns3::Packet> p = socket->Recv()) {
    const std::uint32_t n = p->GetSize();
    if (n == 0) break;
    log_->socket_bytes_read += n;
    buffer_.resize(n);
    p->CopyData(buffer_.data(), n);
    reassembler_->feed(buffer_.data(), n);
  }
}

void TcprosSubscriber::OnMessage(std::uint32_t length, const std::vector<std::uint8_t>& prefix) {
  if (prefix.size() < kHeaderPrefix) return;  // not one of ours: too short to carry a header
  const std::uint64_t seq = decode_frame_length(prefix.data());
  if (seq >= log_->messages.size()) return;
  MessageRecord& m = log_->messages[seq];
  m.t_received = ns3::Simulator::Now().GetSeconds();
  (void)length;
  queue_.push_back(seq);
  while (queue_.size() > queue_size_) {
    log_->messages[queue_.front()].dropped = DropSite::kSubscriberQueue;
    ++log_->subscriber_drops;
    queue_.pop_front();
  }
  if (!busy_) StartNext();
}

void TcprosSubscriber::StartNext() {
  if (queue_.empty()) return;
  in_callback_ = queue_.front();
  queue_.pop_front();
  busy_ = true;
  finish_ = ns3::Simulator::Schedule(ns3::Seconds(processing_.cost(log_->messages[in_callback_].bytes)),
                                     &TcprosSubscriber::FinishProcessing, this);
}

void TcprosSubscriber::FinishProcessing() {
  MessageRecord& m = log_->messages[in_callback_];
  m.t_processed = ns3::Simulator::Now().GetSeconds();
  log_->processed_bytes += m.bytes;
  log_->processed.push_back(in_callback_);
  busy_ = false;
  StartNext();
}

}  // namespace offloadsim::netmodels
