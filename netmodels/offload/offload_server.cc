#include "netmodels/offload/offload_server.h"

#include <algorithm>
#include <cmath>

#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-address.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/tcp-socket-factory.h>

namespace offloadsim::netmodels {

ns3::TypeId OffloadServer::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("offloadsim::OffloadServer")
                               .SetParent<ns3::Application>()
                               .SetGroupName("offloadsim")
                               .AddConstructor<OffloadServer>();
  return tid;
}

void OffloadServer::Configure(std::uint16_t port, int workers, std::function<double()> service_time_s,
                              std::uint32_t reply_bytes) {
  port_ = port;
  workers_ = std::max(1, workers);
  service_time_s_ = std::move(service_time_s);
  reply_bytes_ = std::max(kOffloadHeadBytes, reply_bytes);
}

void OffloadServer::StartApplication() {
  listener_ = ns3::Socket::CreateSocket(GetNode(), ns3::TcpSocketFactory::GetTypeId());
  listener_->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port_));
  listener_->Listen();
  listener_->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                               ns3::MakeCallback(&OffloadServer::OnAccept, this));
}

void OffloadServer::StopApplication() {
  for (auto& e : running_) e.Cancel();
  if (listener_) listener_->Close();
  listener_ = nullptr;
  for (auto& c : connections_) {
    c->socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    c->socket->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
    c->socket->Close();
    c->writer.attach(nullptr);
  }
}

void OffloadServer::OnAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from) {
  auto c = std::make_unique<Connection>();
  Connection* raw = c.get();
  c->socket = socket;
  if (ns3::InetSocketAddress::IsMatchingType(from)) c->peer = ns3::InetSocketAddress::ConvertFrom(from).GetIpv4();
  c->writer.attach(socket);
  c->reader.emplace(kOffloadHeadBytes, [this, raw](std::uint32_t, const std::vector<std::uint8_t>& prefix) {
    if (const auto head = decode_offload_head(prefix)) OnRequest(raw, *head);
  });
  by_socket_[ns3::PeekPointer(socket)] = raw;
  connections_.push_back(std::move(c));
  socket->SetRecvCallback(ns3::MakeCallback(&OffloadServer::OnRead, this));
  socket->SetSendCallback(ns3::MakeCallback(&OffloadServer::OnSendSpace, this));
}

void OffloadServer::OnRead(ns3::Ptr<ns3::Socket> socket) {
  Connection* c = by_socket_.at(ns3::PeekPointer(socket));
  while (ns3::Ptr<ns3::Packet> p = socket->Recv()) {
    const std::uint32_t n = p->GetSize();
    if (n == 0) break;
    buffer_.resize(n);
    p->CopyData(buffer_.data(), n);
    c->reader->feed(buffer_.data(), n);
  }
}

void OffloadServer::OnSendSpace(ns3::Ptr<ns3::Socket> socket, std::uint32_t) {
  by_socket_.at(ns3::PeekPointer(socket))->writer.pump();
}

void OffloadServer::OnRequest(Connection* c, const OffloadHead& head) {
  if (head.type == OffloadMessageType::kProbe) {
    ++stats_.probes;
    Reply(c, OffloadMessageType::kProbeReply, head.id, 0.0);  // answered by the network thread, no worker
    return;
  }
  if (head.type != OffloadMessageType::kQuery) return;  // a reply sent to the cloud: not ours to answer
  ++stats_.queries;
  waiting_.push_back({c, head.id, ns3::Simulator::Now().GetSeconds()});
  stats_.max_waiting = std::max(stats_.max_waiting, waiting_.size());
  StartJobs();
}

void OffloadServer::StartJobs() {
  while (busy_ < workers_ && !waiting_.empty()) {
    const Job job = waiting_.front();
    waiting_.pop_front();
    ++busy_;
    if (observer_) observer_(job.connection->peer, job.id, job.arrived_s, ns3::Simulator::Now().GetSeconds());
    const double s = std::max(0.0, service_time_s_ ? service_time_s_() : 0.0);
    running_.push_back(ns3::Simulator::Schedule(ns3::Seconds(s), &OffloadServer::Finish, this, job, s));
  }
}

void OffloadServer::Finish(Job job, double service_s) {
  --busy_;
  ++stats_.served;
  Reply(job.connection, OffloadMessageType::kReply, job.id, service_s);
  StartJobs();
}

void OffloadServer::Reply(Connection* c, OffloadMessageType type, std::uint64_t id, double service_s) {
  OffloadHead head;
  head.type = type;
  head.id = id;
  head.service_ns = static_cast<std::uint64_t>(std::llround(service_s * 1e9));
  const auto bytes = encode_offload_head(head);
  c->writer.send(id, std::vector<std::uint8_t>(bytes.begin(), bytes.end()), reply_bytes_ - kOffloadHeadBytes);
}

}  // namespace offloadsim::netmodels
