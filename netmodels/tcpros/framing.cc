#include "netmodels/tcpros/framing.h"

#include <algorithm>

namespace offloadsim::netmodels {

std::array<std::uint8_t, kFrameHeaderBytes> encode_frame_length(std::uint32_t length) {
  return {static_cast<std::uint8_t>(length & 0xffU), static_cast<std::uint8_t>((length >> 8) & 0xffU),
          static_cast<std::uint8_t>((length >> 16) & 0xffU), static_cast<std::uint8_t>((length >> 24) & 0xffU)};
}

std::uint32_t decode_frame_length(const std::uint8_t* b) {
  return static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
         (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

void append_frame(std::vector<std::uint8_t>& stream, const std::vector<std::uint8_t>& payload) {
  const auto header = encode_frame_length(static_cast<std::uint32_t>(payload.size()));
  stream.insert(stream.end(), header.begin(), header.end());
  stream.insert(stream.end(), payload.begin(), payload.end());
}

FrameReassembler::FrameReassembler(std::size_t prefix_bytes, OnMessage on_message)
    : prefix_bytes_(prefix_bytes), on_message_(std::move(on_message)) {
  prefix_.reserve(prefix_bytes_);
}

void FrameReassembler::feed(const std::uint8_t* data, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    if (header_fill_ < kFrameHeaderBytes) {
      const std::size_t take = std::min(kFrameHeaderBytes - header_fill_, n - i);
      std::copy_n(data + i, take, header_.begin() + static_cast<std::ptrdiff_t>(header_fill_));
      header_fill_ += take;
      i += take;
      if (header_fill_ < kFrameHeaderBytes) return;
      length_ = decode_frame_length(header_.data());
      payload_seen_ = 0;
      prefix_.clear();
    }
    const std::size_t take = std::min<std::size_t>(length_ - payload_seen_, n - i);
    if (prefix_.size() < prefix_bytes_) {
      const std::size_t keep = std::min(prefix_bytes_ - prefix_.size(), take);
      prefix_.insert(prefix_.end(), data + i, data + i + keep);
    }
    payload_seen_ += static_cast<std::uint32_t>(take);
    i += take;
    if (payload_seen_ == length_) {
      header_fill_ = 0;
      payload_seen_ = 0;
      on_message_(length_, prefix_);
    }
  }
}

}  // namespace offloadsim::netmodels
