#include "netmodels/offload/offload_messages.h"

namespace offloadsim::netmodels {

namespace {
void put_u64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint64_t get_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}
}  // namespace

std::array<std::uint8_t, kOffloadHeadBytes> encode_offload_head(const OffloadHead& head) {
  std::array<std::uint8_t, kOffloadHeadBytes> b{};
  b[0] = static_cast<std::uint8_t>(head.type);
  put_u64(b.data() + 1, head.id);
  put_u64(b.data() + 9, head.service_ns);
  return b;
}

std::optional<OffloadHead> decode_offload_head(const std::vector<std::uint8_t>& prefix) {
  if (prefix.size() < kOffloadHeadBytes) return std::nullopt;
  if (prefix[0] < 1 || prefix[0] > 4) return std::nullopt;
  OffloadHead h;
  h.type = static_cast<OffloadMessageType>(prefix[0]);
  h.id = get_u64(prefix.data() + 1);
  h.service_ns = get_u64(prefix.data() + 9);
  return h;
}

}  // namespace offloadsim::netmodels
