#include "netmodels/offload/framed_writer.h"

#include <algorithm>

#include <ns3/packet.h>

#include "netmodels/tcpros/framing.h"

namespace offloadsim::netmodels {

namespace {
constexpr std::uint64_t kMaxChunk = 65536;
}

void FramedWriter::send(std::uint64_t id, std::vector<std::uint8_t> head, std::uint32_t body_bytes) {
  const auto payload = static_cast<std::uint32_t>(head.size()) + body_bytes;
  const auto length = encode_frame_length(payload);
  Message m{id, std::vector<std::uint8_t>(length.begin(), length.end()), kFrameHeaderBytes + std::uint64_t{payload}};
  m.head.insert(m.head.end(), head.begin(), head.end());
  queue_.push_back(std::move(m));
  pump();
}

void FramedWriter::pump() {
  while (socket_ && !queue_.empty()) {
    Message& m = queue_.front();
    const std::uint32_t room = socket_->GetTxAvailable();
    if (m.written == 0) {
      if (room < m.head.size()) return;
      if (socket_->Send(ns3::Create<ns3::Packet>(m.head.data(), static_cast<std::uint32_t>(m.head.size()))) < 0) return;
      m.written = m.head.size();
    } else {
      if (room == 0) return;
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>({m.total - m.written, room, kMaxChunk}));
      if (socket_->Send(ns3::Create<ns3::Packet>(n)) < 0) return;
      m.written += n;
    }
    if (m.written == m.total) {
      const std::uint64_t id = m.id;
      queue_.pop_front();
      if (on_written_) on_written_(id);
    }
  }
}

}  // namespace offloadsim::netmodels
