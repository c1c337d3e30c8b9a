// Readers of `rostopic bw` and `rostopic hz` output (the paper's raw measurements).
#pragma once

#include <string>
#include <vector>

namespace offloadsim::netmodels {

// Every "average: X{B,KB,MB}/s" line of a `rostopic bw` log, as Mbps (rostopic's units are powers
// of 1000). The paper's Fig. 2 numbers are medians of these. Throws base::InputError naming the
// file (and line) when it cannot be read or has no estimate.
std::vector<double> read_rostopic_bw_mbps(const std::string& path);

// The last complete report of a `rostopic hz` log: "average rate: R" then
// "min: As max: Bs std dev: Cs window: N". rostopic hz computes them over every interval between
// consecutive messages since it subscribed (up to its window), so min is the shortest gap at which
// the subscriber ever handled two messages and max its longest stall.
struct RostopicHz {
  double rate_hz = 0;
  double min_s = 0, max_s = 0, std_s = 0;
  long window = 0;
};
RostopicHz read_rostopic_hz(const std::string& path);  // throws base::InputError as above

}  // namespace offloadsim::netmodels
