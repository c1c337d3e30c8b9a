// The robot ↔ cloud request/reply protocol of the closed loop, as bytes on a TCP connection (a
// persistent connection, like a ROS service's). Each message is framed by its 4-byte length
// (tcpros/framing.h); its payload starts with a 17-byte head, little-endian:
//   type (u8: 1 query, 2 probe, 3 reply, 4 probe reply) · id (u64) · service time in ns (u64; replies)
// followed by the body: the frame's JPEG or embedding for a query, a label message for a reply.
// The head is real bytes; the body is ns-3 zero bytes of the exact size (nothing large is copied).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace offloadsim::netmodels {

enum class OffloadMessageType : std::uint8_t { kQuery = 1, kProbe = 2, kReply = 3, kProbeReply = 4 };

inline constexpr std::uint32_t kOffloadHeadBytes = 17;

struct OffloadHead {
  OffloadMessageType type = OffloadMessageType::kQuery;
  std::uint64_t id = 0;
  std::uint64_t service_ns = 0;
};

std::array<std::uint8_t, kOffloadHeadBytes> encode_offload_head(const OffloadHead& head);
// nullopt for a payload too short or of an unknown type.
std::optional<OffloadHead> decode_offload_head(const std::vector<std::uint8_t>& payload_prefix);

}  // namespace offloadsim::netmodels
