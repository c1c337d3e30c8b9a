// libFuzzer target: the robot's side of live mode, a byte stream from a cloud as the robot reads it
// (sim/live/cloud_reader.h). The input's first bytes choose how the stream is cut into reads (as
// TCP may deliver it), the classes the robot knows and the round trip it measured; the rest is the
// stream. A broken stream refused, or a reply refused as bad, is a correct answer; a crash, undefined
// behaviour, a buffer beyond one message, or an *accepted* reply that could not be true (a label
// outside the classes, a confidence not finite in [0, 1], a service time beyond the round trip) is
// a bug. Run: tests/fuzz/run_fuzz.sh (docs/limits.md).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/live/cloud_reader.h"

using namespace offloadsim::sim::live;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::size_t chunk = 1 + data[0] % 64;       // bytes per read
  const LabelRange classes{0, data[1] % 16};         // the model's classes
  const double round_trip_s = data[2] * 0.01;        // 0 … 2.55 s
  constexpr std::uint32_t kLimit = 1u << 16;         // the robot's limit (replies are 40 bytes)
  data += 3;
  size -= 3;
  CloudStreamReader reader(kLimit);
  for (std::size_t at = 0; at < size; at += chunk) {
    std::vector<CloudMessage> messages;
    WireError err;
    const bool ok = reader.feed(data + at, std::min(chunk, size - at), &messages, &err);
    if (reader.buffered() > kHeaderBytes + kLimit + chunk) __builtin_trap();
    for (const CloudMessage& m : messages) {
      if (m.type == MessageType::kReply) {
        const CheckedReply c = check_reply(m.body, classes, round_trip_s);
        if (c.reply.has_value() == !c.problem.empty()) __builtin_trap();  // exactly one of the two
        if (!c.reply) continue;
        const Reply& r = *c.reply;
        if (!std::isfinite(r.confidence) || r.confidence < 0 || r.confidence > 1) __builtin_trap();
        if (r.status == ReplyStatus::kOk && (r.label < classes.min || r.label > classes.max)) __builtin_trap();
        if (r.service_us / 1e6 > round_trip_s) __builtin_trap();
      } else if (m.type == MessageType::kProbeReply) {
        const CheckedProbeReply c = check_probe_reply(m.body, round_trip_s);
        if (c.reply && c.reply->service_us / 1e6 > round_trip_s) __builtin_trap();
      } else {
        __builtin_trap();  // a cloud's stream yields replies only
      }
    }
    if (!ok) return 0;  // the connection would be closed here
  }
  return 0;
}
