// What machine a result was measured on, and how busy the rest of it was meanwhile (Linux /proc).
// Timings are only as good as the machine was quiet: perception-timing refuses a busy one.
#pragma once

#include <string>

namespace offloadsim::sim {

struct MachineInfo {
  std::string cpu;  // /proc/cpuinfo's model name ("unknown" elsewhere)
  int cores = 0;    // online logical CPUs
  double memory_gib = 0;
};
MachineInfo machine_info();

// A reading of the whole machine's busy CPU time and this process's own (every thread), to tell
// what the other processes used between two readings.
struct CpuReading {
  double machine_busy_s = 0;  // /proc/stat: user + nice + system + irq + softirq + steal
  double own_s = 0;           // getrusage(RUSAGE_SELF): user + system
  double wall_s = 0;          // steady clock
};
CpuReading read_cpu();

// The cores' worth of CPU the other processes used between a and b (≥ 0): 0 on an idle machine,
// 1 when another process kept one core busy throughout.
double others_busy_cores(const CpuReading& a, const CpuReading& b);

}  // namespace offloadsim::sim
