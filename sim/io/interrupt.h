// Ctrl-C handling: the first SIGINT/SIGTERM only sets a flag that long loops poll, so a run stops
// at a clean point, removes its partial files and exits 130. A second signal exits at once.
#pragma once

#include <stdexcept>

namespace offloadsim::sim {

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

void install_interrupt_handlers();
bool interrupt_requested();
// Throws Interrupted when a stop was requested.
void check_interrupt();
// Forgets a pending stop request (for tests, and for tools that run several scenarios).
void reset_interrupt();

}  // namespace offloadsim::sim
