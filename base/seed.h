// Derives independent, reproducible seeds from one scenario seed: each (stream, index) pair gets
// its own 64-bit seed through SplitMix64 finalisation, so adding a trace or a policy never shifts
// the random numbers of another.
#pragma once

#include <cstdint>

namespace offloadsim::base {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline std::uint64_t derive_seed(std::uint64_t base, std::uint64_t stream, std::uint64_t index) {
  return splitmix64(splitmix64(splitmix64(base) ^ stream) ^ index);
}

}  // namespace offloadsim::base
