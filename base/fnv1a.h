// FNV-1a, 64 bits: a fast, stable fingerprint of bytes (sweep point ids, saved-policy integrity).
// It detects accidental change — a damaged or replaced file — not a deliberate forgery.
#pragma once

#include <cstdint>
#include <string_view>

namespace offloadsim::base {

inline std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace offloadsim::base
