#include "netmodels/tcpros/tcpros_publisher.h"

#include <algorithm>
#include <array>

#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/tcp-socket-factory.h>

#include "netmodels/tcpros/framing.h"

namespace offloadsim::netmodels {

namespace {
// Length prefix + the ROS Header's seq (u32) and stamp (secs u32, nsecs u32), little-endian.
constexpr std::uint32_t kRealHeadBytes = kFrameHeaderBytes + 12;
// No message is shorter than its ROS Header: seq, stamp and an empty frame_id's length (the subscriber
// identifies each message by the seq in its first bytes).
constexpr std::uint32_t kMinMessageBytes = 16;
constexpr std::uint32_t kMaxChunk = 65536;

void put_u32(std::uint8_t* p, std::uint32_t v) {
  const auto b = encode_frame_length(v);
  std::copy(b.begin(), b.end(), p);
}
}  // namespace

ns3::TypeId TcprosPublisher::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("offloadsim::TcprosPublisher")
                               .SetParent<ns3::Application>()
                               .SetGroupName("offloadsim")
                               .AddConstructor<TcprosPublisher>();
  return tid;
}

void TcprosPublisher::Configure(const ns3::Address& remote, std::uint32_t queue_size, MessageSource source,
                                std::shared_ptr<FlowLog> log) {
  remote_ = remote;
  has_remote_ = !remote.IsInvalid();
  queue_size_ = std::max<std::uint32_t>(1, queue_size);
  source_ = std::move(source);
  log_ = std::move(log);
}

void TcprosPublisher::StartApplication() {
  if (has_remote_) {
    socket_ = ns3::Socket::CreateSocket(GetNode(), ns3::TcpSocketFactory::GetTypeId());
    socket_->Bind();
    socket_->SetConnectCallback(ns3::MakeCallback(&TcprosPublisher::OnConnected, this),
                                ns3::MakeCallback(&TcprosPublisher::OnConnectFailed, this));
    socket_->SetSendCallback(ns3::MakeCallback(&TcprosPublisher::OnSendSpace, this));
    socket_->Connect(remote_);
  }
  const double delay = std::max(0.0, source_.start_s - ns3::Simulator::Now().GetSeconds());
  next_publish_ = ns3::Simulator::Schedule(ns3::Seconds(delay), &TcprosPublisher::Publish, this);
}

void TcprosPublisher::StopApplication() {
  next_publish_.Cancel();
  if (socket_) {
    socket_->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
    socket_->Close();
    socket_ = nullptr;
  }
}

void TcprosPublisher::Publish() {
  const double now = ns3::Simulator::Now().GetSeconds();
  if (now >= source_.stop_s) return;
  MessageRecord m;
  m.seq = next_seq_++;
  m.bytes = std::max(source_.next_bytes(m.seq), kMinMessageBytes);
  m.t_published = now;
  log_->messages.push_back(m);
  if (has_remote_) {
    queue_.push_back(m.seq);
    // A full queue drops its oldest message that has not started (ROS: queue_size).
    while (queue_.size() > queue_size_) {
      log_->messages[queue_.front()].dropped = DropSite::kPublisherQueue;
      ++log_->publisher_drops;
      queue_.pop_front();
    }
    WriteSome();
  }
  next_publish_ = ns3::Simulator::Schedule(ns3::Seconds(1.0 / source_.rate_hz), &TcprosPublisher::Publish, this);
}

void TcprosPublisher::OnConnected(ns3::Ptr<ns3::Socket>) {
  log_->connected = true;
  WriteSome();
}

void TcprosPublisher::OnConnectFailed(ns3::Ptr<ns3::Socket>) {
  log_->error = "TCP connection to the subscriber failed";
}

void TcprosPublisher::OnSendSpace(ns3::Ptr<ns3::Socket>, std::uint32_t) {
  WriteSome();
}

void TcprosPublisher::WriteSome() {
  if (!socket_ || !log_->connected) return;
  while (true) {
    if (!writing_) {
      if (queue_.empty()) return;
      current_ = queue_.front();
      queue_.pop_front();
      current_written_ = 0;
      writing_ = true;
    }
    MessageRecord& m = log_->messages[current_];
    const std::uint64_t frame = kFrameHeaderBytes + static_cast<std::uint64_t>(m.bytes);
    const std::uint32_t room = socket_->GetTxAvailable();
    if (current_written_ == 0) {
      // The length prefix and the ROS header go out as real bytes, in one piece.
      if (room < kRealHeadBytes) return;
      std::array<std::uint8_t, kRealHeadBytes> head{};
      put_u32(head.data(), m.bytes);
      put_u32(head.data() + 4, static_cast<std::uint32_t>(m.seq));
      const double t = m.t_published;
      put_u32(head.data() + 8, static_cast<std::uint32_t>(t));
      put_u32(head.data() + 12, static_cast<std::uint32_t>((t - static_cast<std::uint32_t>(t)) * 1e9));
      const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::uint64_t>(kRealHeadBytes, frame));
      if (socket_->Send(ns3::Create<ns3::Packet>(head.data(), n)) < 0) return;
      current_written_ = n;
    } else {
      if (room == 0) return;
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>({frame - current_written_, room, kMaxChunk}));
      if (socket_->Send(ns3::Create<ns3::Packet>(n)) < 0) return;
      current_written_ += n;
    }
    if (current_written_ == frame) {
      m.t_written = ns3::Simulator::Now().GetSeconds();
      writing_ = false;
    }
  }
}

}  // namespace offloadsim::netmodels
