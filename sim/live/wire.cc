#include "sim/live/wire.h"

#include <cstring>

#include <fmt/format.h>

namespace offloadsim::sim::live {

namespace {

std::uint64_t get(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void put(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::vector<std::uint8_t> with_header(MessageType type, std::size_t body_bytes) {
  std::vector<std::uint8_t> out;
  out.reserve(kHeaderBytes + body_bytes);
  put(out, kMagic, 4);
  out.push_back(kVersion);
  out.push_back(static_cast<std::uint8_t>(type));
  put(out, 0, 2);
  put(out, body_bytes, 4);
  return out;
}

template <typename T>
std::optional<T> fail(WireError* error, std::string what) {
  if (error) error->what = std::move(what);
  return std::nullopt;
}

bool size_fits(MessageType type, std::uint32_t body) {
  switch (type) {
    case MessageType::kRequest:
      return body >= kRequestFixedBytes;
    case MessageType::kReply:
      return body == kReplyBytes;
    case MessageType::kProbe:
      return body >= kProbeFixedBytes;
    case MessageType::kProbeReply:
      return body == kProbeReplyBytes;
  }
  return false;
}

}  // namespace

const char* to_string(MessageType t) {
  switch (t) {
    case MessageType::kRequest:
      return "request";
    case MessageType::kReply:
      return "reply";
    case MessageType::kProbe:
      return "probe";
    case MessageType::kProbeReply:
      return "probe reply";
  }
  return "unknown";
}

std::optional<Header> decode_header(const std::uint8_t* data, std::size_t size, std::uint32_t max_body_bytes,
                                    WireError* error) {
  if (size != kHeaderBytes) return fail<Header>(error, fmt::format("a header is {} bytes, not {}", kHeaderBytes, size));
  if (get(data, 4) != kMagic) return fail<Header>(error, "not an offloadsim message (bad magic)");
  if (data[4] != kVersion) {
    return fail<Header>(error, fmt::format("protocol version {} (this program speaks {})", data[4], kVersion));
  }
  const std::uint8_t type = data[5];
  if (type < 1 || type > 4) return fail<Header>(error, fmt::format("unknown message type {}", type));
  if (get(data + 6, 2) != 0) return fail<Header>(error, "reserved header bytes are not zero");
  Header h;
  h.type = static_cast<MessageType>(type);
  h.body_bytes = static_cast<std::uint32_t>(get(data + 8, 4));
  if (h.body_bytes > max_body_bytes) {
    return fail<Header>(error, fmt::format("a {} of {} bytes exceeds the limit of {} bytes", to_string(h.type),
                                           h.body_bytes, max_body_bytes));
  }
  if (!size_fits(h.type, h.body_bytes)) {
    return fail<Header>(error, fmt::format("a {} cannot be {} bytes long", to_string(h.type), h.body_bytes));
  }
  return h;
}

std::optional<Request> decode_request(const std::uint8_t* data, std::size_t size, WireError* error) {
  if (size < kRequestFixedBytes) return fail<Request>(error, fmt::format("a request of {} bytes is too short", size));
  Request r;
  r.query_id = get(data, 8);
  r.robot = static_cast<std::uint16_t>(get(data + 8, 2));
  const std::uint8_t kind = data[10];
  if (kind > 2) return fail<Request>(error, fmt::format("unknown payload kind {}", kind));
  r.kind = static_cast<PayloadKind>(kind);
  if (data[11] != 0) return fail<Request>(error, "reserved request byte is not zero");
  r.frame = static_cast<std::int32_t>(static_cast<std::uint32_t>(get(data + 12, 4)));
  if (r.frame < 0) return fail<Request>(error, fmt::format("negative frame {}", r.frame));
  r.deadline_ms = static_cast<std::uint32_t>(get(data + 16, 4));
  r.payload.assign(data + kRequestFixedBytes, data + size);
  if (r.kind == PayloadKind::kEmbedding && r.payload.size() % 4 != 0) {
    return fail<Request>(error, fmt::format("an embedding of {} bytes is not whole float32s", r.payload.size()));
  }
  return r;
}

std::optional<Reply> decode_reply(const std::uint8_t* data, std::size_t size, WireError* error) {
  if (size != kReplyBytes) return fail<Reply>(error, fmt::format("a reply is {} bytes, not {}", kReplyBytes, size));
  Reply r;
  r.query_id = get(data, 8);
  if (data[8] > 2) return fail<Reply>(error, fmt::format("unknown reply status {}", data[8]));
  r.status = static_cast<ReplyStatus>(data[8]);
  if (get(data + 9, 3) != 0) return fail<Reply>(error, "reserved reply bytes are not zero");
  r.label = static_cast<std::int32_t>(static_cast<std::uint32_t>(get(data + 12, 4)));
  const std::uint64_t bits = get(data + 16, 8);
  std::memcpy(&r.confidence, &bits, sizeof bits);
  if (!(r.confidence >= 0 && r.confidence <= 1)) {
    return fail<Reply>(error, fmt::format("confidence {} is not in [0, 1]", r.confidence));
  }
  r.service_us = static_cast<std::uint32_t>(get(data + 24, 4));
  return r;
}

std::optional<std::uint64_t> decode_probe(const std::uint8_t* data, std::size_t size, WireError* error) {
  if (size < kProbeFixedBytes) return fail<std::uint64_t>(error, "a probe is too short");
  return get(data, 8);
}

std::optional<ProbeReply> decode_probe_reply(const std::uint8_t* data, std::size_t size, WireError* error) {
  if (size != kProbeReplyBytes) return fail<ProbeReply>(error, "a probe reply has the wrong size");
  return ProbeReply{get(data, 8), static_cast<std::uint32_t>(get(data + 8, 4))};
}

namespace {
std::vector<std::uint8_t> request_prefix(const Request& r, std::size_t payload_bytes) {
  std::vector<std::uint8_t> out = with_header(MessageType::kRequest, kRequestFixedBytes + payload_bytes);
  put(out, r.query_id, 8);
  put(out, r.robot, 2);
  out.push_back(static_cast<std::uint8_t>(r.kind));
  out.push_back(0);
  put(out, static_cast<std::uint32_t>(r.frame), 4);
  put(out, r.deadline_ms, 4);
  return out;
}
}  // namespace

std::vector<std::uint8_t> encode_request(const Request& r) {
  std::vector<std::uint8_t> out = request_prefix(r, r.payload.size());
  out.insert(out.end(), r.payload.begin(), r.payload.end());
  return out;
}

std::vector<std::uint8_t> encode_request(const Request& r, std::uint32_t payload_bytes) {
  std::vector<std::uint8_t> out = request_prefix(r, payload_bytes);
  out.resize(out.size() + payload_bytes, 0);
  return out;
}

std::vector<std::uint8_t> encode_reply(const Reply& r) {
  std::vector<std::uint8_t> out = with_header(MessageType::kReply, kReplyBytes);
  put(out, r.query_id, 8);
  out.push_back(static_cast<std::uint8_t>(r.status));
  put(out, 0, 3);
  put(out, static_cast<std::uint32_t>(r.label), 4);
  std::uint64_t bits = 0;
  std::memcpy(&bits, &r.confidence, sizeof bits);
  put(out, bits, 8);
  put(out, r.service_us, 4);
  return out;
}

std::vector<std::uint8_t> encode_probe(std::uint64_t query_id, std::uint32_t padding_bytes) {
  std::vector<std::uint8_t> out = with_header(MessageType::kProbe, kProbeFixedBytes + padding_bytes);
  put(out, query_id, 8);
  out.resize(out.size() + padding_bytes, 0);
  return out;
}

std::vector<std::uint8_t> encode_probe_reply(const ProbeReply& r) {
  std::vector<std::uint8_t> out = with_header(MessageType::kProbeReply, kProbeReplyBytes);
  put(out, r.query_id, 8);
  put(out, r.service_us, 4);
  return out;
}

}  // namespace offloadsim::sim::live
