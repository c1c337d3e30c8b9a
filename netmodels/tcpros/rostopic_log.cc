#include "netmodels/tcpros/rostopic_log.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "agents/streams/input_error.h"

namespace offloadsim::netmodels {

std::vector<double> read_rostopic_bw_mbps(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw agents::InputError(path, 0, "", "cannot be read");
  std::vector<double> mbps;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string key = "average: ";
    if (line.rfind(key, 0) != 0) continue;
    std::size_t used = 0;
    double value = 0;
    try {
      value = std::stod(line.substr(key.size()), &used);
    } catch (const std::exception&) {
      throw agents::InputError(path, number, "average", "not a number: '" + line + "'");
    }
    const std::string unit = line.substr(key.size() + used);
    const double scale = unit == "B/s" ? 1.0 : unit == "KB/s" ? 1e3 : unit == "MB/s" ? 1e6 : unit == "GB/s" ? 1e9 : -1;
    if (scale < 0) throw agents::InputError(path, number, "average", "unknown unit '" + unit + "'");
    mbps.push_back(value * scale * 8 / 1e6);
  }
  if (mbps.empty()) throw agents::InputError(path, 0, "", "no 'average:' line (not a rostopic bw log)");
  return mbps;
}

}  // namespace offloadsim::netmodels
