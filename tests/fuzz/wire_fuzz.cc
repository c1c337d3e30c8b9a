// libFuzzer target: live mode's wire decoder on arbitrary bytes, as the cloud and a robot read
// them: a 12-byte header, then — if the header is accepted — a body of the length it declares.
// Rejecting with a WireError is a correct answer; a crash, an allocation beyond the limit (ASan
// reports it), undefined behaviour, or a decoded message that does not encode back to the same
// bytes is a bug. Run: tests/fuzz/run_fuzz.sh (docs/limits.md).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sim/live/wire.h"

using namespace offloadsim::sim::live;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::uint32_t kLimit = 1u << 16;  // the fuzzer's inputs are smaller; the check is what counts
  WireError err;
  if (size < kHeaderBytes) {
    if (decode_header(data, size, kLimit, &err)) __builtin_trap();  // a short header never decodes
    return 0;
  }
  const std::optional<Header> h = decode_header(data, kHeaderBytes, kLimit, &err);
  if (!h) return 0;
  if (h->body_bytes > kLimit) __builtin_trap();
  const std::uint8_t* body = data + kHeaderBytes;
  const std::size_t available = size - kHeaderBytes;
  if (available < h->body_bytes) return 0;  // the rest has not arrived
  const std::vector<std::uint8_t> wire(data, data + kHeaderBytes + h->body_bytes);
  std::vector<std::uint8_t> again;
  switch (h->type) {
    case MessageType::kRequest:
      if (const auto r = decode_request(body, h->body_bytes, &err)) again = encode_request(*r);
      break;
    case MessageType::kReply:
      if (const auto r = decode_reply(body, h->body_bytes, &err)) again = encode_reply(*r);
      break;
    case MessageType::kProbe:
      if (const auto id = decode_probe(body, h->body_bytes, &err)) {
        // A probe's padding is not kept: only the id and the length come back.
        again = encode_probe(*id, h->body_bytes - static_cast<std::uint32_t>(kProbeFixedBytes));
        std::memcpy(again.data() + kHeaderBytes + kProbeFixedBytes, body + kProbeFixedBytes,
                    h->body_bytes - kProbeFixedBytes);
      }
      break;
    case MessageType::kProbeReply:
      if (const auto r = decode_probe_reply(body, h->body_bytes, &err)) again = encode_probe_reply(*r);
      break;
  }
  if (!again.empty() && again != wire) __builtin_trap();
  return 0;
}
