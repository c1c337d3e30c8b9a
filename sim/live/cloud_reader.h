// What a robot takes from a cloud (docs/live.md): the byte stream is cut into messages, and each
// reply is checked like any other input before the agent sees it. A cloud may be buggy, out of
// date or hostile; what it says must not become the robot's prediction or its measurement unless
// it could be true:
// - the stream: each header is decoded against the robot's limit (a message larger than it, or a
//   header that is not ours, ends the connection: the stream cannot be followed past it);
// - a reply: a known status, a label among the model's classes, a confidence finite in [0, 1], a
//   service time within the round trip the robot measured (the cloud cannot have worked longer than
//   the robot waited); a probe reply: a service time within its round trip.
// A reply that fails is a *bad reply*: counted, logged once per peer, treated as no answer (the
// query's time-out will tell the agent). Pure code, no Asio: a fuzzer drives it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/live/wire.h"

namespace offloadsim::sim::live {

// The labels the cloud's model can answer: [min, max].
struct LabelRange {
  int min = 0;
  int max = 0;
};

// One message cut from the stream, its body not yet checked.
struct CloudMessage {
  MessageType type = MessageType::kReply;
  std::vector<std::uint8_t> body;
};

class CloudStreamReader {
 public:
  explicit CloudStreamReader(std::uint32_t max_body_bytes) : max_body_(max_body_bytes) {}
  // Appends `n` received bytes and moves every whole message out into `out`. False (and `error`
  // set) when the stream is broken: the connection must be closed. Holds at most one message's
  // worth of bytes (header and max_body_bytes) between calls.
  bool feed(const std::uint8_t* data, std::size_t n, std::vector<CloudMessage>* out, WireError* error);
  std::size_t buffered() const { return buffer_.size(); }

 private:
  std::uint32_t max_body_;
  std::vector<std::uint8_t> buffer_;
};

// A reply's body, decoded and checked: the reply, or what is wrong with it.
struct CheckedReply {
  std::optional<Reply> reply;
  std::string problem;
};
CheckedReply check_reply(const std::vector<std::uint8_t>& body, const LabelRange& labels, double round_trip_s);

struct CheckedProbeReply {
  std::optional<ProbeReply> reply;
  std::string problem;
};
CheckedProbeReply check_probe_reply(const std::vector<std::uint8_t>& body, double round_trip_s);

}  // namespace offloadsim::sim::live
