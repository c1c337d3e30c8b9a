// The live mode's wire format: what a robot process and the cloud process say to each other over a
// TCP connection (docs/live.md). Every message is a 12-byte header and a body:
//
//   header   magic "OFLD" (4 bytes) · version (1) · type (1) · reserved, zero (2) · body length (4)
//   request  query id (8) · robot (2) · payload kind (1) · reserved (1) · frame (4) · deadline ms (4)
//            · payload (the rest: a JPEG frame, float32 embedding or opaque bytes)
//   reply    query id (8) · status (1) · reserved (3) · label (4, signed) · confidence (8, IEEE double)
//            · service µs (4)
//   probe        query id (8) · padding (the rest)
//   probe reply  query id (8) · service µs (4)
//
// Integers are little-endian. A decoder never trusts a length: the header's body length is checked
// against the receiver's limit before anything is allocated, and every body is checked for its exact
// (or minimum) size. No Asio here: the codec is pure, so a fuzzer can drive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace offloadsim::sim::live {

inline constexpr std::uint32_t kMagic = 0x444C464F;  // "OFLD" read as little-endian bytes
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kHeaderBytes = 12;
inline constexpr std::size_t kRequestFixedBytes = 20;
inline constexpr std::size_t kReplyBytes = 28;
inline constexpr std::size_t kProbeFixedBytes = 8;
inline constexpr std::size_t kProbeReplyBytes = 12;

enum class MessageType : std::uint8_t { kRequest = 1, kReply = 2, kProbe = 3, kProbeReply = 4 };
enum class PayloadKind : std::uint8_t { kOpaque = 0, kJpeg = 1, kEmbedding = 2 };
enum class ReplyStatus : std::uint8_t { kOk = 0, kUndecodable = 1, kUnknownFrame = 2 };

struct Header {
  MessageType type = MessageType::kRequest;
  std::uint32_t body_bytes = 0;
};

struct Request {
  std::uint64_t query_id = 0;
  std::uint16_t robot = 0;
  PayloadKind kind = PayloadKind::kOpaque;
  std::int32_t frame = 0;
  std::uint32_t deadline_ms = 0;
  std::vector<std::uint8_t> payload;
};

struct Reply {
  std::uint64_t query_id = 0;
  ReplyStatus status = ReplyStatus::kOk;
  std::int32_t label = 0;
  double confidence = 0;
  std::uint32_t service_us = 0;
};

struct ProbeReply {
  std::uint64_t query_id = 0;
  std::uint32_t service_us = 0;
};

// A decoding failure: what was wrong, for the log line that names the peer.
struct WireError {
  std::string what;
};

// Decodes a header. Errors: wrong magic or version, unknown type, non-zero reserved bytes, a body
// longer than `max_body_bytes` (checked here, before the body is read or allocated), or a body
// size impossible for the type.
std::optional<Header> decode_header(const std::uint8_t* data, std::size_t size, std::uint32_t max_body_bytes,
                                    WireError* error);
// Bodies (of a header already decoded): nullopt and `error` set when malformed.
std::optional<Request> decode_request(const std::uint8_t* data, std::size_t size, WireError* error);
std::optional<Reply> decode_reply(const std::uint8_t* data, std::size_t size, WireError* error);
std::optional<std::uint64_t> decode_probe(const std::uint8_t* data, std::size_t size, WireError* error);
std::optional<ProbeReply> decode_probe_reply(const std::uint8_t* data, std::size_t size, WireError* error);

// Whole messages, header included.
std::vector<std::uint8_t> encode_request(const Request& r);
// A request whose payload is `payload_bytes` zero bytes, without building the payload twice.
std::vector<std::uint8_t> encode_request(const Request& r, std::uint32_t payload_bytes);
std::vector<std::uint8_t> encode_reply(const Reply& r);
std::vector<std::uint8_t> encode_probe(std::uint64_t query_id, std::uint32_t padding_bytes);
std::vector<std::uint8_t> encode_probe_reply(const ProbeReply& r);

const char* to_string(MessageType t);

}  // namespace offloadsim::sim::live
