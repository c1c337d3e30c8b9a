#include "sim/io/interrupt.h"

#include <csignal>
#include <cstdlib>

namespace offloadsim::sim {

namespace {
extern "C" void on_signal(int) {
  if (base::stop_requested()) std::_Exit(130);
  base::request_stop();
}
}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupt_requested() {
  return base::stop_requested();
}

void reset_interrupt() {
  base::clear_stop();
}

void check_interrupt() {
  base::throw_if_stopped();
}

}  // namespace offloadsim::sim
