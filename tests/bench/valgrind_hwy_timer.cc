// Lets valgrind run offloadsim on CPUs that do not advertise RDTSCP (this VM's AMD EPYC, for one).
//
// libhwy (Highway), which LibTorch and OpenCV's video I/O load through libjxl, measures its timer's
// resolution in a static initialiser with RDTSCP. valgrind 3.19 decodes RDTSCP only when the host CPU
// advertises it, and stops the program with SIGILL otherwise, before main. Preloaded
// (LD_PRELOAD), this library answers that one call instead; offloadsim never uses Highway's
// timers, so nothing it computes changes. tests/bench/network_overhead.sh preloads it when it
// counts instructions (MEASURE=instructions).
#include <cstdint>

namespace hwy::platform {
// The same symbol and version (HWY_0, see valgrind_hwy_timer.map) as libhwy.so.1's.
uint64_t TimerResolution() {
  return 1;
}
}  // namespace hwy::platform
