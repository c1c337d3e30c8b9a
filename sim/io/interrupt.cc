#include "sim/io/interrupt.h"

#include <csignal>
#include <cstdlib>

namespace offloadsim::sim {

namespace {
// A signal handler can only talk to the program through a lock-free flag; this is the one
// process-wide state offloadsim keeps.
volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_signal(int) {
  if (g_stop) std::_Exit(130);
  g_stop = 1;
}
}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupt_requested() {
  return g_stop != 0;
}

void reset_interrupt() {
  g_stop = 0;
}

void check_interrupt() {
  if (interrupt_requested()) throw Interrupted();
}

}  // namespace offloadsim::sim
