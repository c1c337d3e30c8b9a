#include "netmodels/tcpros/rostopic_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "base/input_error.h"

namespace offloadsim::netmodels {

std::vector<double> read_rostopic_bw_mbps(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw base::InputError(path, 0, "", "cannot be read");
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
      throw base::InputError(path, number, "average", "not a number: '" + line + "'");
    }
    const std::string unit = line.substr(key.size() + used);
    const double scale = unit == "B/s" ? 1.0 : unit == "KB/s" ? 1e3 : unit == "MB/s" ? 1e6 : unit == "GB/s" ? 1e9 : -1;
    if (scale < 0) throw base::InputError(path, number, "average", "unknown unit '" + unit + "'");
    if (!std::isfinite(value) || value < 0)
      throw base::InputError(path, number, "average", "a rate must be finite and not negative: '" + line + "'");
    mbps.push_back(value * scale * 8 / 1e6);
  }
  if (mbps.empty()) throw base::InputError(path, 0, "", "no 'average:' line (not a rostopic bw log)");
  return mbps;
}

RostopicHz read_rostopic_hz(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw base::InputError(path, 0, "", "cannot be read");
  RostopicHz last, current;
  bool have_rate = false, have_report = false;
  std::string line;
  int number = 0;
  const std::string rate_key = "average rate: ";
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind(rate_key, 0) == 0) {
      try {
        current.rate_hz = std::stod(line.substr(rate_key.size()));
      } catch (const std::exception&) {
        throw base::InputError(path, number, "average rate", "not a number: '" + line + "'");
      }
      if (!std::isfinite(current.rate_hz) || current.rate_hz < 0)
        throw base::InputError(path, number, "average rate", "must be finite and not negative: '" + line + "'");
      have_rate = true;
      continue;
    }
    const std::size_t at = line.find("min: ");
    if (!have_rate || at == std::string::npos || line.find("window: ") == std::string::npos) continue;
    char min_unit = 0, max_unit = 0, std_unit = 0;
    if (std::sscanf(line.c_str() + at, "min: %lf%c max: %lf%c std dev: %lf%c window: %ld", &current.min_s, &min_unit,
                    &current.max_s, &max_unit, &current.std_s, &std_unit, &current.window) != 7 ||
        min_unit != 's' || max_unit != 's' || std_unit != 's') {
      throw base::InputError(path, number, "min", "not a rostopic hz report: '" + line + "'");
    }
    if (!(current.min_s >= 0 && current.min_s <= current.max_s && current.std_s >= 0 && current.window > 0))
      throw base::InputError(path, number, "min",
                             "intervals must satisfy 0 <= min <= max, std dev >= 0, window > 0: '" + line + "'");
    last = current;
    have_report = true;
    have_rate = false;
  }
  if (!have_report) {
    throw base::InputError(path, 0, "", "no 'average rate:' report with a window (not a rostopic hz log)");
  }
  return last;
}

}  // namespace offloadsim::netmodels
