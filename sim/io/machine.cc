#include "sim/io/machine.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

namespace offloadsim::sim {

MachineInfo machine_info() {
  MachineInfo m;
  m.cpu = "unknown";
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) m.cpu = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  }
  m.cores = static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  const double pages = static_cast<double>(::sysconf(_SC_PHYS_PAGES));
  const double page = static_cast<double>(::sysconf(_SC_PAGE_SIZE));
  if (pages > 0 && page > 0) m.memory_gib = pages * page / (1024.0 * 1024.0 * 1024.0);
  return m;
}

CpuReading read_cpu() {
  CpuReading r;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal && cpu == "cpu") {
    const double tick = static_cast<double>(std::max(1L, ::sysconf(_SC_CLK_TCK)));
    r.machine_busy_s = (user + nice + system + irq + softirq + steal) / tick;
  }
  rusage u{};
  if (::getrusage(RUSAGE_SELF, &u) == 0) {
    r.own_s = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
              static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  }
  return r;
}

double others_busy_cores(const CpuReading& a, const CpuReading& b) {
  const double wall = b.wall_s - a.wall_s;
  if (wall <= 0) return 0;
  return std::max(0.0, (b.machine_busy_s - a.machine_busy_s) - (b.own_s - a.own_s)) / wall;
}

}  // namespace offloadsim::sim
