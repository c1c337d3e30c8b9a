#include "netmodels/offload/offload_client.h"

#include <ns3/packet.h>
#include <ns3/tcp-socket-factory.h>

namespace offloadsim::netmodels {

ns3::TypeId OffloadClient::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("offloadsim::OffloadClient")
                               .SetParent<ns3::Application>()
                               .SetGroupName("offloadsim")
                               .AddConstructor<OffloadClient>();
  return tid;
}

void OffloadClient::Configure(const ns3::Address& server, OnReply on_reply) {
  server_ = server;
  on_reply_ = std::move(on_reply);
}

void OffloadClient::Send(OffloadMessageType type, std::uint64_t id, std::uint32_t body_bytes) {
  OffloadHead head;
  head.type = type;
  head.id = id;
  const auto bytes = encode_offload_head(head);
  writer_.send(id, std::vector<std::uint8_t>(bytes.begin(), bytes.end()), body_bytes);
}

void OffloadClient::StartApplication() {
  reader_.emplace(kOffloadHeadBytes, [this](std::uint32_t, const std::vector<std::uint8_t>& prefix) {
    const auto head = decode_offload_head(prefix);
    if (head && on_reply_) on_reply_(*head);
  });
  socket_ = ns3::Socket::CreateSocket(GetNode(), ns3::TcpSocketFactory::GetTypeId());
  socket_->Bind();
  socket_->SetConnectCallback(ns3::MakeCallback(&OffloadClient::OnConnected, this),
                              ns3::MakeCallback(&OffloadClient::OnConnectFailed, this));
  socket_->SetSendCallback(ns3::MakeCallback(&OffloadClient::OnSendSpace, this));
  socket_->SetRecvCallback(ns3::MakeCallback(&OffloadClient::OnRead, this));
  socket_->Connect(server_);
}

void OffloadClient::StopApplication() {
  if (socket_) {
    socket_->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
    socket_->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket_->Close();
    socket_ = nullptr;
  }
  writer_.attach(nullptr);
}

void OffloadClient::OnConnected(ns3::Ptr<ns3::Socket> socket) {
  connected_ = true;
  writer_.attach(socket);
  writer_.pump();
}

void OffloadClient::OnConnectFailed(ns3::Ptr<ns3::Socket>) {
  error_ = "TCP connection to the cloud failed";
}

void OffloadClient::OnSendSpace(ns3::Ptr<ns3::Socket>, std::uint32_t) {
  writer_.pump();
}

void OffloadClient::OnRead(ns3::Ptr<ns3::Socket> socket) {
  while (ns3::Ptr<ns3::Packet> p = socket->Recv()) {
    const std::uint32_t n = p->GetSize();
    if (n == 0) break;
    bytes_received_ += n;
    buffer_.resize(n);
    p->CopyData(buffer_.data(), n);
    reader_->feed(buffer_.data(), n);
  }
}

}  // namespace offloadsim::netmodels
