// Ctrl-C handling: the first SIGINT/SIGTERM only sets the stop flag (base/stop.h) that long loops
// poll, at every floor, so a run stops at a clean point within a second, removes its partial files
// and exits 130. A second signal exits at once.
#pragma once

#include "base/stop.h"

namespace offloadsim::sim {

using Interrupted = base::Stopped;

void install_interrupt_handlers();
bool interrupt_requested();
// Throws Interrupted when a stop was requested.
void check_interrupt();
// Forgets a pending stop request (for tests, and for tools that run several scenarios).
void reset_interrupt();

}  // namespace offloadsim::sim
