// Reads the output of `rostopic bw` (the paper's raw measurements): every "average: X{B,KB,MB}/s"
// line, as Mbps (rostopic's units are powers of 1000). The paper's Fig. 2 numbers are medians of these.
#pragma once

#include <string>
#include <vector>

namespace offloadsim::netmodels {

// Throws agents::InputError naming the file (and line) when it cannot be read or has no estimate.
std::vector<double> read_rostopic_bw_mbps(const std::string& path);

}  // namespace offloadsim::netmodels
