// TCPROS message framing: every message on a connection is preceded by its length as a 4-byte
// little-endian integer. FrameReassembler turns an arbitrarily chunked byte stream back into
// messages, as a subscriber's socket reader must.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace offloadsim::netmodels {

inline constexpr std::size_t kFrameHeaderBytes = 4;

std::array<std::uint8_t, kFrameHeaderBytes> encode_frame_length(std::uint32_t length);
std::uint32_t decode_frame_length(const std::uint8_t* bytes);

// Appends one framed message (length, then payload) to `stream`.
void append_frame(std::vector<std::uint8_t>& stream, const std::vector<std::uint8_t>& payload);

class FrameReassembler {
 public:
  // Called once per complete message with its payload length and its first `prefix_bytes`
  // payload bytes (fewer when the message is shorter). Only the prefix is kept: a 900 kB cloud
  // is counted, not copied.
  using OnMessage = std::function<void(std::uint32_t length, const std::vector<std::uint8_t>& prefix)>;

  FrameReassembler(std::size_t prefix_bytes, OnMessage on_message);

  // Consumes the next `n` bytes of the stream.
  void feed(const std::uint8_t* data, std::size_t n);

  // Bytes of the message under way (header included); 0 between messages.
  std::size_t pending_bytes() const { return header_fill_ + payload_seen_; }

 private:
  std::size_t prefix_bytes_;
  OnMessage on_message_;
  std::array<std::uint8_t, kFrameHeaderBytes> header_{};
  std::size_t header_fill_ = 0;
  std::uint32_t length_ = 0;
  std::uint32_t payload_seen_ = 0;
  std::vector<std::uint8_t> prefix_;
};

}  // namespace offloadsim::netmodels
